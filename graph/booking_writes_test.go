package graph_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier/notifiertest"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
)

// bookings is a practice (Toronto) whose owner works every day 09:00–17:00
// and gives a bookable 60-minute service on a 30-minute grid, with a
// notifier queue (not started) writing Notification rows. Sam is a client
// with portal access; Pat, a contact of Sam who may manage appointments
// and receives confirmations; Kim, a contact of Sam who may not. Alex is
// another client with portal access.
type bookings struct {
	env              *notifiertest.Env
	api              *kithtest.API
	p                kithtest.Practice
	service          string
	sam, alex        string // clients
	samS, patS, kimS string // portal sessions
	alexS            string
	day              time.Time // midnight in Toronto, 5 days ahead
	practitioner     string
}

const (
	bookMutation  = `mutation($in: BookAppointmentInput!) { bookAppointment(input: $in) { id startsAt endsAt status practitionerName } }`
	moveMutation  = `mutation($id: ID!, $s: Time!) { reschedulePortalAppointment(id: $id, startsAt: $s) { id startsAt status } }`
	dropMutation  = `mutation($id: ID!, $r: String) { cancelPortalAppointment(id: $id, reason: $r) { id status } }`
	codeMutation  = `mutation($in: RequestBookingCodeInput!) { requestBookingCode(input: $in) }`
	visitMutation = `mutation($in: BookAsVisitorInput!) { bookAsVisitor(input: $in) { id startsAt status practitionerName } }`
)

func setupBookings(t *testing.T) *bookings {
	t.Helper()
	env := notifiertest.New(t)
	b := &bookings{env: env, api: env.API, p: env.Practice(t, "maple")}
	tok := b.p.Token
	b.practitioner = string(b.p.Owner.ID)
	var week []map[string]any
	for d := range 7 {
		week = append(week, map[string]any{"weekday": d, "start": "09:00", "end": "17:00"})
	}
	b.api.OK(tok, `mutation($s: ID!, $i: [WorkingHoursInput!]!) { setWorkingHours(staffId: $s, intervals: $i) { id } }`, map[string]any{"s": b.practitioner, "i": week}, nil)
	b.api.OK(tok, `mutation { updateBookingRules(input: {bookingMinNoticeMinutes: 0, slotIntervalMinutes: 30}) { id } }`, nil, nil)
	var svc struct{ CreateService struct{ ID string } }
	b.api.OK(tok, `mutation($p: [ID!]) { createService(input: {name: "Counselling", durationMinutes: 60, bookableOnline: true, location: "12 Elm St"}, practitionerIds: $p) { id } }`,
		map[string]any{"p": []string{b.practitioner}}, &svc)
	b.service = svc.CreateService.ID

	var sam struct {
		CreateClient struct {
			ID           string
			ContactLinks []struct {
				ID      string
				Contact struct{ Email string }
			}
		}
	}
	b.api.OK(tok, `mutation { createClient(input: {firstName: "Sam", lastName: "Rivera", email: "sam@example.com"}, contacts: [
		{contact: {firstName: "Pat", lastName: "Rivera", email: "pat@example.com"}, relationship: PARENT, canManageAppointments: true, notifyConfirmations: true},
		{contact: {firstName: "Kim", lastName: "Rivera", email: "kim@example.com"}, relationship: PARENT}]) { id contactLinks { id contact { email } } } }`, nil, &sam)
	b.sam = sam.CreateClient.ID
	for _, l := range sam.CreateClient.ContactLinks {
		b.api.OK(tok, `mutation($id: ID!) { inviteContactToPortal(linkId: $id) { id } }`, map[string]any{"id": l.ID}, nil)
		s := b.claim(t, l.Contact.Email)
		if l.Contact.Email == "pat@example.com" {
			b.patS = s
		} else {
			b.kimS = s
		}
	}
	b.api.OK(tok, `mutation($id: ID!) { inviteClientToPortal(clientId: $id) { id } }`, map[string]any{"id": b.sam}, nil)
	b.samS = b.claim(t, "sam@example.com")
	var alex struct{ CreateClient struct{ ID string } }
	b.api.OK(tok, `mutation { createClient(input: {firstName: "Alex", lastName: "Stone", email: "alex@example.com"}) { id } }`, nil, &alex)
	b.alex = alex.CreateClient.ID
	b.api.OK(tok, `mutation($id: ID!) { inviteClientToPortal(clientId: $id) { id } }`, map[string]any{"id": b.alex}, nil)
	b.alexS = b.claim(t, "alex@example.com")

	toronto, _ := time.LoadLocation("America/Toronto")
	d := time.Now().In(toronto).AddDate(0, 0, 5)
	b.day = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, toronto)
	return b
}

