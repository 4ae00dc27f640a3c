package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/viewer"
)

// bundle is what each test works with: a database, the API over it and one practice.
type bundle struct {
	db    *database.DB
	api   *kithtest.API
	p     kithtest.Practice
	token string
}

func setup(t *testing.T) *bundle {
	t.Helper()
	db := kithtest.DB(t, nil)
	p := kithtest.NewPractice(t, db, "maple")
	return &bundle{db: db, api: kithtest.NewAPI(t, db), p: p, token: p.Token}
}

// count returns how many rows table holds, read as the system.
func (b *bundle) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	require.NoError(t, b.db.SQL.QueryRow("SELECT count(*) FROM "+table).Scan(&n))
	return n
}

const createClient = `mutation($input: CreateClientInput!, $contacts: [ClientContactLinkInput!]) {
  createClient(input: $input, contacts: $contacts) {
    id firstName email mobilePhone language timeZone smsConsent emailConsent
    recipients { kind name firstName email phone relationship notifyReminders notifyConfirmations notifyScheduled canManageAppointments }
    billingContacts { contact { firstName } }
    contactLinks { id contactTypes portalScopes portalStatus isConnection contact { id } }
  }
}`

type recipient struct {
	Kind, Name, FirstName string
	Email, Phone          *string
	Relationship          *string
	NotifyReminders       bool
	NotifyConfirmations   bool
	NotifyScheduled       bool
	CanManageAppointments bool
}

type clientOut struct {
	ID, FirstName, Language, TimeZone string
	Email, MobilePhone                string
	SmsConsent, EmailConsent          bool
	Recipients                        []recipient
	BillingContacts                   []struct{ Contact struct{ FirstName string } }
	ContactLinks                      []struct {
		ID           string
		ContactTypes []string
		PortalScopes []string
		PortalStatus string
		IsConnection bool
		Contact      struct{ ID string }
	}
}

func (b *bundle) createClient(t *testing.T, input map[string]any, contacts []map[string]any) clientOut {
	t.Helper()
	var out struct{ CreateClient clientOut }
	b.api.OK(b.token, createClient, map[string]any{"input": input, "contacts": contacts}, &out)
	return out.CreateClient
}

func (b *bundle) createContact(t *testing.T, input map[string]any) string {
	t.Helper()
	var out struct{ CreateContact struct{ ID string } }
	b.api.OK(b.token, `mutation($i: CreateContactInput!){ createContact(input: $i){ id } }`, map[string]any{"i": input}, &out)
	return out.CreateContact.ID
}

