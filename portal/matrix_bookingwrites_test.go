package portal_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/schematype"
)

// Rows of the authorisation matrix for booking, rescheduling and cancelling
// (booking_writes.graphqls). Managing appointments is not a scope but the
// link's can-manage-appointments flag; the rows model it as a scope no link
// has (manageAppointments), held by one extra role: a contact of Sam whose
// link has the flag. Every other contact may not manage (FORBIDDEN); a
// client acting for itself always may.

// manageAppointments stands for can-manage-appointments in role.scopes.
const manageAppointments schematype.PortalScope = "MANAGE_APPOINTMENTS (link flag)"

// bookingStart is a start time the matrix's bookable practitioner is free
// at: n hours into their 06:00–22:00 days, from four days ahead.
func bookingStart(fx *fixture) time.Time {
	n := fx.next()
	toronto, _ := time.LoadLocation("America/Toronto")
	d := time.Now().In(toronto).AddDate(0, 0, 4+n/16)
	return time.Date(d.Year(), d.Month(), d.Day(), 6+n%16, 0, 0, 0, toronto)
}

// actingOrSam is the client r acts for, or Sam.
func actingOrSam(fx *fixture, r role) string {
	if r.acting == "" {
		return fx.sam
	}
	return r.acting
}

// staffBooking books the matrix's service for client as the owner.
func staffBooking(fx *fixture, client string) string {
	at := bookingStart(fx)
	var out struct{ CreateAppointment struct{ ID string } }
	fx.api.OK(fx.p.Token, `mutation($c: ID!, $p: ID!, $sv: ID, $s: Time!, $e: Time!) { createAppointment(input: {clientID: $c, practitionerID: $p, serviceID: $sv, startsAt: $s, endsAt: $e}) { id } }`,
		map[string]any{"c": client, "p": fx.records["booker"], "sv": fx.records["bookable"], "s": at, "e": at.Add(time.Hour)}, &out)
	return out.CreateAppointment.ID
}

func init() {
	manage := matrixOp{who: forScope, scope: manageAppointments, deniedCode: "FORBIDDEN"}
	with := func(op matrixOp, doc string, vars func(fx *fixture, r role) map[string]any) matrixOp {
		op.doc, op.roleVars = doc, vars
		return op
	}
	row("Mutation.bookAppointment", with(manage, `mutation($in: BookAppointmentInput!) { bookAppointment(input: $in) { id status } }`,
		func(fx *fixture, _ role) map[string]any {
			return map[string]any{"in": map[string]any{"serviceId": fx.records["bookable"], "practitionerId": fx.records["booker"],
				"startsAt": bookingStart(fx), "idempotencyKey": fmt.Sprintf("matrix-%d", fx.next())}}
		}))
	row("Mutation.reschedulePortalAppointment", with(manage, `mutation($id: ID!, $s: Time!) { reschedulePortalAppointment(id: $id, startsAt: $s) { id } }`,
		func(fx *fixture, r role) map[string]any {
			return map[string]any{"id": staffBooking(fx, actingOrSam(fx, r)), "s": bookingStart(fx)}
		}))
	row("Mutation.cancelPortalAppointment", with(manage, `mutation($id: ID!) { cancelPortalAppointment(id: $id, reason: "ill") { id } }`,
		func(fx *fixture, r role) map[string]any {
			return map[string]any{"id": staffBooking(fx, actingOrSam(fx, r))}
		}))
	row("Mutation.requestBookingCode", matrixOp{doc: `mutation($e: String!) { requestBookingCode(input: {organization: "practice", email: $e, firstName: "V", lastName: "W"}) }`,
		vars: func(fx *fixture) map[string]any {
			return map[string]any{"e": fmt.Sprintf("visitor%d@example.com", fx.next())}
		}, who: forPublic})
	row("Mutation.bookAsVisitor", matrixOp{doc: `mutation($in: BookAsVisitorInput!) { bookAsVisitor(input: $in) { id } }`,
		vars: func(fx *fixture) map[string]any {
			return map[string]any{"in": map[string]any{"organization": "practice", "email": "visitor@example.com", "code": "000000",
				"firstName": "V", "lastName": "W", "serviceId": fx.records["bookable"], "practitionerId": fx.records["booker"],
				"startsAt": bookingStart(fx), "idempotencyKey": fmt.Sprintf("visit-%d", fx.next())}}
		}, who: forPublic})

	// A practitioner free 06:00–22:00 every day giving a bookable service,
	// and a contact of Sam who may manage Sam's appointments.
	fixtureHooks = append(fixtureHooks, func(t *testing.T, fx *fixture) {
		t.Helper()
		tok := fx.p.Token
		var staff struct{ CreateStaff struct{ ID string } }
		fx.api.OK(tok, `mutation { createStaff(input: {name: "Booker", email: "booker@practice.example", role: PRACTITIONER}) { id } }`, nil, &staff)
		fx.records["booker"] = staff.CreateStaff.ID
		var week []map[string]any
		for d := range 7 {
			week = append(week, map[string]any{"weekday": d, "start": "06:00", "end": "23:00"})
		}
		fx.api.OK(tok, `mutation($s: ID!, $i: [WorkingHoursInput!]!) { setWorkingHours(staffId: $s, intervals: $i) { id } }`,
			map[string]any{"s": fx.records["booker"], "i": week}, nil)
		var svc struct{ CreateService struct{ ID string } }
		fx.api.OK(tok, `mutation($p: [ID!]) { createService(input: {name: "Bookable", durationMinutes: 60, bookableOnline: true}, practitionerIds: $p) { id } }`,
			map[string]any{"p": []string{fx.records["booker"]}}, &svc)
		fx.records["bookable"] = svc.CreateService.ID

		var link struct {
			AddClientContact struct {
				ID      string
				Contact struct{ ID string }
			}
		}
		fx.api.OK(tok, `mutation($id: ID!) { addClientContact(clientID: $id, input: {contact: {firstName: "Manager", email: "manager@family.example"}, relationship: PARENT, canManageAppointments: true}) { id contact { id } } }`,
			map[string]any{"id": fx.sam}, &link)
		session := claimToken(t, fx.api, tok, link.AddClientContact.ID, "manager@family.example")
		require.NotEmpty(t, session)
		fx.roles = append(fx.roles, role{name: "contact who manages appointments", token: session, acting: fx.sam, portal: true, access: true,
			scopes: []schematype.PortalScope{manageAppointments}, contact: link.AddClientContact.Contact.ID})
	})
}