// claim claims the last invitation sent to email and returns the session.
func (b *bookings) claim(t *testing.T, email string) string {
	t.Helper()
	link := b.api.Outbox.Last(t, email).Link
	_, tok, ok := strings.Cut(link, "token=")
	require.True(t, ok, link)
	var out struct{ ClaimPortalInvitation struct{ Token string } }
	b.api.OK("", `mutation($t: String!) { claimPortalInvitation(token: $t) { token } }`, map[string]any{"t": tok}, &out)
	return out.ClaimPortalInvitation.Token
}

// at is hh:mm on the bookings' day, in Toronto.
func (b *bookings) at(hour, minute int) time.Time {
	return b.day.Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
}

func (b *bookings) bookVars(start time.Time, key string) map[string]any {
	return map[string]any{"in": map[string]any{"serviceId": b.service, "practitionerId": b.practitioner, "startsAt": start, "idempotencyKey": key}}
}

type bookedAppointment struct {
	ID, Status, PractitionerName string
	StartsAt, EndsAt             time.Time
}

// book books start as the portal session acting for client.
func (b *bookings) book(t *testing.T, session, client string, start time.Time, key string) bookedAppointment {
	t.Helper()
	var out struct{ BookAppointment bookedAppointment }
	b.api.Acting(client).OK(session, bookMutation, b.bookVars(start, key), &out)
	return out.BookAppointment
}

// notified lists the addresses sent kind about appointment id by email.
func (b *bookings) notified(t *testing.T, id string, kind schematype.MessageKind) []string {
	t.Helper()
	rows, err := b.env.DB.Client.Notification.Query().
		Where(notification.AppointmentID(pulid.ID(id)), notification.KindEQ(kind), notification.ChannelEQ(schematype.ChannelEmail)).
		All(notifiertest.System(b.p))
	require.NoError(t, err)
	var out []string
	for _, n := range rows {
		out = append(out, n.Address)
	}
	slices.Sort(out)
	return out
}