func TestCreateClient(t *testing.T) {
	t.Parallel()

	t.Run("a minor with two parents receives through them", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		existing := b.createContact(t, map[string]any{"firstName": "Jordan", "lastName": "Lee", "email": "jordan@example.com",
			"address": map[string]any{"line1": "1 Main St", "city": "Toronto"}})
		c := b.createClient(t,
			map[string]any{"firstName": "Sam", "lastName": "Lee", "notifyReminders": false, "notifyConfirmations": false, "notifyScheduled": false},
			[]map[string]any{
				{"contact": map[string]any{"firstName": "Alex", "lastName": "Lee", "phone": "(416) 555-0101"},
					"relationship": "PARENT", "contactTypes": []string{"BILLING", "EMERGENCY", "BILLING"},
					"notifyReminders": true, "notifyConfirmations": true, "portalScopes": []string{"VIEW_FORMS", "MANAGE_BILLING"}},
				{"contactID": existing, "relationship": "GUARDIAN", "contactTypes": []string{"ADDITIONAL_ADDRESS"},
					"notifyScheduled": true, "canManageAppointments": true},
			})
		require.Len(t, c.Recipients, 3)
		require.Equal(t, "CLIENT", c.Recipients[0].Kind, "the client comes first")
		require.False(t, c.Recipients[0].NotifyReminders)
		require.Nil(t, c.Recipients[0].Email)
		require.Equal(t, recipient{Kind: "CONTACT", Name: "Alex Lee", FirstName: "Alex", Phone: ptr("+14165550101"),
			Relationship: ptr("PARENT"), NotifyReminders: true, NotifyConfirmations: true}, c.Recipients[1])
		require.Equal(t, "GUARDIAN", *c.Recipients[2].Relationship)
		require.True(t, c.Recipients[2].NotifyScheduled)
		require.True(t, c.Recipients[2].CanManageAppointments)
		require.Len(t, c.BillingContacts, 1)
		require.Equal(t, "Alex", c.BillingContacts[0].Contact.FirstName)
		require.Equal(t, []string{"BILLING", "EMERGENCY"}, c.ContactLinks[0].ContactTypes, "a set: repeats are dropped")
		require.Equal(t, "NONE", c.ContactLinks[0].PortalStatus)
		require.False(t, c.ContactLinks[0].IsConnection)
		require.Equal(t, existing, c.ContactLinks[1].Contact.ID, "the existing contact is linked, not copied")
		require.Equal(t, 2, b.count(t, "contacts"))
	})

	t.Run("normalises and defaults from the organisation", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		c := b.createClient(t, map[string]any{"firstName": " Ana ", "lastName": "Silva", "email": " Ana.Silva@Example.COM ",
			"mobilePhone": "416 555 0199", "smsConsent": true, "otherPhones": []map[string]any{{"label": "work", "number": "+44 20 7946 0958"}}}, nil)
		require.Equal(t, "Ana", c.FirstName)
		require.Equal(t, "ana.silva@example.com", c.Email)
		require.Equal(t, "+14165550199", c.MobilePhone, "read in the organisation's region, CA")
		require.Equal(t, "en", c.Language)
		require.Equal(t, "America/Toronto", c.TimeZone)
		require.True(t, c.EmailConsent, "email consent is on by default")
		c2 := b.createClient(t, map[string]any{"firstName": "Luc", "lastName": "Roy", "email": "luc@example.com", "language": "fr-ca", "timeZone": "America/Montreal"}, nil)
		require.Equal(t, "fr-CA", c2.Language)
		require.False(t, c2.SmsConsent, "SMS consent is off by default")
	})
}

