package graph_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/viewer"
)

// limitCase is one free-text input: a mutation or query whose $v is the
// value, the field an error names, and the field's limit in characters.
type limitCase struct {
	name  string
	query string
	vars  func(v string) map[string]any
	field string
	limit int
	// valid makes an acceptable value of n characters; nil repeats "é", a
	// two-byte rune, so that limits count characters and not bytes.
	valid func(n int) string
}

func repeatE(n int) string { return strings.Repeat("é", n) }

func emailOf(n int) string { return strings.Repeat("a", n-len("@example.com")) + "@example.com" }

func linkOf(n int) string {
	return "https://meet.example/" + strings.Repeat("a", n-len("https://meet.example/"))
}

// TestInputLimits sends every free-text input a value one character over
// its limit and one with a NUL: both are BAD_USER_INPUT on the field, with
// a sentence and not ent's wording, on SQLite and PostgreSQL alike; a value
// of exactly the limit is accepted.
func TestInputLimits(t *testing.T) {
	t.Parallel()
	b := setup(t)
	client := b.createClient(t, map[string]any{"firstName": "Sam", "lastName": "Rivera", "email": "sam@example.com"}, nil)
	practitioner := string(b.p.Owner.ID)
	slot := time.Now().Add(48 * time.Hour).Truncate(time.Hour).UTC()
	nextSlot := func() map[string]any { // a new hour each time: appointments may not overlap
		slot = slot.Add(time.Hour)
		return map[string]any{"clientID": client.ID, "practitionerID": practitioner, "startsAt": slot, "endsAt": slot.Add(time.Hour)}
	}
	var appt struct{ CreateAppointment struct{ ID string } }
	b.api.OK(b.token, `mutation($in: CreateAppointmentInput!) { createAppointment(input: $in) { id } }`, map[string]any{"in": nextSlot()}, &appt)

	with := func(base map[string]any, key string, v any) map[string]any {
		out := map[string]any{}
		for k, x := range base {
			out[k] = x
		}
		out[key] = v
		return out
	}
	const (
		createClientQ  = `mutation($in: CreateClientInput!, $c: [ClientContactLinkInput!]) { createClient(input: $in, contacts: $c) { id } }`
		createContactQ = `mutation($in: CreateContactInput!) { createContact(input: $in, allowDuplicate: true) { id } }`
		createApptQ    = `mutation($in: CreateAppointmentInput!) { createAppointment(input: $in) { id } }`
	)
	n := 0
	person := func() map[string]any {
		n++
		return map[string]any{"firstName": "Mia", "lastName": fmt.Sprintf("Chen%d", n), "email": fmt.Sprintf("mia%d@example.com", n)}
	}
	cases := []limitCase{
		{name: "client first name", query: createClientQ, field: "firstName", limit: 100,
			vars: func(v string) map[string]any { return map[string]any{"in": with(person(), "firstName", v)} }},
		{name: "client email", query: createClientQ, field: "email", limit: 254, valid: emailOf,
			vars: func(v string) map[string]any { return map[string]any{"in": with(person(), "email", v)} }},
		{name: "client tag", query: createClientQ, field: "tags.0", limit: 100,
			vars: func(v string) map[string]any { return map[string]any{"in": with(person(), "tags", []string{v})} }},
		{name: "client address line", query: createClientQ, field: "address.line1", limit: 200,
			vars: func(v string) map[string]any {
				return map[string]any{"in": with(person(), "address", map[string]any{"line1": v, "city": "Toronto"})}
			}},
		{name: "client other phone label", query: createClientQ, field: "otherPhones.0.label", limit: 100,
			vars: func(v string) map[string]any {
				return map[string]any{"in": with(person(), "otherPhones", []map[string]any{{"label": v, "number": "416 555 0100"}})}
			}},
		{name: "client notes", query: createClientQ, field: "notes", limit: 10_000,
			vars: func(v string) map[string]any { return map[string]any{"in": with(person(), "notes", v)} }},
		{name: "new contact's first name, nested", query: createClientQ, field: "contacts.0.contact.firstName", limit: 100,
			vars: func(v string) map[string]any {
				return map[string]any{"in": person(), "c": []map[string]any{{"contact": map[string]any{"firstName": v}, "relationship": "PARENT"}}}
			}},
		{name: "relationship label, nested", query: createClientQ, field: "contacts.0.relationshipLabel", limit: 100,
			vars: func(v string) map[string]any {
				return map[string]any{"in": person(), "c": []map[string]any{{"contact": person(), "relationship": "OTHER", "relationshipLabel": v}}}
			}},
		{name: "contact email", query: createContactQ, field: "email", limit: 254, valid: emailOf,
			vars: func(v string) map[string]any { return map[string]any{"in": with(person(), "email", v)} }},
		{name: "contact organisation reference", query: createContactQ, field: "organizationReference", limit: 255,
			vars: func(v string) map[string]any { return map[string]any{"in": with(person(), "organizationReference", v)} }},
		{name: "appointment location", query: createApptQ, field: "location", limit: 255,
			vars: func(v string) map[string]any { return map[string]any{"in": with(nextSlot(), "location", v)} }},
		{name: "appointment telehealth link", query: createApptQ, field: "telehealthURL", limit: 2048, valid: linkOf,
			vars: func(v string) map[string]any { return map[string]any{"in": with(nextSlot(), "telehealthURL", v)} }},
		{name: "coverage health card", query: `mutation($in: CreateCoverageInput!) { createCoverage(input: $in) { id } }`, field: "healthCardNumber", limit: 64,
			vars: func(v string) map[string]any {
				return map[string]any{"in": map[string]any{"clientID": client.ID, "healthCardNumber": v}}
			}},
		{name: "scheduled message body", query: `mutation($in: CreateScheduledMessageInput!) { createScheduledMessage(input: $in) { id } }`, field: "body", limit: 10_000,
			vars: func(v string) map[string]any {
				return map[string]any{"in": map[string]any{"clientID": client.ID, "body": v, "sendAt": slot}}
			}},
		{name: "service name", query: `mutation($in: CreateServiceInput!) { createService(input: $in) { id } }`, field: "name", limit: 100,
			vars: func(v string) map[string]any {
				return map[string]any{"in": map[string]any{"name": v, "durationMinutes": 50}}
			}},
		{name: "search query", query: `query($v: String!) { searchContacts(query: $v) { id } }`, field: "query", limit: 200,
			vars: func(v string) map[string]any { return map[string]any{"v": v} }},
		{name: "cancellation reason", query: `mutation($id: ID!, $v: String!) { cancelAppointment(id: $id, reason: $v) { id } }`, field: "reason", limit: 255,
			vars: func(v string) map[string]any { return map[string]any{"id": appt.CreateAppointment.ID, "v": v} }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			api := kithtest.NewAPI(t, b.db)
			valid := c.valid
			if valid == nil {
				valid = repeatE
			}
			e := api.Fail(b.token, c.query, c.vars(valid(c.limit+1)))
			require.Equal(t, "BAD_USER_INPUT", e.Code(), e.Message)
			require.Equal(t, c.field, e.Field(), e.Message)
			require.Contains(t, e.Message, fmt.Sprintf("at most %d characters", c.limit))
			require.NotContains(t, e.Message, "ent:")
			require.Less(t, len(e.Message), 300, "the message does not echo the value")

			e = api.Fail(b.token, c.query, c.vars(valid(c.limit - 3)[:1]+"a\x00b"))
			require.Equal(t, "BAD_USER_INPUT", e.Code(), e.Message)
			leaf := c.field[strings.LastIndex(c.field, ".")+1:]
			require.True(t, strings.HasSuffix(e.Field(), leaf), "field %q for %s", e.Field(), c.field)
			require.NotContains(t, e.Message, "ent:")

			api.OK(b.token, c.query, c.vars(valid(c.limit)), nil)
		})
	}
}

