package graph_test

// Access tests: organisation isolation, authentication, roles, limits and
// transport, and what errors reveal. Test data is built through the API,
// mostly as a practice's owner. Identifiers here avoid the names of
// client_test.go, which shares the package.

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/server"
)

// ---------------------------------------------------------------------------
// Harness

// twoPractices is what each access test works with: a database, the API over
// it, and two practices that must never see each other's records.
type twoPractices struct {
	db   *database.DB
	api  *kithtest.API
	a, b kithtest.Practice
}

// setupAccess gives t a fresh database with practices "alpha" (A) and "beta" (B).
// (client_test.go, in the same package, already declares setup.)
func setupAccess(t *testing.T) *twoPractices {
	t.Helper()
	db := kithtest.DB(t, nil)
	return &twoPractices{
		db:  db,
		api: kithtest.NewAPI(t, db),
		a:   kithtest.NewPractice(t, db, "alpha"),
		b:   kithtest.NewPractice(t, db, "beta"),
	}
}

// with returns w with an API bound to t. kithtest.API reports failures to the
// test that made it, so each subtest that calls the API needs its own.
func (w *twoPractices) with(t *testing.T) *twoPractices {
	c := *w
	c.api = kithtest.NewAPI(t, w.db)
	return &c
}

// seeded are the IDs of one practice's records, each made through the API.
type seeded struct {
	Client, Contact, Link, Staff, Appointment, Coverage string
}

func (s seeded) all() []string {
	return []string{s.Client, s.Contact, s.Link, s.Staff, s.Appointment, s.Coverage}
}