// TestCreateClientRefusesBadInput checks each rule: the code, the field at
// fault, and that nothing at all was written.
func TestCreateClientRefusesBadInput(t *testing.T) {
	t.Parallel()
	valid := func() map[string]any {
		return map[string]any{"firstName": "Ana", "lastName": "Silva", "email": "ana@example.com"}
	}
	with := func(k string, v any) map[string]any { m := valid(); m[k] = v; return m }
	unreachable := map[string]any{"firstName": "Sam", "lastName": "Lee"}
	parent := func(contact map[string]any) []map[string]any {
		return []map[string]any{{"contact": contact, "relationship": "PARENT"}}
	}
	cases := []struct {
		name     string
		input    map[string]any
		contacts []map[string]any
		code     string
		field    string
	}{
		{"invalid email", with("email", "ana@"), nil, "BAD_USER_INPUT", "email"},
		{"display-name email", with("email", "Ana <ana@example.com>"), nil, "BAD_USER_INPUT", "email"},
		{"invalid mobile", with("mobilePhone", "12"), nil, "BAD_USER_INPUT", "mobilePhone"},
		{"SMS consent without mobile", with("smsConsent", true), nil, "BAD_USER_INPUT", "smsConsent"},
		{"unknown time zone", with("timeZone", "Mars/Olympus"), nil, "BAD_USER_INPUT", "timeZone"},
		{"Local is no time zone", with("timeZone", "Local"), nil, "BAD_USER_INPUT", "timeZone"},
		{"bad language", with("language", "not a tag"), nil, "BAD_USER_INPUT", "language"},
		{"bad date of birth", with("dateOfBirth", "14/03/2017"), nil, "BAD_USER_INPUT", "dateOfBirth"},
		{"future date of birth", with("dateOfBirth", time.Now().AddDate(1, 0, 0).Format(time.DateOnly)), nil, "BAD_USER_INPUT", "dateOfBirth"},
		{"blank first name", with("firstName", "  "), nil, "BAD_USER_INPUT", "firstName"},
		{"bad other phone", with("otherPhones", []map[string]any{{"number": "+1 416 555 0100"}, {"number": "x"}}), nil, "BAD_USER_INPUT", "otherPhones.1.number"},
		{"no email, no mobile, no contacts", unreachable, nil, "BAD_USER_INPUT", "contacts"},
		{"no email, no mobile, contact without either", unreachable, parent(map[string]any{"firstName": "Alex"}), "BAD_USER_INPUT", "contacts"},
		{"bad contact email", unreachable, parent(map[string]any{"firstName": "Alex", "email": "nope"}), "BAD_USER_INPUT", "contacts.0.contact.email"},
		{"contact both new and existing", valid(), []map[string]any{{"contactID": "co01JD7Y6Q5W0G8V3A9N2B4C6D8E", "contact": map[string]any{"firstName": "A"}, "relationship": "PARENT"}}, "BAD_USER_INPUT", "contacts.0.contactID"},
		{"unknown contact", valid(), []map[string]any{{"contactID": "co01JD7Y6Q5W0G8V3A9N2B4C6D8E", "relationship": "PARENT"}}, "NOT_FOUND", "contacts.0.contactID"},
		{"additional address without address", valid(), []map[string]any{{"contact": map[string]any{"firstName": "Alex", "email": "alex@example.com"}, "relationship": "PARENT", "contactTypes": []string{"ADDITIONAL_ADDRESS"}}}, "BAD_USER_INPUT", "contacts.0.contactTypes"},
		{"second contact fails after the first", unreachable, []map[string]any{
			{"contact": map[string]any{"firstName": "Alex", "email": "alex@example.com"}, "relationship": "PARENT"},
			{"contact": map[string]any{"firstName": "Jo", "phone": "555"}, "relationship": "PARENT"},
		}, "BAD_USER_INPUT", "contacts.1.contact.phone"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			err := b.api.Fail(b.token, createClient, map[string]any{"input": tc.input, "contacts": tc.contacts})
			require.Equal(t, tc.code, err.Code(), err.Message)
			require.Equal(t, tc.field, err.Field(), err.Message)
			require.NotEmpty(t, err.Message)
			for _, table := range []string{"clients", "contacts", "client_contacts"} {
				require.Zero(t, b.count(t, table), "a failed createClient writes nothing to %s", table)
			}
		})
	}
}

func TestUpdateClientKeepsRules(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.createClient(t, map[string]any{"firstName": "Ana", "lastName": "Silva", "mobilePhone": "+14165550199", "smsConsent": true}, nil)
	err := b.api.Fail(b.token, `mutation($id: ID!){ updateClient(id: $id, input: {clearMobilePhone: true}){ id } }`, map[string]any{"id": c.ID})
	require.Equal(t, "BAD_USER_INPUT", err.Code())
	require.Equal(t, "smsConsent", err.Field())

	var out struct {
		SetClientNotifications struct{ Recipients []recipient }
	}
	b.api.OK(b.token, `mutation($id: ID!){ setClientNotifications(id: $id, input: {notifyReminders: false}){ recipients { notifyReminders notifyConfirmations } } }`,
		map[string]any{"id": c.ID}, &out)
	require.False(t, out.SetClientNotifications.Recipients[0].NotifyReminders)
	require.True(t, out.SetClientNotifications.Recipients[0].NotifyConfirmations, "omitted flags stay")
}