// TestInputBounds: times, numbers, links and keys a practice could not
// mean are BAD_USER_INPUT on the field, with a sentence.
func TestInputBounds(t *testing.T) {
	t.Parallel()
	b := setup(t)
	client := b.createClient(t, map[string]any{"firstName": "Sam", "lastName": "Rivera", "email": "sam@example.com"}, nil)
	practitioner := string(b.p.Owner.ID)
	appt := func(start time.Time, extra map[string]any) map[string]any {
		in := map[string]any{"clientID": client.ID, "practitionerID": practitioner, "startsAt": start, "endsAt": start.Add(time.Hour)}
		for k, v := range extra {
			in[k] = v
		}
		return map[string]any{"in": in}
	}
	const createApptQ = `mutation($in: CreateAppointmentInput!) { createAppointment(input: $in) { id } }`
	soon := time.Now().Add(72 * time.Hour).Truncate(time.Hour).UTC()
	for _, c := range []struct {
		name, query string
		vars        map[string]any
		field       string
	}{
		{"appointment in 9999", createApptQ, appt(time.Date(9999, 1, 1, 9, 0, 0, 0, time.UTC), nil), "startsAt"},
		{"appointment in 0001", createApptQ, appt(time.Date(1, 1, 1, 9, 0, 0, 0, time.UTC), nil), "startsAt"},
		{"javascript link", createApptQ, appt(soon, map[string]any{"telehealthURL": "javascript:alert(1)"}), "telehealthURL"},
		{"http link", createApptQ, appt(soon, map[string]any{"telehealthURL": "http://meet.example/room"}), "telehealthURL"},
		{"link without host", createApptQ, appt(soon, map[string]any{"telehealthURL": "https:///room"}), "telehealthURL"},
		{"relative link", createApptQ, appt(soon, map[string]any{"telehealthURL": "/room"}), "telehealthURL"},
		{"huge number of sessions", `mutation($c: ID!) { createCoverage(input: {clientID: $c, numberOfSessions: 99999999999}) { id } }`,
			map[string]any{"c": client.ID}, "numberOfSessions"},
		{"negative number of sessions", `mutation($c: ID!) { createCoverage(input: {clientID: $c, numberOfSessions: -1}) { id } }`,
			map[string]any{"c": client.ID}, "numberOfSessions"},
		{"born before 1900", `mutation { createClient(input: {firstName: "Old", lastName: "Timer", email: "old@example.com", dateOfBirth: "1899-12-31"}) { id } }`,
			nil, "dateOfBirth"},
		{"message sent in 9999", `mutation($c: ID!) { createScheduledMessage(input: {clientID: $c, body: "Hi", sendAt: "9999-01-01T00:00:00Z"}) { id } }`,
			map[string]any{"c": client.ID}, "sendAt"},
		{"service of 10 days", `mutation { createService(input: {name: "Retreat", durationMinutes: 14400}) { id } }`, nil, "durationMinutes"},
		{"price over a million", `mutation { createService(input: {name: "Gold", durationMinutes: 60, priceCents: 100000000000, currency: "CAD"}) { id } }`, nil, "priceCents"},
		{"time off in 9999", `mutation($s: ID!) { addScheduleException(input: {staffId: $s, kind: TIME_OFF, startsAt: "9999-01-01T00:00:00Z", endsAt: "9999-01-02T00:00:00Z"}) { id } }`,
			map[string]any{"s": practitioner}, "startsAt"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := kithtest.NewAPI(t, b.db).Fail(b.token, c.query, c.vars)
			require.Equal(t, "BAD_USER_INPUT", e.Code(), e.Message)
			require.Equal(t, c.field, e.Field(), e.Message)
			require.NotContains(t, e.Message, "ent:")
			require.NotContains(t, e.Message, "validator")
		})
	}
	// A https link with a host is kept, and reaches the client as written.
	var ok struct {
		CreateAppointment struct{ TelehealthURL string }
	}
	b.api.OK(b.token, `mutation($in: CreateAppointmentInput!) { createAppointment(input: $in) { telehealthURL } }`,
		appt(soon, map[string]any{"telehealthURL": "https://meet.example/room?id=1"}), &ok)
	require.Equal(t, "https://meet.example/room?id=1", ok.CreateAppointment.TelehealthURL)
}