// seed creates, as p's owner, a practitioner, a client assigned to them, a
// contact linked to the client, an appointment and a coverage record. tag
// makes names and emails distinct; phone is the contact's number.
func (w *twoPractices) seed(t *testing.T, p kithtest.Practice, tag, phone string) seeded {
	t.Helper()
	var s seeded
	id := func(query string, vars map[string]any) string {
		t.Helper()
		var out map[string]struct{ ID string }
		w.api.OK(p.Token, query, vars, &out)
		require.Len(t, out, 1)
		for _, v := range out {
			require.NotEmpty(t, v.ID)
			return v.ID
		}
		return ""
	}
	s.Staff = id(`mutation($in: CreateStaffInput!) { createStaff(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"name": "Dr " + tag, "email": "dr@" + tag + ".example", "role": "PRACTITIONER",
	}})
	s.Client = id(`mutation($in: CreateClientInput!) { createClient(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"firstName": "Client", "lastName": tag + "son", "email": "client@" + tag + ".example",
		"practitionerIDs": []string{s.Staff},
	}})
	s.Contact = id(`mutation($in: CreateContactInput!) { createContact(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"firstName": "Contact", "lastName": tag + "sen", "email": "contact@" + tag + ".example", "phone": phone,
	}})
	s.Link = id(`mutation($c: ID!, $in: ClientContactLinkInput!) { addClientContact(clientID: $c, input: $in) { id } }`, map[string]any{
		"c": s.Client, "in": map[string]any{"contactID": s.Contact, "relationship": "PARENT", "notifyReminders": true, "contactTypes": []string{"BILLING"}},
	})
	start := time.Now().Add(72 * time.Hour).Truncate(time.Hour).UTC()
	s.Appointment = id(`mutation($in: CreateAppointmentInput!) { createAppointment(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"clientID": s.Client, "practitionerID": s.Staff,
		"startsAt": start.Format(time.RFC3339), "endsAt": start.Add(time.Hour).Format(time.RFC3339),
	}})
	s.Coverage = id(`mutation($in: CreateCoverageInput!) { createCoverage(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"clientID": s.Client, "healthCardNumber": "1234-567-890",
	}})
	return s
}

// seedBoth seeds both practices with phones that differ.
func (w *twoPractices) seedBoth(t *testing.T) (a, b seeded) {
	t.Helper()
	return w.seed(t, w.a, "alpha", "+14165550100"), w.seed(t, w.b, "beta", "+16135550111")
}

// stateQuery dumps everything a practice's owner can see that a mutation
// could change, to compare before and after a mutation that must fail.
const stateQuery = `{
  organization { name updatedAt }
  clients(first: 20) { totalCount edges { node {
    id updatedAt notes notifyReminders practitioners { id }
    contactLinks { id updatedAt relationship notifyReminders contactTypes }
    coverages { id updatedAt healthCardNumber }
  } } }
  contacts(first: 20) { totalCount edges { node { id updatedAt firstName notes } } }
  appointments(first: 20) { totalCount edges { node { id updatedAt status practitionerID startsAt endsAt cancellationReason } } }
  staffMembers(first: 20) { totalCount edges { node { id updatedAt name role active assignedClients(first: 20) { totalCount } } } }
}`

// state is what both practices' owners see, as one string.
func (w *twoPractices) state(t *testing.T) string {
	t.Helper()
	var a, b json.RawMessage
	w.api.OK(w.a.Token, stateQuery, nil, &a)
	w.api.OK(w.b.Token, stateQuery, nil, &b)
	return "A: " + string(a) + "\nB: " + string(b)
}

// fakeID is an ID of the same kind as id that names nothing.
func fakeID(id string) string { return id[:2] + "01JD7Y6Q5W0G8V3A9N2B4C6D8E" }

// requireCode checks an error's code and, when field is not "", its field.
func requireCode(t *testing.T, e kithtest.Error, code, field string) {
	t.Helper()
	require.Equal(t, code, e.Code(), "message: %s", e.Message)
	if field != "" {
		require.Equal(t, field, e.Field(), "message: %s", e.Message)
	}
}

// requireLooksMissing checks that got, the error for real ID id, is exactly
// the error for fake, a nonexistent ID of the same kind, but for the ID itself.
func requireLooksMissing(t *testing.T, got, missing kithtest.Error, id, fake string) {
	t.Helper()
	require.Equal(t, graph.CodeNotFound, got.Code(), "message: %s", got.Message)
	got.Message = strings.ReplaceAll(got.Message, id, fake)
	require.Equal(t, missing, got)
}

// roundTrip runs req through h and decodes the GraphQL response.
func roundTrip(t *testing.T, h http.Handler, req *http.Request) (*httptest.ResponseRecorder, kithtest.Response) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var rsp kithtest.Response
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &rsp), rec.Body.String())
	rsp.Status = rec.Code
	return rec, rsp
}

const signInMutation = `mutation($in: SignInInput!) { signIn(input: $in) { token expiresAt staff { id email role } } }`

// signIn signs in through the API and returns the token.
func (w *twoPractices) signIn(t *testing.T, org, email, password string) string {
	t.Helper()
	var out struct{ SignIn struct{ Token string } }
	w.api.OK("", signInMutation, map[string]any{"in": map[string]any{"organization": org, "email": email, "password": password}}, &out)
	require.NotEmpty(t, out.SignIn.Token)
	return out.SignIn.Token
}

// createStaff creates, as p's owner, a staff member with role and password
// and returns its ID.
func (w *twoPractices) createStaff(t *testing.T, p kithtest.Practice, email, role, password string) string {
	t.Helper()
	var out struct{ CreateStaff struct{ ID string } }
	w.api.OK(p.Token, `mutation($in: CreateStaffInput!, $pw: String) { createStaff(input: $in, password: $pw) { id } }`,
		map[string]any{"in": map[string]any{"name": "Staff " + role, "email": email, "role": role}, "pw": password}, &out)
	require.NotEmpty(t, out.CreateStaff.ID)
	return out.CreateStaff.ID
}

// tamperToken changes the last character of token.
func tamperToken(token string) string {
	last := "x"
	if strings.HasSuffix(token, last) {
		last = "y"
	}
	return token[:len(token)-1] + last
}

// sortedKeys returns m's keys, sorted.
func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// ---------------------------------------------------------------------------
// 1. Organisation isolation

// nodeQuery reads any record by ID, with a few fields of each kind.
const nodeQuery = `query($id: ID!) { node(id: $id) {
  id
  ... on Client { firstName lastName }
  ... on Contact { firstName contactEmail: email }
  ... on ClientContact { relationship clientID contactID }
  ... on Appointment { status clientID practitionerID }
  ... on Coverage { healthCardNumber clientID }
  ... on Staff { name email }
  ... on Organization { name }
} }`

const nodesQuery = `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`

// TestIsolationNodeLookups: B's owner asking for A's records by ID gets the
// same answer as for an ID that names nothing.
func TestIsolationNodeLookups(t *testing.T) {
	t.Parallel()
	w := setupAccess(t)
	a, b := w.seedBoth(t)

	kinds := []struct{ name, a, b string }{
		{"client", a.Client, b.Client},
		{"contact", a.Contact, b.Contact},
		{"link", a.Link, b.Link},
		{"appointment", a.Appointment, b.Appointment},
		{"staff", a.Staff, b.Staff},
		{"coverage", a.Coverage, b.Coverage},
		{"organization", string(w.a.Org.ID), string(w.b.Org.ID)},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			w := w.with(t)
			fake := fakeID(k.a)

			// The record exists: A's owner reads it.
			var own struct{ Node struct{ ID string } }
			w.api.OK(w.a.Token, nodeQuery, map[string]any{"id": k.a}, &own)
			require.Equal(t, k.a, own.Node.ID)

			t.Run("node", func(t *testing.T) {
				t.Parallel()
				w := w.with(t)
				got := w.api.Do(w.b.Token, nodeQuery, map[string]any{"id": k.a})
				missing := w.api.Do(w.b.Token, nodeQuery, map[string]any{"id": fake})
				require.JSONEq(t, `{"node": null}`, string(got.Data))
				require.JSONEq(t, string(missing.Data), string(got.Data))
				require.Len(t, got.Errors, 1)
				require.Len(t, missing.Errors, 1)
				requireLooksMissing(t, got.Errors[0], missing.Errors[0], k.a, fake)
			})
			t.Run("nodes alone", func(t *testing.T) {
				t.Parallel()
				w := w.with(t)
				got := w.api.Do(w.b.Token, nodesQuery, map[string]any{"ids": []string{k.a}})
				missing := w.api.Do(w.b.Token, nodesQuery, map[string]any{"ids": []string{fake}})
				require.NotContains(t, string(got.Data), k.a)
				require.JSONEq(t, string(missing.Data), string(got.Data))
				require.Len(t, got.Errors, 1)
				require.Len(t, missing.Errors, 1)
				requireLooksMissing(t, got.Errors[0], missing.Errors[0], k.a, fake)
			})
			t.Run("nodes with B's own", func(t *testing.T) {
				t.Parallel()
				w := w.with(t)
				got := w.api.Do(w.b.Token, nodesQuery, map[string]any{"ids": []string{k.b, k.a}})
				missing := w.api.Do(w.b.Token, nodesQuery, map[string]any{"ids": []string{k.b, fake}})
				require.JSONEq(t, fmt.Sprintf(`{"nodes": [{"id": %q}, null]}`, k.b), string(got.Data))
				require.JSONEq(t, string(missing.Data), string(got.Data))
				require.Len(t, got.Errors, 1)
				require.Len(t, missing.Errors, 1)
				requireLooksMissing(t, got.Errors[0], missing.Errors[0], k.a, fake)
			})
		})
	}
}

// TestIsolationLists: B's connections, filters and search return none of A's records.
func TestIsolationLists(t *testing.T) {
	t.Parallel()
	w := setupAccess(t)
	a, b := w.seedBoth(t)

	t.Run("connections", func(t *testing.T) {
		t.Parallel()
		w := w.with(t)
		cases := []struct {
			field string
			want  []string // B's records, all of what B should see
		}{
			{"clients", []string{b.Client}},
			{"contacts", []string{b.Contact}},
			{"appointments", []string{b.Appointment}},
			{"staffMembers", []string{string(w.b.Owner.ID), b.Staff}},
		}
		for _, tc := range cases {
			t.Run(tc.field, func(t *testing.T) {
				t.Parallel()
				w := w.with(t)
				var out map[string]struct {
					TotalCount int
					Edges      []struct{ Node struct{ ID string } }
				}
				w.api.OK(w.b.Token, `{ `+tc.field+`(first: 100) { totalCount edges { node { id } } } }`, nil, &out)
				conn := out[tc.field]
				var got []string
				for _, e := range conn.Edges {
					got = append(got, e.Node.ID)
				}
				require.ElementsMatch(t, tc.want, got)
				require.Equal(t, len(tc.want), conn.TotalCount)
			})
		}
	})

	t.Run("where filters", func(t *testing.T) {
		t.Parallel()
		w := w.with(t)
		cases := []struct {
			name, field, where string
			aID, bID           string
		}{
			{"client by id", "clients", `{id: $id}`, a.Client, b.Client},
			{"contact by id", "contacts", `{id: $id}`, a.Contact, b.Contact},
			{"appointment by id", "appointments", `{id: $id}`, a.Appointment, b.Appointment},
			{"staff by id", "staffMembers", `{id: $id}`, a.Staff, b.Staff},
			{"appointments by clientID", "appointments", `{clientID: $id}`, a.Client, b.Client},
			{"clients by contact", "clients", `{hasContactsWith: [{id: $id}]}`, a.Contact, b.Contact},
			{"clients by practitioner", "clients", `{hasPractitionersWith: [{id: $id}]}`, a.Staff, b.Staff},
			{"contacts by client", "contacts", `{hasClientsWith: [{id: $id}]}`, a.Client, b.Client},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				w := w.with(t)
				query := `query($id: ID!) { ` + tc.field + `(first: 10, where: ` + tc.where + `) { totalCount edges { node { id } } } }`
				count := func(id string) (int, string) {
					var out map[string]struct{ TotalCount int }
					rsp := w.api.Do(w.b.Token, query, map[string]any{"id": id})
					require.Empty(t, rsp.Errors)
					require.NoError(t, json.Unmarshal(rsp.Data, &out))
					return out[tc.field].TotalCount, string(rsp.Data)
				}
				n, data := count(tc.aID)
				require.Zero(t, n, data)
				require.NotContains(t, data, tc.aID)
				n, _ = count(tc.bID) // the same filter finds B's own record
				require.Equal(t, 1, n)
			})
		}
	})

	t.Run("searchContacts", func(t *testing.T) {
		t.Parallel()
		w := w.with(t)
		for _, q := range []string{"alphasen", "Contact alphasen", "contact@alpha.example", "416-555-0100", "4165550100"} {
			t.Run(q, func(t *testing.T) {
				t.Parallel()
				w := w.with(t)
				var out struct{ SearchContacts []struct{ ID string } }
				vars := map[string]any{"q": q}
				query := `query($q: String!) { searchContacts(query: $q) { id } }`
				w.api.OK(w.a.Token, query, vars, &out) // A finds its contact with q
				require.Len(t, out.SearchContacts, 1)
				require.Equal(t, a.Contact, out.SearchContacts[0].ID)
				w.api.OK(w.b.Token, query, vars, &out)
				require.Empty(t, out.SearchContacts)
			})
		}
		// B's search for "Contact" finds B's contact only.
		var out struct{ SearchContacts []struct{ ID string } }
		w.api.OK(w.b.Token, `{ searchContacts(query: "Contact") { id } }`, nil, &out)
		require.Len(t, out.SearchContacts, 1)
		require.Equal(t, b.Contact, out.SearchContacts[0].ID)
	})
}

// TestIsolationNestedEdges: every edge B can walk from its own records leads
// to B's records only.
func TestIsolationNestedEdges(t *testing.T) {
	t.Parallel()
	w := setupAccess(t)
	a, b := w.seedBoth(t)

	const everything = `{
	  me { id } organization { id }
	  clients(first: 10) { edges { node {
	    id contacts { id } practitioners { id } coverages { id clientID client { id } }
	    contactLinks { id clientID contactID client { id } contact { id } }
	    appointments(first: 10) { edges { node { id clientID practitionerID createdByID practitioner { id } createdBy { id } } } }
	    recipients { contact { id } link { id } }
	    billingContacts { id contact { id } }
	  } } }
	  contacts(first: 10) { edges { node { id clients { id } clientLinks { id client { id } contact { id } } } } }
	  staffMembers(first: 10) { edges { node {
	    id assignedClients(first: 10) { edges { node { id practitioners { id } } } }
	    appointments(first: 10) { edges { node { id client { id } } } }
	  } } }
	  appointments(first: 10) { edges { node { id client { id contacts { id } } practitioner { id } createdBy { id } } } }
	  searchContacts(query: "Contact") { id clientLinks { id client { id } } }
	}`
	rsp := w.api.Do(w.b.Token, everything, nil)
	require.Empty(t, rsp.Errors)
	data := string(rsp.Data)
	for _, id := range append(a.all(), string(w.a.Owner.ID), string(w.a.Org.ID)) {
		require.NotContains(t, data, id, "B sees A's record %s", id)
	}
	for _, id := range append(b.all(), string(w.b.Owner.ID), string(w.b.Org.ID)) {
		require.Contains(t, data, id, "B does not see its own record %s", id)
	}
}

// TestIsolationDuplicateCheck: the duplicate-contact check of B compares
// against B's contacts only, so it neither refuses B nor names A's contacts.
func TestIsolationDuplicateCheck(t *testing.T) {
	t.Parallel()
	w := setupAccess(t)
	a, b := w.seedBoth(t)
	const create = `mutation($in: CreateContactInput!) { createContact(input: $in) { id } }`
	cases := []struct {
		name       string
		in         map[string]any
		candidates []any // nil: created
	}{
		{"A's contact's email", map[string]any{"firstName": "Same", "email": "contact@alpha.example"}, nil},
		{"A's contact's phone", map[string]any{"firstName": "Same", "phone": "+14165550100"}, nil},
		{"B's own contact's email", map[string]any{"firstName": "Same", "email": "contact@beta.example"}, []any{b.Contact}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := w.with(t)
			rsp := w.api.Do(w.b.Token, create, map[string]any{"in": tc.in})
			require.NotContains(t, fmt.Sprint(rsp), a.Contact)
			if tc.candidates == nil {
				require.Empty(t, rsp.Errors)
				return
			}
			require.Len(t, rsp.Errors, 1)
			requireCode(t, rsp.Errors[0], graph.CodeConflict, "email")
			require.Equal(t, tc.candidates, rsp.Errors[0].Extensions["candidates"])
		})
	}
}

// TestIsolationMutations: B's owner changing or deleting A's records gets
// NOT_FOUND, exactly as for IDs that name nothing, and nothing changes.
func TestIsolationMutations(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		query string
		id    func(seeded) string
	}{
		{"updateClient", `mutation($id: ID!) { updateClient(id: $id, input: {notes: "hijacked"}) { id } }`,
			func(s seeded) string { return s.Client }},
		{"setClientNotifications", `mutation($id: ID!) { setClientNotifications(id: $id, input: {notifyReminders: false}) { id } }`,
			func(s seeded) string { return s.Client }},
		{"updateContact", `mutation($id: ID!) { updateContact(id: $id, input: {firstName: "Hijacked"}) { id } }`,
			func(s seeded) string { return s.Contact }},
		{"updateClientContact", `mutation($id: ID!) { updateClientContact(id: $id, input: {notifyReminders: false}) { id } }`,
			func(s seeded) string { return s.Link }},
		{"removeClientContact", `mutation($id: ID!) { removeClientContact(id: $id) }`,
			func(s seeded) string { return s.Link }},
		{"cancelAppointment", `mutation($id: ID!) { cancelAppointment(id: $id, reason: "hijacked") { id } }`,
			func(s seeded) string { return s.Appointment }},
		{"confirmAppointment", `mutation($id: ID!) { confirmAppointment(id: $id) { id } }`,
			func(s seeded) string { return s.Appointment }},
		{"rescheduleAppointment", `mutation($id: ID!) { rescheduleAppointment(id: $id, startsAt: "2031-01-01T10:00:00Z", endsAt: "2031-01-01T11:00:00Z") { id } }`,
			func(s seeded) string { return s.Appointment }},
		{"updateCoverage", `mutation($id: ID!) { updateCoverage(id: $id, input: {healthCardNumber: "0000"}) { id } }`,
			func(s seeded) string { return s.Coverage }},
		{"deleteCoverage", `mutation($id: ID!) { deleteCoverage(id: $id) }`,
			func(s seeded) string { return s.Coverage }},
		{"updateStaff", `mutation($id: ID!) { updateStaff(id: $id, input: {name: "Hijacked"}) { id } }`,
			func(s seeded) string { return s.Staff }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := setupAccess(t)
			a, _ := w.seedBoth(t)
			id := tc.id(a)
			fake := fakeID(id)
			before := w.state(t)

			got := w.api.Fail(w.b.Token, tc.query, map[string]any{"id": id})
			missing := w.api.Fail(w.b.Token, tc.query, map[string]any{"id": fake})
			requireLooksMissing(t, got, missing, id, fake)
			require.Equal(t, before, w.state(t), "a refused mutation changed something")
		})
	}
}

// TestIsolationLinking: a mutation of B's that names one of A's records as a
// related record fails with NOT_FOUND on that input field, and writes nothing.
func TestIsolationLinking(t *testing.T) {
	t.Parallel()
	start := time.Now().Add(96 * time.Hour).Truncate(time.Hour).UTC()
	times := func(in map[string]any) map[string]any {
		in["startsAt"] = start.Format(time.RFC3339)
		in["endsAt"] = start.Add(time.Hour).Format(time.RFC3339)
		return in
	}
	cases := []struct {
		name  string
		query string
		vars  func(a, b seeded) map[string]any
		field string
	}{
		{"addClientContact with A's contact", `mutation($c: ID!, $in: ClientContactLinkInput!) { addClientContact(clientID: $c, input: $in) { id } }`,
			func(a, b seeded) map[string]any {
				return map[string]any{"c": b.Client, "in": map[string]any{"contactID": a.Contact, "relationship": "PARENT"}}
			}, "contactID"},
		{"addClientContact to A's client", `mutation($c: ID!, $in: ClientContactLinkInput!) { addClientContact(clientID: $c, input: $in) { id } }`,
			func(a, b seeded) map[string]any {
				return map[string]any{"c": a.Client, "in": map[string]any{"contactID": b.Contact, "relationship": "PARENT"}}
			}, "clientID"},
		{"addClientContact of a new contact to A's client", `mutation($c: ID!, $in: ClientContactLinkInput!) { addClientContact(clientID: $c, input: $in) { id } }`,
			func(a, _ seeded) map[string]any {
				return map[string]any{"c": a.Client, "in": map[string]any{
					"contact": map[string]any{"firstName": "New", "email": "new@beta.example"}, "relationship": "PARENT",
				}}
			}, "clientID"},
		{"createClient linking A's contact", `mutation($in: CreateClientInput!, $links: [ClientContactLinkInput!]) { createClient(input: $in, contacts: $links) { id } }`,
			func(a, _ seeded) map[string]any {
				return map[string]any{
					"in":    map[string]any{"firstName": "New", "lastName": "Client", "email": "new@beta.example"},
					"links": []any{map[string]any{"contactID": a.Contact, "relationship": "PARENT"}},
				}
			}, "contacts.0.contactID"},
		{"createClient with A's practitioner", `mutation($in: CreateClientInput!) { createClient(input: $in) { id } }`,
			func(a, _ seeded) map[string]any {
				return map[string]any{"in": map[string]any{
					"firstName": "New", "lastName": "Client", "email": "new@beta.example", "practitionerIDs": []string{a.Staff},
				}}
			}, "practitionerIDs"},
		{"updateClient adding A's practitioner", `mutation($id: ID!, $in: UpdateClientInput!) { updateClient(id: $id, input: $in) { id } }`,
			func(a, b seeded) map[string]any {
				return map[string]any{"id": b.Client, "in": map[string]any{"addPractitionerIDs": []string{a.Staff}}}
			}, ""}, // the field: see "updateClient names addPractitionerIDs" below
		{"createAppointment with A's practitioner", `mutation($in: CreateAppointmentInput!) { createAppointment(input: $in) { id } }`,
			func(a, b seeded) map[string]any {
				return map[string]any{"in": times(map[string]any{"clientID": b.Client, "practitionerID": a.Staff})}
			}, "practitionerID"},
		{"createAppointment for A's client", `mutation($in: CreateAppointmentInput!) { createAppointment(input: $in) { id } }`,
			func(a, b seeded) map[string]any {
				return map[string]any{"in": times(map[string]any{"clientID": a.Client, "practitionerID": b.Staff})}
			}, "clientID"},
		{"rescheduleAppointment to A's practitioner", `mutation($id: ID!, $p: ID) { rescheduleAppointment(id: $id, startsAt: "2031-01-01T10:00:00Z", endsAt: "2031-01-01T11:00:00Z", practitionerID: $p) { id } }`,
			func(a, b seeded) map[string]any { return map[string]any{"id": b.Appointment, "p": a.Staff} },
			"practitionerID"},
		{"createCoverage for A's client", `mutation($in: CreateCoverageInput!) { createCoverage(input: $in) { id } }`,
			func(a, _ seeded) map[string]any {
				return map[string]any{"in": map[string]any{"clientID": a.Client, "healthCardNumber": "9999"}}
			}, "clientID"},
		{"createStaff assigned to A's client", `mutation($in: CreateStaffInput!) { createStaff(input: $in) { id } }`,
			func(a, _ seeded) map[string]any {
				return map[string]any{"in": map[string]any{"name": "New", "email": "new@beta.example", "assignedClientIDs": []string{a.Client}}}
			}, "assignedClientIDs"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := setupAccess(t)
			a, b := w.seedBoth(t)
			before := w.state(t)

			e := w.api.Fail(w.b.Token, tc.query, tc.vars(a, b))
			requireCode(t, e, graph.CodeNotFound, tc.field)
			require.Equal(t, before, w.state(t), "a refused mutation changed something")
		})
	}

	t.Run("updateClient names addPractitionerIDs", func(t *testing.T) {
		t.Parallel()
		w := setupAccess(t)
		a, b := w.seedBoth(t)
		e := w.api.Fail(w.b.Token, `mutation($id: ID!, $in: UpdateClientInput!) { updateClient(id: $id, input: $in) { id } }`,
			map[string]any{"id": b.Client, "in": map[string]any{"addPractitionerIDs": []string{a.Staff}}})
		requireCode(t, e, graph.CodeNotFound, "addPractitionerIDs")
	})
}

// ---------------------------------------------------------------------------
// 2. Authentication

// TestAuthentication: only a valid, unexpired, unrevoked bearer token of an
// active staff member signs a request in; sign-in failures all read alike.
func TestAuthentication(t *testing.T) {
	t.Parallel()
	w := setupAccess(t)
	const clientsQuery = `{ clients(first: 1) { totalCount } }`
	const createClientMutation = `mutation { createClient(input: {firstName: "Sneaky", lastName: "Anon", email: "anon@example.com"}) { id } }`

	t.Run("refused credentials", func(t *testing.T) {
		t.Parallel()
		w := w.with(t)
		cases := []struct{ name, token, query string }{
			{"no header, query", "", clientsQuery},
			{"no header, mutation", "", createClientMutation},
			{"no header, me", "", `{ me { id } }`},
			{"no header, searchContacts", "", `{ searchContacts(query: "x") { id } }`},
			{"no header, signOut", "", `mutation { signOut }`},
			{"garbage token", "garbage", clientsQuery},
			{"garbage token with kith prefix", "kith_st_garbage", clientsQuery},
			{"garbage token, mutation", "kith_st_garbage", createClientMutation},
			{"owner token altered", tamperToken(w.a.Token), clientsQuery},
		}
		t.Run("cases", func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					w := w.with(t)
					e := w.api.Fail(tc.token, tc.query, nil)
					requireCode(t, e, graph.CodeUnauthenticated, "")
				})
			}
		})
		// After every case has run: the refused mutations wrote nothing.
		var out struct{ Clients struct{ TotalCount int } }
		w.api.OK(w.a.Token, clientsQuery, nil, &out)
		require.Zero(t, out.Clients.TotalCount)
	})

	t.Run("bearer scheme required", func(t *testing.T) {
		t.Parallel()
		req := kithtest.NewRequest(t, http.MethodPost, "", clientsQuery, nil)
		req.Header.Set("Authorization", "Basic "+w.a.Token)
		_, rsp := roundTrip(t, w.api.Handler, req)
		require.Len(t, rsp.Errors, 1)
		requireCode(t, rsp.Errors[0], graph.CodeUnauthenticated, "")
	})

	t.Run("signIn works", func(t *testing.T) {
		t.Parallel()
		w := w.with(t)
		var out struct {
			SignIn struct {
				Token     string
				ExpiresAt time.Time
				Staff     struct{ ID, Email, Role string }
			}
		}
		w.api.OK("", signInMutation, map[string]any{"in": map[string]any{
			"organization": "alpha", "email": "owner@alpha.example", "password": "correct horse battery",
		}}, &out)
		require.Equal(t, string(w.a.Owner.ID), out.SignIn.Staff.ID)
		require.Equal(t, "OWNER", out.SignIn.Staff.Role)
		require.True(t, out.SignIn.ExpiresAt.After(time.Now()))
		require.NotEqual(t, w.a.Token, out.SignIn.Token)

		var me struct{ Me struct{ ID string } }
		w.api.OK(out.SignIn.Token, `{ me { id } }`, nil, &me)
		require.Equal(t, string(w.a.Owner.ID), me.Me.ID)
	})

	t.Run("signIn refusals read alike", func(t *testing.T) {
		t.Parallel()
		w := w.with(t)
		cases := []struct{ name, org, email, password string }{
			{"wrong password", "alpha", "owner@alpha.example", "incorrect horse battery"},
			{"empty password", "alpha", "owner@alpha.example", ""},
			{"unknown email", "alpha", "nobody@alpha.example", "correct horse battery"},
			{"another organisation's owner", "beta", "owner@alpha.example", "correct horse battery"},
			{"unknown organisation", "gamma", "owner@alpha.example", "correct horse battery"},
		}
		var first *kithtest.Error
		for _, tc := range cases {
			rsp := w.api.Do("", signInMutation, map[string]any{"in": map[string]any{
				"organization": tc.org, "email": tc.email, "password": tc.password,
			}})
			require.JSONEq(t, "null", string(rsp.Data), tc.name)
			require.Len(t, rsp.Errors, 1, tc.name)
			e := rsp.Errors[0]
			requireCode(t, e, graph.CodeUnauthenticated, "")
			if first == nil {
				first = &e
			}
			require.Equal(t, *first, e, "%s reads differently from %s", tc.name, cases[0].name)
		}
	})

	t.Run("signOut revokes the token", func(t *testing.T) {
		t.Parallel()
		w := w.with(t)
		token := w.signIn(t, "alpha", "owner@alpha.example", "correct horse battery")
		var out struct{ SignOut bool }
		w.api.OK(token, `mutation { signOut }`, nil, &out)
		require.True(t, out.SignOut)
		requireCode(t, w.api.Fail(token, clientsQuery, nil), graph.CodeUnauthenticated, "")
		requireCode(t, w.api.Fail(token, `mutation { signOut }`, nil), graph.CodeUnauthenticated, "")
		w.api.OK(w.a.Token, clientsQuery, nil, nil) // the owner's other token still works
	})

	t.Run("expired token", func(t *testing.T) {
		t.Parallel()
		w := w.with(t)
		tok, err := auth.New(w.db.Client, auth.Config{TokenTTL: -time.Minute}).Issue(context.Background(), w.a.Owner)
		require.NoError(t, err)
		requireCode(t, w.api.Fail(tok.Secret, clientsQuery, nil), graph.CodeUnauthenticated, "")
	})

	t.Run("staff without a password cannot sign in", func(t *testing.T) {
		t.Parallel()
		w := w.with(t)
		var out struct{ CreateStaff struct{ ID string } }
		w.api.OK(w.a.Token, `mutation { createStaff(input: {name: "No Password", email: "nopw@alpha.example"}) { id } }`, nil, &out)
		for _, password := range []string{"", "correct horse battery", "kith-no-such-staff-member"} {
			e := w.api.Fail("", signInMutation, map[string]any{"in": map[string]any{
				"organization": "alpha", "email": "nopw@alpha.example", "password": password,
			}})
			requireCode(t, e, graph.CodeUnauthenticated, "")
		}
	})

	t.Run("inactive staff", func(t *testing.T) {
		t.Parallel()
		w := w.with(t)
		id := w.createStaff(t, w.a, "leaver@alpha.example", "PRACTITIONER", "leaver password 1")
		token := w.signIn(t, "alpha", "leaver@alpha.example", "leaver password 1")
		w.api.OK(token, clientsQuery, nil, nil)
		w.api.OK(w.a.Token, `mutation($id: ID!) { updateStaff(id: $id, input: {active: false}) { id } }`, map[string]any{"id": id}, nil)
		requireCode(t, w.api.Fail(token, clientsQuery, nil), graph.CodeUnauthenticated, "")
		e := w.api.Fail("", signInMutation, map[string]any{"in": map[string]any{
			"organization": "alpha", "email": "leaver@alpha.example", "password": "leaver password 1",
		}})
		requireCode(t, e, graph.CodeUnauthenticated, "")
	})

	t.Run("database keeps no raw token", func(t *testing.T) {
		t.Parallel()
		w := w.with(t)
		secret := w.signIn(t, "beta", "owner@beta.example", "correct horse battery")
		random := strings.TrimPrefix(secret, "kith_st_")

		var hashes [][]byte
		rows, err := w.db.SQL.Query("SELECT token_hash FROM staff_tokens")
		require.NoError(t, err)
		for rows.Next() {
			var h []byte
			require.NoError(t, rows.Scan(&h))
			hashes = append(hashes, h)
		}
		require.NoError(t, rows.Err())
		require.NoError(t, rows.Close())
		sum := sha256.Sum256([]byte(secret))
		require.Contains(t, hashes, sum[:], "the token's hash is stored")
		require.NotContains(t, hashes, []byte(secret))

		for table, text := range dumpTables(t, w.db) {
			require.NotContains(t, text, secret, "table %s holds the token", table)
			require.NotContains(t, text, random, "table %s holds the token's random part", table)
		}
	})
}

// dumpTables returns every table of db with all its rows as text.
func dumpTables(t *testing.T, db *database.DB) map[string]string {
	t.Helper()
	list := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if db.Dialect == "postgres" {
		list = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	var tables []string
	rows, err := db.SQL.Query(list)
	require.NoError(t, err)
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		tables = append(tables, name)
	}
	require.NoError(t, rows.Err())
	require.NoError(t, rows.Close())
	require.Contains(t, tables, "staff_tokens")

	out := map[string]string{}
	for _, table := range tables {
		rows, err := db.SQL.Query(`SELECT * FROM "` + table + `"`)
		require.NoError(t, err)
		cols, err := rows.Columns()
		require.NoError(t, err)
		var b strings.Builder
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			require.NoError(t, rows.Scan(ptrs...))
			for _, v := range vals {
				if raw, ok := v.([]byte); ok {
					b.Write(raw)
				} else {
					fmt.Fprint(&b, v)
				}
				b.WriteByte('\t')
			}
			b.WriteByte('\n')
		}
		require.NoError(t, rows.Err())
		require.NoError(t, rows.Close())
		out[table] = b.String()
	}
	return out
}

// ---------------------------------------------------------------------------
// 3. Roles

// TestRoles: every staff member reads and writes client records; only owners
// and admins manage staff and the organisation. Each role gets its own
// database, since an admin's changes must not disturb another case's checks.
func TestRoles(t *testing.T) {
	t.Parallel()
	const password = "a long enough password"
	cases := []struct {
		role       string
		administer bool
	}{
		{"FRONT_DESK", false},
		{"PRACTITIONER", false},
		{"ADMIN", true},
	}
	for _, tc := range cases {
		t.Run(tc.role, func(t *testing.T) {
			t.Parallel()
			w := setupAccess(t)
			id := w.createStaff(t, w.a, "member@alpha.example", tc.role, password)
			token := w.signIn(t, "alpha", "member@alpha.example", password)

			var me struct{ Me struct{ Role string } }
			w.api.OK(token, `{ me { role } }`, nil, &me)
			require.Equal(t, tc.role, me.Me.Role)

			// Client records: any role reads and creates them.
			var created struct{ CreateClient struct{ ID string } }
			w.api.OK(token, `mutation { createClient(input: {firstName: "New", lastName: "Client", email: "new@alpha.example"}) { id } }`, nil, &created)
			var list struct {
				Clients struct {
					Edges []struct{ Node struct{ ID string } }
				}
			}
			w.api.OK(token, `{ clients(first: 10) { edges { node { id } } } }`, nil, &list)
			require.Len(t, list.Clients.Edges, 1)
			require.Equal(t, created.CreateClient.ID, list.Clients.Edges[0].Node.ID)

			// Administration: owners and admins only; check reads what each would change.
			admin := []struct{ name, query, check string }{
				{"createStaff",
					`mutation { createStaff(input: {name: "Hire", email: "hire@alpha.example"}, password: "` + password + `") { id } }`,
					`{ staffMembers { totalCount } }`},
				{"updateStaff",
					`mutation { updateStaff(id: "` + id + `", input: {name: "Renamed Member"}) { id } }`,
					`{ staffMembers(orderBy: {field: NAME}) { edges { node { id name } } } }`},
				{"updateOrganization",
					`mutation { updateOrganization(input: {name: "Renamed Practice"}) { name } }`,
					`{ organization { name } }`},
			}
			if !tc.administer {
				admin = append(admin, struct{ name, query, check string }{"updateStaff promoting self",
					`mutation { updateStaff(id: "` + id + `", input: {role: OWNER}) { id } }`,
					`{ staffMembers(where: {role: OWNER}) { totalCount } }`})
			}
			for _, op := range admin {
				var before, after json.RawMessage
				w.api.OK(w.a.Token, op.check, nil, &before)
				rsp := w.api.Do(token, op.query, nil)
				w.api.OK(w.a.Token, op.check, nil, &after)
				if tc.administer {
					require.Empty(t, rsp.Errors, op.name)
					require.NotEqual(t, string(before), string(after), "%s changed nothing", op.name)
					continue
				}
				require.Len(t, rsp.Errors, 1, op.name)
				requireCode(t, rsp.Errors[0], graph.CodeForbidden, "")
				require.JSONEq(t, string(before), string(after), "%s wrote something", op.name)
			}
		})
	}

	t.Run("only owners make or change owners", func(t *testing.T) {
		t.Parallel()
		w := setupAccess(t)
		w.createStaff(t, w.a, "admin@alpha.example", "ADMIN", password)
		admin := w.signIn(t, "alpha", "admin@alpha.example", password)
		owner := string(w.a.Owner.ID)
		for name, q := range map[string]string{
			"create an owner":      `mutation { createStaff(input: {name: "Boss", email: "boss@alpha.example", role: OWNER}) { id } }`,
			"rename the owner":     `mutation { updateStaff(id: "` + owner + `", input: {name: "Renamed"}) { id } }`,
			"reset owner password": `mutation { updateStaff(id: "` + owner + `", input: {}, password: "` + password + `") { id } }`,
		} {
			e := w.api.Fail(admin, q, nil)
			requireCode(t, e, graph.CodeForbidden, "")
			require.NotEmpty(t, name)
		}
		w.api.OK(w.a.Token, `mutation { createStaff(input: {name: "Co-owner", email: "co@alpha.example", role: OWNER}) { id } }`, nil, nil)
		w.api.OK(w.a.Token, `mutation { updateStaff(id: "`+owner+`", input: {name: "Renamed"}) { id } }`, nil, nil)
	})

	t.Run("owner updates the organisation", func(t *testing.T) {
		t.Parallel()
		w := setupAccess(t)
		var out struct{ UpdateOrganization struct{ Name string } }
		w.api.OK(w.b.Token, `mutation { updateOrganization(input: {name: "Beta Renamed"}) { name } }`, nil, &out)
		require.Equal(t, "Beta Renamed", out.UpdateOrganization.Name)
		var org struct{ Organization struct{ Name string } }
		w.api.OK(w.b.Token, `{ organization { name } }`, nil, &org)
		require.Equal(t, "Beta Renamed", org.Organization.Name)
		w.api.OK(w.a.Token, `{ organization { name } }`, nil, &org)
		require.Equal(t, "Alpha Practice", org.Organization.Name)
	})
}

// ---------------------------------------------------------------------------
// 4. Limits and transport

// TestLimits: oversized pages and expensive operations are refused up front.
func TestLimits(t *testing.T) {
	t.Parallel()
	w := setupAccess(t)
	cases := []struct{ name, query, field string }{
		{"first too large", `{ clients(first: 1000) { totalCount } }`, "first"},
		{"last too large", `{ contacts(last: 1000) { totalCount } }`, "last"},
		{"negative first", `{ appointments(first: -1) { totalCount } }`, "first"},
		{"nested first too large", `{ clients(first: 1) { edges { node { appointments(first: 1000) { totalCount } } } } }`, "first"},
		{"list first too large", `{ searchContacts(query: "a", first: 1000) { id } }`, "first"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := w.with(t)
			requireCode(t, w.api.Fail(w.a.Token, tc.query, nil), graph.CodeBadUserInput, tc.field)
		})
	}

	t.Run("too expensive", func(t *testing.T) {
		t.Parallel()
		w := w.with(t)
		e := w.api.Fail(w.a.Token, `{ clients(first: 100) { edges { node {
		  appointments(first: 100) { edges { node { client { recipients { name } } } } }
		} } } }`, nil)
		requireCode(t, e, graph.CodeBadUserInput, "")
		require.Contains(t, e.Message, "cost")
	})

	t.Run("affordable", func(t *testing.T) {
		t.Parallel()
		w := w.with(t)
		w.api.OK(w.a.Token, `{ clients(first: 100) { edges { node { appointments(first: 10) { totalCount } } } } }`, nil, nil)
	})
}

// TestTransport: what the HTTP handler serves besides POST /graphql.
func TestTransport(t *testing.T) {
	t.Parallel()
	w := setupAccess(t)
	h := w.api.Handler

	t.Run("GET query", func(t *testing.T) {
		t.Parallel()
		rec, rsp := roundTrip(t, h, kithtest.NewRequest(t, http.MethodGet, w.a.Token, `{ me { email } }`, nil))
		require.Equal(t, http.StatusOK, rec.Code)
		require.Empty(t, rsp.Errors)
		require.JSONEq(t, `{"me": {"email": "owner@alpha.example"}}`, string(rsp.Data))
	})

	t.Run("GET mutation refused", func(t *testing.T) {
		t.Parallel()
		w := w.with(t)
		rec, rsp := roundTrip(t, h, kithtest.NewRequest(t, http.MethodGet, w.a.Token,
			`mutation { createClient(input: {firstName: "Via", lastName: "Get", email: "get@alpha.example"}) { id } }`, nil))
		require.NotEqual(t, http.StatusOK, rec.Code)
		require.NotEmpty(t, rsp.Errors)
		var out struct{ Clients struct{ TotalCount int } }
		w.api.OK(w.a.Token, `{ clients(where: {lastName: "Get"}) { totalCount } }`, nil, &out)
		require.Zero(t, out.Clients.TotalCount)
	})

	t.Run("graphql-response+json", func(t *testing.T) {
		t.Parallel()
		req := kithtest.NewRequest(t, http.MethodPost, w.a.Token, `{ me { id } }`, nil)
		req.Header.Set("Accept", "application/graphql-response+json")
		rec, rsp := roundTrip(t, h, req)
		require.Empty(t, rsp.Errors)
		require.Equal(t, "application/graphql-response+json", rec.Header().Get("Content-Type"))
	})

	t.Run("plain json", func(t *testing.T) {
		t.Parallel()
		req := kithtest.NewRequest(t, http.MethodPost, w.a.Token, `{ me { id } }`, nil)
		req.Header.Set("Accept", "application/json")
		rec, _ := roundTrip(t, h, req)
		require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	})

	pages := []struct{ name, path, contains string }{
		{"healthz", "/healthz", "ok"},
		{"readyz", "/readyz", "ready"},
		{"GraphiQL", "/", "graphiql"},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p.path, nil))
			require.Equal(t, http.StatusOK, rec.Code)
			require.Contains(t, strings.ToLower(rec.Body.String()), p.contains)
		})
	}

	t.Run("request ID", func(t *testing.T) {
		t.Parallel()
		req := kithtest.NewRequest(t, http.MethodPost, w.a.Token, `{ me { id } }`, nil)
		req.Header.Set("X-Request-ID", "caller-id.1")
		rec, _ := roundTrip(t, h, req)
		require.Equal(t, "caller-id.1", rec.Header().Get("X-Request-ID"))

		req = kithtest.NewRequest(t, http.MethodPost, w.a.Token, `{ me { id } }`, nil)
		req.Header.Set("X-Request-ID", "bad id\r\n<script>")
		rec, _ = roundTrip(t, h, req)
		require.Regexp(t, `^[0-9a-f]{16}$`, rec.Header().Get("X-Request-ID"))
	})

	t.Run("introspection", func(t *testing.T) {
		t.Parallel()
		const query = `{ __schema { types { name } } }`
		_, on := roundTrip(t, h, kithtest.NewRequest(t, http.MethodPost, w.a.Token, query, nil))
		require.Empty(t, on.Errors)
		require.Contains(t, string(on.Data), `"Client"`)

		off := server.New(w.db.Client, kithtest.Auth(w.db.Client), server.Config{})
		_, rsp := roundTrip(t, off, kithtest.NewRequest(t, http.MethodPost, w.a.Token, query, nil))
		require.NotEmpty(t, rsp.Errors)
		require.NotContains(t, string(rsp.Data), `"Client"`)
	})

	t.Run("introspection off is not an internal error", func(t *testing.T) {
		t.Parallel()
		off := server.New(w.db.Client, kithtest.Auth(w.db.Client), server.Config{})
		_, rsp := roundTrip(t, off, kithtest.NewRequest(t, http.MethodPost, w.a.Token, `{ __schema { types { name } } }`, nil))
		require.Len(t, rsp.Errors, 1)
		require.NotEmpty(t, rsp.Errors[0].Code())
		require.NotEqual(t, graph.CodeInternal, rsp.Errors[0].Code(), rsp.Errors[0].Message)
	})

	t.Run("GraphiQL off", func(t *testing.T) {
		t.Parallel()
		off := server.New(w.db.Client, kithtest.Auth(w.db.Client), server.Config{})
		rec := httptest.NewRecorder()
		off.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		require.Equal(t, http.StatusNotFound, rec.Code)
	})

	malformed := []struct{ name, query, code string }{
		{"parse error", `{ clients(first `, "GRAPHQL_PARSE_FAILED"},
		{"unknown field", `{ clients(first: 1) { nope } }`, "GRAPHQL_VALIDATION_FAILED"},
	}
	for _, tc := range malformed {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := w.with(t)
			e := w.api.Fail(w.a.Token, tc.query, nil)
			require.Equal(t, tc.code, e.Code(), e.Message)
		})
	}
}

// ---------------------------------------------------------------------------
// 5. Internal errors reveal nothing

// TestInternalErrorsRevealNothing: a store failure answers INTERNAL with the
// request ID only, never database text.
func TestInternalErrorsRevealNothing(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		skip       string
		breakStore func(t *testing.T, w *twoPractices)
		token      func(w *twoPractices) string
		query      string
		unwritten  string // when set, a table the request must have left empty
	}{
		{
			name:       "database closed, signed-in query",
			breakStore: func(t *testing.T, w *twoPractices) { require.NoError(t, w.db.SQL.Close()) },
			token:      func(w *twoPractices) string { return w.a.Token },
			query:      `{ clients(first: 1) { totalCount } }`,
		},
		{
			name:       "database closed, signIn",
			breakStore: func(t *testing.T, w *twoPractices) { require.NoError(t, w.db.SQL.Close()) },
			token:      func(*twoPractices) string { return "" },
			query:      `mutation { signIn(input: {organization: "alpha", email: "owner@alpha.example", password: "correct horse battery"}) { token } }`,
		},
		{
			name: "table dropped, query",
			breakStore: func(t *testing.T, w *twoPractices) {
				_, err := w.db.SQL.Exec(`DROP TABLE message_templates`) // nothing refers to it
				require.NoError(t, err)
			},
			token: func(w *twoPractices) string { return w.a.Token },
			query: `{ messageTemplates { id } }`,
		},
		{
			name: "table dropped, mutation",
			breakStore: func(t *testing.T, w *twoPractices) {
				_, err := w.db.SQL.Exec(`DROP TABLE coverages`)
				require.NoError(t, err)
			},
			token:     func(w *twoPractices) string { return w.a.Token },
			query:     `mutation { createClient(input: {firstName: "Broken", lastName: "Store", email: "broken@alpha.example"}) { id coverages { id } } }`,
			unwritten: "clients",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.skip != "" {
				t.Skip(tc.skip)
			}
			w := setupAccess(t)
			tc.breakStore(t, w)

			rec, rsp := roundTrip(t, w.api.Handler, kithtest.NewRequest(t, http.MethodPost, tc.token(w), tc.query, nil))
			require.Len(t, rsp.Errors, 1, "data %s", rsp.Data)
			e := rsp.Errors[0]
			require.Equal(t, graph.CodeInternal, e.Code(), e.Message)
			id, _ := e.Extensions["requestId"].(string)
			require.NotEmpty(t, id)
			require.Equal(t, rec.Header().Get("X-Request-ID"), id)
			require.Contains(t, e.Message, id)
			for _, leak := range []string{"sql", "select", "database", "table", "appointments", "coverages", "sqlite", "pgx", "postgres", "ent:"} {
				require.NotContains(t, strings.ToLower(e.Message), leak)
			}
			require.Equal(t, []string{"code", "requestId"}, sortedKeys(e.Extensions))
			if tc.unwritten != "" {
				var n int
				require.NoError(t, w.db.SQL.QueryRow("SELECT count(*) FROM "+tc.unwritten).Scan(&n))
				require.Zero(t, n, "the failed mutation was committed")
			}
		})
	}
}

// ---------------------------------------------------------------------------
// 6. Bad arguments

// TestBadArguments: malformed argument values are the caller's mistake
// (BAD_USER_INPUT on the argument), never INTERNAL, and write nothing.
func TestBadArguments(t *testing.T) {
	t.Parallel()
	w := setupAccess(t)
	a := w.seed(t, w.a, "alpha", "+14165550100")
	before := w.state(t)

	cases := []struct {
		name, query string
		vars        map[string]any
		field       string
		skip        string
	}{
		{"node with an Int ID", `{ node(id: 123) { id } }`, nil, "id", ""},
		{"nodes with an Int ID", `{ nodes(ids: [123]) { id } }`, nil, "ids.0", ""},
		{"malformed Time literal", `mutation { createAppointment(input: {
		   clientID: "` + a.Client + `", practitionerID: "` + a.Staff + `",
		   startsAt: "tomorrow at ten", endsAt: "2031-01-01T11:00:00Z"}) { id } }`, nil, "startsAt", ""},
		{"malformed Time variable", `mutation($in: CreateAppointmentInput!) { createAppointment(input: $in) { id } }`,
			map[string]any{"in": map[string]any{
				"clientID": a.Client, "practitionerID": a.Staff, "startsAt": "2031-01-01T10:00:00Z", "endsAt": "01/01/2031 11:00",
			}}, "endsAt", ""},
		{"malformed Time argument", `mutation { rescheduleAppointment(id: "` + a.Appointment + `", startsAt: "soon", endsAt: "2031-01-01T11:00:00Z") { id } }`,
			nil, "startsAt", ""},
		{"malformed Date", `mutation { createClient(input: {firstName: "Bad", lastName: "Date", email: "bad@alpha.example", dateOfBirth: "30/04/2015"}) { id } }`,
			nil, "dateOfBirth", ""},
	}
	t.Run("cases", func(t *testing.T) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				if tc.skip != "" {
					t.Skip(tc.skip)
				}
				w := w.with(t)
				e := w.api.Fail(w.a.Token, tc.query, tc.vars)
				requireCode(t, e, graph.CodeBadUserInput, tc.field)
			})
		}
	})
	require.Equal(t, before, w.state(t), "a refused mutation changed something")
}