func TestContacts(t *testing.T) {
	t.Parallel()

	t.Run("a matching email or phone is a conflict listing candidates", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		first := b.createContact(t, map[string]any{"firstName": "Alex", "email": "alex@example.com", "phone": "+1 416 555 0101"})
		q := `mutation($i: CreateContactInput!, $dup: Boolean){ createContact(input: $i, allowDuplicate: $dup){ id } }`
		err := b.api.Fail(b.token, q, map[string]any{"i": map[string]any{"firstName": "A.", "email": "ALEX@example.com"}})
		require.Equal(t, "CONFLICT", err.Code())
		require.Equal(t, "email", err.Field())
		require.Equal(t, []any{first}, err.Extensions["candidates"])
		err = b.api.Fail(b.token, q, map[string]any{"i": map[string]any{"firstName": "A.", "phone": "416-555-0101"}})
		require.Equal(t, "phone", err.Field(), "phones are compared normalised")
		require.Equal(t, 1, b.count(t, "contacts"))
		b.api.OK(b.token, q, map[string]any{"i": map[string]any{"firstName": "Alex", "email": "alex@example.com"}, "dup": true}, nil)
		require.Equal(t, 2, b.count(t, "contacts"), "a different person with the same email")
	})

	t.Run("search matches name, email and normalised phone", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		alex := b.createContact(t, map[string]any{"firstName": "Alex", "lastName": "Rivera", "email": "alex@example.com", "phone": "+14165550101"})
		b.createContact(t, map[string]any{"firstName": "Jordan", "lastName": "Smith", "email": "jordan@example.org"})
		for _, query := range []string{"alex", "RIVERA", "alex riv", "alex@example", "416-555-0101", "(416) 555 0101", "+1 416 555 0101"} {
			var out struct{ SearchContacts []struct{ ID string } }
			b.api.OK(b.token, `query($q: String!){ searchContacts(query: $q){ id } }`, map[string]any{"q": query}, &out)
			require.Len(t, out.SearchContacts, 1, query)
			require.Equal(t, alex, out.SearchContacts[0].ID, query)
		}
		var none struct{ SearchContacts []struct{ ID string } }
		b.api.OK(b.token, `{ searchContacts(query: "nobody"){ id } }`, nil, &none)
		require.Empty(t, none.SearchContacts)
	})
}

func TestClientContactLinks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.createClient(t, map[string]any{"firstName": "Ana", "lastName": "Silva", "email": "ana@example.com"}, nil)
	alex := b.createContact(t, map[string]any{"firstName": "Alex", "email": "alex@example.com"})
	add := `mutation($c: ID!, $in: ClientContactLinkInput!){ addClientContact(clientID: $c, input: $in){ id relationship relationshipLabel } }`

	var added struct {
		AddClientContact struct{ ID, Relationship, RelationshipLabel string }
	}
	b.api.OK(b.token, add, map[string]any{"c": c.ID, "in": map[string]any{"contactID": alex, "relationship": "SPOUSE_PARTNER", "relationshipLabel": " wife "}}, &added)
	require.Equal(t, "SPOUSE_PARTNER", added.AddClientContact.Relationship)
	require.Equal(t, "wife", added.AddClientContact.RelationshipLabel)

	err := b.api.Fail(b.token, add, map[string]any{"c": c.ID, "in": map[string]any{"contactID": alex, "relationship": "FRIEND"}})
	require.Equal(t, "CONFLICT", err.Code(), "one relationship per client and contact")

	err = b.api.Fail(b.token, `mutation($id: ID!){ updateClientContact(id: $id, input: {contactTypes: [ADDITIONAL_ADDRESS]}){ id } }`, map[string]any{"id": added.AddClientContact.ID})
	require.Equal(t, "BAD_USER_INPUT", err.Code())
	require.Equal(t, "contactTypes", err.Field())

	b.api.OK(b.token, `mutation($id: ID!){ updateContact(id: $id, input: {address: {line1: "1 Elm St", city: "Toronto"}}){ id } }`, map[string]any{"id": alex}, nil)
	b.api.OK(b.token, `mutation($id: ID!){ updateClientContact(id: $id, input: {contactTypes: [ADDITIONAL_ADDRESS], notifyReminders: true}){ id } }`, map[string]any{"id": added.AddClientContact.ID}, nil)
	err = b.api.Fail(b.token, `mutation($id: ID!){ updateContact(id: $id, input: {clearAddress: true}){ id } }`, map[string]any{"id": alex})
	require.Equal(t, "address", err.Field(), "an additional address keeps its address")

	var removed struct{ RemoveClientContact string }
	b.api.OK(b.token, `mutation($id: ID!){ removeClientContact(id: $id) }`, map[string]any{"id": added.AddClientContact.ID}, &removed)
	require.Equal(t, added.AddClientContact.ID, removed.RemoveClientContact)
	require.Equal(t, 0, b.count(t, "client_contacts"))
	require.Equal(t, 1, b.count(t, "contacts"), "removing a contact from a client keeps the contact")
	var search struct{ SearchContacts []struct{ ID string } }
	b.api.OK(b.token, `{ searchContacts(query: "alex"){ id } }`, nil, &search)
	require.Len(t, search.SearchContacts, 1, "and it can be found again")
	b.api.OK(b.token, add, map[string]any{"c": c.ID, "in": map[string]any{"contactID": alex, "relationship": "FRIEND"}}, nil)
	require.Equal(t, 1, b.count(t, "client_contacts"), "and linked again")
}