func TestPortalBooksReschedulesAndCancels(t *testing.T) {
	t.Parallel()
	b := setupBookings(t)

	a := b.book(t, b.samS, b.sam, b.at(10, 0), "sam-1")
	require.Equal(t, "BOOKED", a.Status)
	require.Equal(t, time.Hour, a.EndsAt.Sub(a.StartsAt))
	require.Equal(t, []string{"pat@example.com", "sam@example.com"}, b.notified(t, a.ID, schematype.MessageKindConfirmation),
		"the client and the contact who follows confirmations")
	again := b.book(t, b.samS, b.sam, b.at(10, 0), "sam-1")
	require.Equal(t, a.ID, again.ID, "the same key returns the same appointment")
	require.Len(t, b.notified(t, a.ID, schematype.MessageKindConfirmation), 2, "and notifies once")
	e := b.api.Acting(b.sam).Fail(b.samS, bookMutation, b.bookVars(b.at(11, 0), "sam-1"))
	require.Equal(t, "CONFLICT", e.Code())
	require.Equal(t, "idempotencyKey", e.Field())

	// The slot is taken, for anyone; back-to-back is fine.
	e = b.api.Acting(b.alex).Fail(b.alexS, bookMutation, b.bookVars(b.at(10, 30), "alex-1"))
	require.Equal(t, "SLOT_TAKEN", e.Code())
	alexAppt := b.book(t, b.alexS, b.alex, b.at(11, 0), "alex-2")

	// A contact who may manage appointments books for the client; one who may not cannot.
	patAppt := b.book(t, b.patS, b.sam, b.at(13, 0), "pat-1")
	e = b.api.Acting(b.sam).Fail(b.kimS, bookMutation, b.bookVars(b.at(14, 0), "kim-1"))
	require.Equal(t, "FORBIDDEN", e.Code())
	e = b.api.Acting(b.sam).Fail(b.kimS, dropMutation, map[string]any{"id": patAppt.ID})
	require.Equal(t, "FORBIDDEN", e.Code())
	e = b.api.Acting(b.alex).Fail(b.patS, bookMutation, b.bookVars(b.at(15, 0), "pat-2"))
	require.Equal(t, "NOT_FOUND", e.Code(), "a client the contact may not act for reads as missing")

	// Another client's appointment reads as missing.
	e = b.api.Acting(b.sam).Fail(b.samS, moveMutation, map[string]any{"id": alexAppt.ID, "s": b.at(15, 0)})
	require.Equal(t, "NOT_FOUND", e.Code())
	e = b.api.Acting(b.sam).Fail(b.patS, dropMutation, map[string]any{"id": alexAppt.ID})
	require.Equal(t, "NOT_FOUND", e.Code())

	// Moving: the reschedule notice; the old time is free again.
	var moved struct{ ReschedulePortalAppointment bookedAppointment }
	b.api.Acting(b.sam).OK(b.patS, moveMutation, map[string]any{"id": a.ID, "s": b.at(15, 30)}, &moved)
	require.True(t, b.at(15, 30).Equal(moved.ReschedulePortalAppointment.StartsAt))
	require.Equal(t, []string{"pat@example.com", "sam@example.com"}, b.notified(t, a.ID, schematype.MessageKindReschedule))
	b.book(t, b.alexS, b.alex, b.at(10, 0), "alex-3")
	e = b.api.Acting(b.sam).Fail(b.samS, moveMutation, map[string]any{"id": patAppt.ID, "s": b.at(11, 30)})
	require.Equal(t, "SLOT_TAKEN", e.Code(), "11:30–12:30 overlaps Alex's 11:00")

	// Cancelling: the cancellation notice; the slot is free again.
	var dropped struct{ CancelPortalAppointment bookedAppointment }
	b.api.Acting(b.sam).OK(b.samS, dropMutation, map[string]any{"id": a.ID}, &dropped)
	require.Equal(t, "CANCELLED", dropped.CancelPortalAppointment.Status)
	require.Equal(t, []string{"pat@example.com", "sam@example.com"}, b.notified(t, a.ID, schematype.MessageKindCancellation))
	b.book(t, b.samS, b.sam, b.at(15, 30), "sam-2")

	// What the portal did shows in the client's activity.
	var act struct {
		Node struct{ PortalActivity []struct{ Action string } }
	}
	b.api.OK(b.p.Token, `query($id: ID!) { node(id: $id) { ... on Client { portalActivity { action } } } }`, map[string]any{"id": b.sam}, &act)
	var actions []string
	for _, ev := range act.Node.PortalActivity {
		actions = append(actions, ev.Action)
	}
	require.Subset(t, actions, []string{"APPOINTMENT_BOOKED", "APPOINTMENT_RESCHEDULED", "APPOINTMENT_CANCELLED"})
	booked := 0
	for _, a := range actions {
		if a == "APPOINTMENT_BOOKED" {
			booked++
		}
	}
	require.Equal(t, 3, booked, "a repeated booking is not recorded twice")
}

func TestPortalNoticeRulesBindClientsNotStaff(t *testing.T) {
	t.Parallel()
	b := setupBookings(t)
	b.api.OK(b.p.Token, `mutation { updateBookingRules(input: {requireCancellationReason: true}) { id } }`, nil, nil)
	// Staff book one starting in two hours: inside the 24-hour notices.
	soon := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Minute)
	var out struct{ CreateAppointment struct{ ID string } }
	b.api.OK(b.p.Token, `mutation($c: ID!, $p: ID!, $sv: ID, $s: Time!, $e: Time!) { createAppointment(input: {clientID: $c, practitionerID: $p, serviceID: $sv, startsAt: $s, endsAt: $e}) { id } }`,
		map[string]any{"c": b.sam, "p": b.practitioner, "sv": b.service, "s": soon, "e": soon.Add(time.Hour)}, &out)
	id := out.CreateAppointment.ID

	e := b.api.Acting(b.sam).Fail(b.samS, dropMutation, map[string]any{"id": id, "r": "ill"})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "id", e.Field())
	require.Contains(t, e.Message, "1 day")
	e = b.api.Acting(b.sam).Fail(b.samS, moveMutation, map[string]any{"id": id, "s": b.at(10, 0)})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "id", e.Field())

	// With notice, a reason is required.
	later := b.book(t, b.samS, b.sam, b.at(16, 0), "later")
	e = b.api.Acting(b.sam).Fail(b.samS, dropMutation, map[string]any{"id": later.ID})
	require.Equal(t, "reason", e.Field())
	b.api.Acting(b.sam).OK(b.samS, dropMutation, map[string]any{"id": later.ID, "r": "travelling"}, nil)

	// Staff are not bound.
	b.api.OK(b.p.Token, `mutation($id: ID!) { cancelAppointment(id: $id, reason: "practitioner ill") { id } }`, map[string]any{"id": id}, nil)
}