// TestIdempotencyKeys: a booking's key is 1 to 255 printable characters.
func TestIdempotencyKeys(t *testing.T) {
	t.Parallel()
	b := setupBookings(t)
	for _, key := range []string{"", "   ", strings.Repeat("k", 256), "a\x00b", "tab\there"} {
		e := b.api.Acting(b.sam).Fail(b.samS, bookMutation, b.bookVars(b.at(10, 0), key))
		require.Equal(t, "BAD_USER_INPUT", e.Code(), "%q: %s", key, e.Message)
		require.Equal(t, "idempotencyKey", e.Field(), "%q", key)
		require.NotContains(t, e.Message, key+"\x00")
	}
	b.book(t, b.samS, b.sam, b.at(10, 0), strings.Repeat("é", 255))
}

// TestEveryWritePathRefuses: a write that is not GraphQL (the CLI, a job)
// is refused alike, invalid UTF-8 included, which JSON cannot carry.
func TestEveryWritePathRefuses(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := viewer.NewContext(context.Background(), viewer.System{OrgID: b.p.Org.ID})
	for _, c := range []struct{ field, value string }{
		{"firstName", "Mi\xffa"}, {"firstName", "Mi\x00a"}, {"firstName", strings.Repeat("x", 101)}, {"firstName", "  "},
	} {
		_, err := b.db.Client.Contact.Create().SetOrganizationID(b.p.Org.ID).SetFirstName(c.value).Save(ctx)
		var ve *kith.ValidationError
		require.ErrorAs(t, err, &ve, "%q", c.value)
		require.Equal(t, c.field, ve.Field)
		if strings.TrimSpace(c.value) != "" {
			require.True(t, strings.HasPrefix(ve.Message, "firstName "), ve.Message)
		}
	}
	_, err := b.db.Client.Contact.Create().SetOrganizationID(b.p.Org.ID).SetFirstName("Mia").SetNotes("a\x00b").Save(ctx)
	var ve *kith.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "notes", ve.Field)
	require.Equal(t, "notes must not contain a NUL character", ve.Message)

	// Tags appended by an update are bounded like tags set.
	c, err := b.db.Client.ClientProfile.Create().SetOrganizationID(b.p.Org.ID).
		SetFirstName("Sam").SetLastName("Rivera").SetEmail("sam@example.com").Save(ctx)
	require.NoError(t, err)
	err = b.db.Client.ClientProfile.UpdateOne(c).AppendTags([]string{"ok", strings.Repeat("t", 101)}).Exec(ctx)
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "appendTags.1", ve.Field)
}