const createAppointment = `mutation($in: CreateAppointmentInput!){ createAppointment(input: $in){ id startsAt startsAtLocal endsAtLocal status timeZone createdBy { id } } }`

type appointmentOut struct {
	ID, StartsAt, StartsAtLocal, EndsAtLocal, Status, TimeZone string
	CancellationReason                                         string
	CreatedBy                                                  struct{ ID string }
}

func TestAppointments(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.createClient(t, map[string]any{"firstName": "Ana", "lastName": "Silva", "email": "ana@example.com", "timeZone": "Europe/Paris"}, nil)
	start := time.Date(2031, 7, 1, 14, 0, 0, 0, time.UTC)
	in := map[string]any{"clientID": c.ID, "practitionerID": string(b.p.Owner.ID),
		"startsAt": start.Format(time.RFC3339), "endsAt": start.Add(50 * time.Minute).Format(time.RFC3339), "location": "Room 2"}
	var out struct{ CreateAppointment appointmentOut }
	b.api.OK(b.token, createAppointment, map[string]any{"in": in}, &out)
	a := out.CreateAppointment
	require.Equal(t, "2031-07-01T14:00:00Z", a.StartsAt, "stored in UTC")
	require.Equal(t, "2031-07-01T16:00:00+02:00", a.StartsAtLocal, "shown in the client's time zone")
	require.Equal(t, "Europe/Paris", a.TimeZone)
	require.Equal(t, "BOOKED", a.Status)
	require.Equal(t, string(b.p.Owner.ID), a.CreatedBy.ID)

	bad := map[string]any{}
	for k, v := range in {
		bad[k] = v
	}
	bad["endsAt"] = start.Add(-time.Minute).Format(time.RFC3339)
	err := b.api.Fail(b.token, createAppointment, map[string]any{"in": bad})
	require.Equal(t, "endsAt", err.Field())
	require.Equal(t, 1, b.count(t, "appointments"))

	do := func(q string, vars map[string]any) appointmentOut {
		var out map[string]appointmentOut
		b.api.OK(b.token, q, vars, &out)
		for _, v := range out {
			return v
		}
		return appointmentOut{}
	}
	fields := `{ id status startsAtLocal cancellationReason }`
	moved := do(`mutation($id: ID!, $s: Time!, $e: Time!){ rescheduleAppointment(id: $id, startsAt: $s, endsAt: $e)`+fields+`}`,
		map[string]any{"id": a.ID, "s": "2031-11-03T09:00:00-05:00", "e": "2031-11-03T10:00:00-05:00"})
	require.Equal(t, "2031-11-03T15:00:00+01:00", moved.StartsAtLocal, "Paris is back on winter time by then")
	require.Equal(t, "CONFIRMED", do(`mutation($id: ID!){ confirmAppointment(id: $id)`+fields+`}`, map[string]any{"id": a.ID}).Status)

	err = b.api.Fail(b.token, `mutation($id: ID!){ cancelAppointment(id: $id, reason: " ")`+fields+`}`, map[string]any{"id": a.ID})
	require.Equal(t, "reason", err.Field(), "a cancellation needs a reason")
	cancelled := do(`mutation($id: ID!){ cancelAppointment(id: $id, reason: "Sick child")`+fields+`}`, map[string]any{"id": a.ID})
	require.Equal(t, "CANCELLED", cancelled.Status)
	require.Equal(t, "Sick child", cancelled.CancellationReason)
	err = b.api.Fail(b.token, `mutation($id: ID!){ completeAppointment(id: $id){ id } }`, map[string]any{"id": a.ID})
	require.Equal(t, "BAD_USER_INPUT", err.Code(), "a cancelled appointment stays cancelled")
	err = b.api.Fail(b.token, `mutation($id: ID!, $s: Time!, $e: Time!){ rescheduleAppointment(id: $id, startsAt: $s, endsAt: $e){ id } }`,
		map[string]any{"id": a.ID, "s": "2031-11-04T09:00:00Z", "e": "2031-11-04T10:00:00Z"})
	require.Equal(t, "BAD_USER_INPUT", err.Code())

	// Only an appointment that has started can be missed or completed.
	past := map[string]any{}
	for k, v := range in {
		past[k] = v
	}
	yesterday := time.Now().Add(-24 * time.Hour).UTC().Truncate(time.Minute)
	past["startsAt"], past["endsAt"] = yesterday.Format(time.RFC3339), yesterday.Add(50*time.Minute).Format(time.RFC3339)
	var second struct{ CreateAppointment appointmentOut }
	b.api.OK(b.token, createAppointment, map[string]any{"in": past}, &second)
	require.Equal(t, "MISSED", do(`mutation($id: ID!){ markAppointmentMissed(id: $id)`+fields+`}`, map[string]any{"id": second.CreateAppointment.ID}).Status)
	past["startsAt"], past["endsAt"] = yesterday.Add(time.Hour).Format(time.RFC3339), yesterday.Add(110*time.Minute).Format(time.RFC3339)
	var third struct{ CreateAppointment appointmentOut }
	b.api.OK(b.token, createAppointment, map[string]any{"in": past}, &third)
	require.Equal(t, "COMPLETED", do(`mutation($id: ID!){ completeAppointment(id: $id)`+fields+`}`, map[string]any{"id": third.CreateAppointment.ID}).Status)

	var fourth struct{ CreateAppointment appointmentOut }
	b.api.OK(b.token, createAppointment, map[string]any{"in": in}, &fourth)
	var tz struct{ UpdateClient struct{ ID string } }
	b.api.OK(b.token, `mutation($id: ID!){ updateClient(id: $id, input: {timeZone: "Asia/Tokyo"}){ id } }`, map[string]any{"id": c.ID}, &tz)
	var node struct{ Node appointmentOut }
	b.api.OK(b.token, `query($id: ID!){ node(id: $id){ ... on Appointment { timeZone startsAtLocal } } }`, map[string]any{"id": fourth.CreateAppointment.ID}, &node)
	require.Equal(t, "Asia/Tokyo", node.Node.TimeZone, "upcoming appointments follow the client's time zone")
}