func TestVisitorBooksWithACode(t *testing.T) {
	t.Parallel()
	b := setupBookings(t)
	countClients := func() int {
		var out struct{ Clients struct{ TotalCount int } }
		b.api.OK(b.p.Token, `{ clients(first: 1) { totalCount } }`, nil, &out)
		return out.Clients.TotalCount
	}
	before := countClients()
	visit := func(email, code string, start time.Time, key string) map[string]any {
		return map[string]any{"in": map[string]any{"organization": "maple", "email": email, "code": code, "firstName": "Vic", "lastName": "Tor",
			"phone": "416 555 0142", "serviceId": b.service, "practitionerId": b.practitioner, "startsAt": start, "idempotencyKey": key}}
	}
	ask := func(email string) string {
		var ok struct{ RequestBookingCode bool }
		b.api.OK("", codeMutation, map[string]any{"in": map[string]any{"organization": "maple", "email": email, "firstName": "Vic", "lastName": "Tor"}}, &ok)
		require.True(t, ok.RequestBookingCode)
		return b.api.Outbox.Last(t, strings.ToLower(email)).Code
	}

	// A new email: a wrong code is refused, the right one books for a new lead.
	code := ask("vic@visitor.example")
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	e := b.api.Fail("", visitMutation, visit("vic@visitor.example", wrong, b.at(9, 0), "v-1"))
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "code", e.Field())
	var out struct {
		BookAsVisitor struct{ ID, Status, PractitionerName string }
	}
	b.api.OK("", visitMutation, visit("vic@visitor.example", code, b.at(9, 0), "v-1"), &out)
	first := out.BookAsVisitor.ID
	require.NotEmpty(t, out.BookAsVisitor.PractitionerName, "a visitor reads whom they booked with")
	require.Equal(t, before+1, countClients())
	var lead struct {
		Node struct {
			Status, Email, MobilePhone, BookedVia string
			SmsConsent                            bool
			Client                                struct {
				Status, Email, MobilePhone string
				SmsConsent                 bool
			}
		}
	}
	b.api.OK(b.p.Token, `query($id: ID!) { node(id: $id) { ... on Appointment { bookedVia client { status email mobilePhone smsConsent } } } }`, map[string]any{"id": first}, &lead)
	require.Equal(t, "WIDGET", lead.Node.BookedVia)
	require.Equal(t, "LEAD", lead.Node.Client.Status)
	require.Equal(t, "vic@visitor.example", lead.Node.Client.Email)
	require.Equal(t, "+14165550142", lead.Node.Client.MobilePhone)
	require.False(t, lead.Node.Client.SmsConsent)
	require.Equal(t, []string{"vic@visitor.example"}, b.notified(t, first, schematype.MessageKindConfirmation))

	// Repeating the booking with its key needs no new code (the code is used up).
	b.api.OK("", visitMutation, visit("vic@visitor.example", code, b.at(9, 0), "v-1"), &out)
	require.Equal(t, first, out.BookAsVisitor.ID)
	require.NotEmpty(t, out.BookAsVisitor.PractitionerName)
	e = b.api.Fail("", visitMutation, visit("vic@visitor.example", code, b.at(12, 0), "v-2"))
	require.Equal(t, "code", e.Field(), "a code works once")

	// A known email books for the existing client: no duplicate.
	code = ask("Sam@Example.com")
	b.api.OK("", visitMutation, visit("sam@example.com", code, b.at(12, 0), "v-3"), &out)
	require.Equal(t, before+1, countClients())
	var client struct {
		Node struct{ Client struct{ ID string } }
	}
	b.api.OK(b.p.Token, `query($id: ID!) { node(id: $id) { ... on Appointment { client { id } } } }`, map[string]any{"id": out.BookAsVisitor.ID}, &client)
	require.Equal(t, b.sam, client.Node.Client.ID)

	// An unknown practice answers the same as a known one.
	var ok struct{ RequestBookingCode bool }
	b.api.OK("", codeMutation, map[string]any{"in": map[string]any{"organization": "nowhere", "email": "x@y.example", "firstName": "X", "lastName": "Y"}}, &ok)
	require.True(t, ok.RequestBookingCode)
	require.Equal(t, 0, b.api.Outbox.Count("x@y.example"))
}