// TestClientListStatementsDoNotGrow proves there is no N+1: a practitioner's
// clients with their recipients and next appointments cost the same number
// of SQL statements for 5 clients as for 100.
func TestClientListStatementsDoNotGrow(t *testing.T) {
	t.Parallel()
	statements := func(n int) int64 {
		var counter atomic.Int64
		db := kithtest.DB(t, &counter)
		p := kithtest.NewPractice(t, db, fmt.Sprintf("n%d", n))
		seedClients(t, db, p, n)
		api := kithtest.NewAPI(t, db)
		q := `query($p: ID!, $now: Time!){ clients(first: 100, where: {hasPractitionersWith: {id: $p}}, orderBy: {field: LAST_NAME}) {
			totalCount edges { node { id firstName alert
				recipients { kind name email phone relationship notifyReminders }
				appointments(first: 5, where: {startsAtGT: $now}, orderBy: {field: STARTS_AT}) { edges { node { id startsAtLocal practitioner { name } } } }
			} } } }`
		vars := map[string]any{"p": string(p.Owner.ID), "now": time.Now().Format(time.RFC3339)}
		var out struct {
			Clients struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						Recipients   []recipient
						Appointments struct{ Edges []json.RawMessage }
					}
				}
			}
		}
		api.OK(p.Token, q, vars, nil) // warm the token and query caches
		counter.Store(0)
		api.OK(p.Token, q, vars, &out)
		require.Equal(t, n, out.Clients.TotalCount)
		require.Len(t, out.Clients.Edges, n)
		require.Len(t, out.Clients.Edges[0].Node.Recipients, 3)
		require.Len(t, out.Clients.Edges[0].Node.Appointments.Edges, 5, "five of the seven upcoming appointments")
		return counter.Load()
	}
	five, hundred := statements(5), statements(100)
	require.Equal(t, five, hundred, "statements for 5 clients vs 100")
	t.Logf("%d statements for 5 clients and for 100", five)
}

// seedClients writes n clients assigned to the practice's owner, each with
// two contacts and seven upcoming appointments and one past one.
func seedClients(t *testing.T, db *database.DB, p kithtest.Practice, n int) {
	t.Helper()
	ctx := viewer.NewContext(context.Background(), viewer.System{OrgID: p.Org.ID})
	tx, err := db.Client.Tx(ctx)
	require.NoError(t, err)
	ctx = transaction.With(ctx, tx) // the hooks of its writes find it
	c := tx.Client()
	for i := range n {
		cl, err := c.ClientProfile.Create().SetFirstName(fmt.Sprintf("Client%03d", i)).SetLastName("Test").
			SetEmail(fmt.Sprintf("c%d@example.com", i)).AddPractitionerIDs(p.Owner.ID).Save(ctx)
		require.NoError(t, err)
		for j := range 2 {
			ct, err := c.Contact.Create().SetFirstName(fmt.Sprintf("Parent%d", j)).SetEmail(fmt.Sprintf("p%d.%d@example.com", i, j)).Save(ctx)
			require.NoError(t, err)
			require.NoError(t, c.ClientContact.Create().SetClientID(cl.ID).SetContactID(ct.ID).SetNotifyReminders(true).Exec(ctx))
		}
		// Each client sees its own practitioner: one is never booked twice at once.
		dr, err := c.Staff.Create().SetName(fmt.Sprintf("Dr %03d", i)).SetEmail(fmt.Sprintf("dr%d@example.com", i)).
			SetRole(staff.RolePractitioner).Save(ctx)
		require.NoError(t, err)
		for d := -1; d < 7; d++ {
			start := time.Now().Add(time.Duration(d+1) * 24 * time.Hour).Add(-30 * time.Hour).Truncate(time.Hour)
			require.NoError(t, c.Appointment.Create().SetClientID(cl.ID).SetPractitionerID(dr.ID).
				SetStartsAt(start).SetEndsAt(start.Add(time.Hour)).Exec(ctx))
		}
	}
	require.NoError(t, tx.Commit())
}

func ptr(s string) *string { return &s }

func TestClientDetails(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var out struct {
		CreateClient struct {
			ID            string
			Status        string
			Tags          []string
			Address       struct{ Line1, Line2 string }
			Practitioners []struct{ ID string }
			Recipients    []recipient
		}
	}
	b.api.OK(b.token, `mutation($p: ID!){ createClient(input: {firstName: "Robert", preferredName: "Bob", lastName: "Ng", email: "bob@example.com",
		status: LEAD, tags: ["vip", "evening", "vip"], practitionerIDs: [$p], address: {line1: "12 Elm St", line2: "Suite 4", city: "Toronto"}}) {
		id status tags address { line1 line2 } practitioners { id } recipients { firstName name } } }`,
		map[string]any{"p": string(b.p.Owner.ID)}, &out)
	c := out.CreateClient
	require.Equal(t, "LEAD", c.Status)
	require.Equal(t, []string{"vip", "evening"}, c.Tags)
	require.Equal(t, "Suite 4", c.Address.Line2)
	require.Len(t, c.Practitioners, 1, "practitioners can be assigned to clients")
	require.Equal(t, "Bob", c.Recipients[0].FirstName, "[RecipientFirstName] is the preferred name")
	require.Equal(t, "Bob Ng", c.Recipients[0].Name)

	var cov struct {
		CreateCoverage struct{ ID, HealthCardNumber string }
	}
	b.api.OK(b.token, `mutation($c: ID!){ createCoverage(input: {clientID: $c, region: "ON", healthCardNumber: "1234-567-897", healthCardVersion: "AB", numberOfSessions: 10}) { id healthCardNumber } }`,
		map[string]any{"c": c.ID}, &cov)
	err := b.api.Fail(b.token, `mutation($id: ID!){ updateCoverage(id: $id, input: {numberOfSessions: -1}) { id } }`, map[string]any{"id": cov.CreateCoverage.ID})
	require.Equal(t, "BAD_USER_INPUT", err.Code())
	require.Equal(t, "numberOfSessions", err.Field())
	var node struct {
		Node struct {
			FirstName, LastName string
			Coverages           []struct{ Region string }
			Recipients          []recipient
		}
	}
	b.api.OK(b.token, `query($id: ID!){ node(id: $id){ ... on Client { firstName lastName coverages { region } recipients { name } } } }`, map[string]any{"id": c.ID}, &node)
	require.Equal(t, "Robert", node.Node.FirstName, "fields of a fragment on Client are loaded")
	require.Equal(t, "Ng", node.Node.LastName)
	require.Equal(t, "Bob Ng", node.Node.Recipients[0].Name)
	require.Equal(t, "ON", node.Node.Coverages[0].Region)
	b.api.OK(b.token, `mutation($id: ID!){ deleteCoverage(id: $id) }`, map[string]any{"id": cov.CreateCoverage.ID}, nil)
	require.Zero(t, b.count(t, "coverages"))

	var unassign struct {
		UpdateClient struct{ Practitioners []struct{ ID string } }
	}
	b.api.OK(b.token, `mutation($id: ID!, $p: ID!){ updateClient(id: $id, input: {removePractitionerIDs: [$p]}) { practitioners { id } } }`,
		map[string]any{"id": c.ID, "p": string(b.p.Owner.ID)}, &unassign)
	require.Empty(t, unassign.UpdateClient.Practitioners)
}

// kithtestPractice adds another practice to b's database and returns its owner's token.
func kithtestPractice(t *testing.T, b *bundle, slug string) string {
	t.Helper()
	return kithtest.NewPractice(t, b.db, slug).Token
}

// TestConcurrentMutations: mutations from many staff at once all succeed on
// either store; on SQLite they queue for the write lock instead of failing.
func TestConcurrentMutations(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const n = 24
	errs := make(chan []kithtest.Error, n)
	for i := range n {
		go func() {
			rsp := b.api.Do(b.token, createClient, map[string]any{
				"input":    map[string]any{"firstName": fmt.Sprintf("C%d", i), "lastName": "Busy", "email": fmt.Sprintf("c%d@example.com", i)},
				"contacts": []map[string]any{{"contact": map[string]any{"firstName": "P", "email": fmt.Sprintf("p%d@example.com", i)}, "relationship": "PARENT"}},
			})
			errs <- rsp.Errors
		}()
	}
	for range n {
		require.Empty(t, <-errs)
	}
	require.Equal(t, n, b.count(t, "clients"))
	require.Equal(t, n, b.count(t, "client_contacts"))
}

// TestClientProfileStatements: the client profile screen (profileQuery)
// checks the token, then reads the client, its links with their contacts
// (one statement, a join) and its next appointments: four statements, as
// BenchmarkClientProfile's baseline.
func TestClientProfileStatements(t *testing.T) {
	t.Parallel()
	var counter atomic.Int64
	db := kithtest.DB(t, &counter)
	p := kithtest.NewPractice(t, db, "profile")
	id := seedProfile(t, db, p)
	api := kithtest.NewAPI(t, db)
	vars := map[string]any{"id": id, "now": time.Now().UTC().Format(time.RFC3339Nano)}
	api.OK(p.Token, profileQuery, vars, nil) // warm the query caches
	counter.Store(0)
	var out struct {
		Node struct {
			Recipients []struct {
				Kind, Name   string
				Relationship *string
			}
			Appointments struct{ Edges []json.RawMessage }
		}
	}
	api.OK(p.Token, profileQuery, vars, &out)
	require.EqualValues(t, 4, counter.Load(), "the token, the client, its links with their contacts, its appointments")
	require.Len(t, out.Node.Recipients, 3)
	require.Equal(t, "Casey Hughes", out.Node.Recipients[1].Name)
	require.Equal(t, "Morgan", out.Node.Recipients[2].Name)
	require.Len(t, out.Node.Appointments.Edges, 5)
}
