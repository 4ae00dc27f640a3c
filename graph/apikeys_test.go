package graph_test

import (
	"net/http"
	"net/http/httptest"
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

// keys is a practice whose API is logged, with a practitioner and a
// client to work on.
type keys struct {
	db           *database.DB
	api          *kithtest.API
	log          *kithtest.LogBuffer
	p            kithtest.Practice
	practitioner string
	client       string
}

func setupKeys(t *testing.T) *keys {
	t.Helper()
	db := kithtest.DB(t, nil)
	k := &keys{db: db, log: &kithtest.LogBuffer{}, p: kithtest.NewPractice(t, db, "maple")}
	k.api = kithtest.NewAPIConfig(t, db, server.Config{HandlerConfig: graph.HandlerConfig{Logger: k.log.Logger()}}, auth.Config{})
	var st struct{ CreateStaff struct{ ID string } }
	k.api.OK(k.p.Token, `mutation($in: CreateStaffInput!) { createStaff(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"name": "Dr Priya", "email": "priya@maple.example", "role": "PRACTITIONER"}}, &st)
	k.practitioner = st.CreateStaff.ID
	var c struct{ CreateClient struct{ ID string } }
	k.api.OK(k.p.Token, `mutation($in: CreateClientInput!) { createClient(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"firstName": "Sam", "lastName": "Lee", "email": "sam@example.com", "practitionerIDs": []string{k.practitioner}}}, &c)
	k.client = c.CreateClient.ID
	return k
}

const createKey = `mutation($in: CreateApiKeyInput!) { createApiKey(input: $in) { apiKey { id name role prefix createdAt lastUsedAt revokedAt } secret } }`

type keyOut struct {
	ID, Name, Role, Prefix string
	CreatedAt              time.Time
	LastUsedAt, RevokedAt  *time.Time
}

// key creates, as token, a key named name with role, and returns it and its secret.
func (k *keys) key(t *testing.T, token, name, role string) (keyOut, string) {
	t.Helper()
	var out struct {
		CreateApiKey struct {
			APIKey keyOut
			Secret string
		}
	}
	k.api.OK(token, createKey, map[string]any{"in": map[string]any{"name": name, "role": role}}, &out)
	got := out.CreateApiKey
	require.True(t, strings.HasPrefix(got.Secret, "kith_ak_"), "the secret is kith_ak_ and base64url")
	require.Len(t, got.Secret, len("kith_ak_")+43, "32 random bytes, unpadded")
	require.Equal(t, got.Secret[:12], got.APIKey.Prefix)
	require.Equal(t, role, got.APIKey.Role)
	require.True(t, strings.HasPrefix(got.APIKey.ID, "ak"))
	return got.APIKey, got.Secret
}

func (k *keys) list(t *testing.T, token string) []keyOut {
	t.Helper()
	var out struct{ APIKeys []keyOut }
	k.api.OK(token, `{ apiKeys { id name role prefix createdAt lastUsedAt revokedAt } }`, nil, &out)
	return out.APIKeys
}

// TestAPIKeyLifecycle: an owner creates a key whose secret is shown once;
// the list shows its prefix; it works until revoked, and the next request
// after revocation is UNAUTHENTICATED; its use is recorded.
func TestAPIKeyLifecycle(t *testing.T) {
	t.Parallel()
	k := setupKeys(t)
	key, secret := k.key(t, k.p.Token, "  EHR sync ", "ADMIN")
	require.Equal(t, "EHR sync", key.Name, "the name is trimmed")
	require.Nil(t, key.LastUsedAt)
	require.Nil(t, key.RevokedAt)

	rsp := k.api.Do(k.p.Token, `{ apiKeys { id prefix } }`, nil)
	require.Empty(t, rsp.Errors)
	require.NotContains(t, string(rsp.Data), secret, "the secret is shown once")
	require.Contains(t, string(rsp.Data), key.Prefix)

	var org struct{ Organization struct{ ID string } }
	k.api.OK(secret, `{ organization { id } }`, nil, &org)
	require.Equal(t, string(k.p.Org.ID), org.Organization.ID, "the key acts in its organisation")

	listed := k.list(t, k.p.Token)
	require.Len(t, listed, 1)
	require.NotNil(t, listed[0].LastUsedAt, "its use is recorded")
	first := *listed[0].LastUsedAt
	k.api.OK(secret, `{ organization { id } }`, nil, nil)
	require.Equal(t, first, *k.list(t, k.p.Token)[0].LastUsedAt, "at most once a minute")

	second, _ := k.key(t, k.p.Token, "Billing export", "FRONT_DESK")
	listed = k.list(t, k.p.Token)
	require.Equal(t, []string{second.ID, key.ID}, []string{listed[0].ID, listed[1].ID}, "newest first")

	var revoked struct{ RevokeApiKey keyOut }
	k.api.OK(k.p.Token, `mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`, map[string]any{"id": key.ID}, &revoked)
	require.NotNil(t, revoked.RevokeApiKey.RevokedAt)
	e := k.api.Fail(secret, `{ organization { id } }`, nil)
	requireCode(t, e, graph.CodeUnauthenticated, "")

	var again struct{ RevokeApiKey keyOut }
	k.api.OK(k.p.Token, `mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`, map[string]any{"id": key.ID}, &again)
	require.Equal(t, revoked.RevokeApiKey.RevokedAt, again.RevokeApiKey.RevokedAt, "revoking a revoked key answers it as it is")
	listed = k.list(t, k.p.Token)
	require.Len(t, listed, 2, "revoked keys are listed")
	require.NotNil(t, listed[1].RevokedAt)
}

// TestAPIKeyWhoMayManage: only owners create and revoke keys; owners and
// admins list them; an OWNER role is refused on field role; another
// organisation's key is NOT_FOUND.
func TestAPIKeyWhoMayManage(t *testing.T) {
	t.Parallel()
	k := setupKeys(t)
	var admin struct{ CreateStaff struct{ ID string } }
	k.api.OK(k.p.Token, `mutation($in: CreateStaffInput!, $pw: String) { createStaff(input: $in, password: $pw) { id } }`,
		map[string]any{"in": map[string]any{"name": "Ada", "email": "ada@maple.example", "role": "ADMIN"}, "pw": "correct horse battery"}, &admin)
	var signIn struct{ SignIn struct{ Token string } }
	k.api.OK("", signInMutation, map[string]any{"in": map[string]any{"organization": "maple", "email": "ada@maple.example", "password": "correct horse battery"}}, &signIn)
	adminToken := signIn.SignIn.Token

	e := k.api.Fail(adminToken, createKey, map[string]any{"in": map[string]any{"name": "Mine", "role": "ADMIN"}})
	requireCode(t, e, graph.CodeForbidden, "")
	key, adminKey := k.key(t, k.p.Token, "EHR sync", "ADMIN")
	require.Len(t, k.list(t, adminToken), 1, "admins list the keys")
	e = k.api.Fail(adminToken, `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, map[string]any{"id": key.ID})
	requireCode(t, e, graph.CodeForbidden, "")
	e = k.api.Fail(adminKey, createKey, map[string]any{"in": map[string]any{"name": "Another", "role": "FRONT_DESK"}})
	requireCode(t, e, graph.CodeForbidden, "")

	e = k.api.Fail(k.p.Token, createKey, map[string]any{"in": map[string]any{"name": "Boss", "role": "OWNER"}})
	requireCode(t, e, graph.CodeBadUserInput, "role")
	require.Contains(t, e.Message, "cannot be an owner")
	for _, name := range []string{"", "   ", strings.Repeat("n", 101)} {
		e = k.api.Fail(k.p.Token, createKey, map[string]any{"in": map[string]any{"name": name, "role": "ADMIN"}})
		requireCode(t, e, graph.CodeBadUserInput, "name")
	}

	_, practitionerKey := k.key(t, k.p.Token, "Scheduler", "PRACTITIONER")
	e = k.api.Fail(practitionerKey, `{ apiKeys { id } }`, nil)
	requireCode(t, e, graph.CodeForbidden, "")

	other := kithtest.NewPractice(t, k.db, "birch")
	e = k.api.Fail(other.Token, `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, map[string]any{"id": key.ID})
	requireCode(t, e, graph.CodeNotFound, "")
	require.Empty(t, k.list(t, other.Token), "another organisation's keys are not listed")
	rsp := k.api.Do(other.Token, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": key.ID})
	require.Len(t, rsp.Errors, 1)
	require.Equal(t, graph.CodeNotFound, rsp.Errors[0].Code(), "another organisation's key reads as missing")
	k.api.OK(adminKey, `{ organization { id } }`, nil, nil) // still works: nothing was revoked
}

// staffOps are ordinary staff operations, each with what a PRACTITIONER
// key gets ("" for success); an ADMIN key succeeds at all of them.
func (k *keys) staffOps(t *testing.T) []struct {
	name, query, practitioner string
	vars                      map[string]any
} {
	t.Helper()
	start := time.Now().Add(72 * time.Hour).Truncate(time.Hour).UTC()
	at := func(d time.Duration) string { return start.Add(d).Format(time.RFC3339) }
	type op = struct {
		name, query, practitioner string
		vars                      map[string]any
	}
	return []op{
		{"organization", `{ organization { id name } }`, "", nil},
		{"clients", `{ clients(first: 5) { totalCount edges { node { id firstName practitioners { id } } } } }`, "", nil},
		{"staffMembers", `{ staffMembers(first: 5) { totalCount edges { node { id name role } } } }`, "", nil},
		{"searchContacts", `{ searchContacts(query: "Lee") { id } }`, "", nil},
		{"createClient", `mutation { createClient(input: {firstName: "Mia", lastName: "Chen", email: "mia@example.com"}) { id } }`, "", nil},
		{"updateClient", `mutation($id: ID!) { updateClient(id: $id, input: {notes: "from the EHR"}) { id notes } }`, "", map[string]any{"id": k.client}},
		{"createContact", `mutation { createContact(input: {firstName: "Wei", lastName: "Chen", phone: "416 555 0188"}) { id } }`, "", nil},
		{"addClientContact", `mutation($id: ID!) { addClientContact(clientID: $id, input: {contact: {firstName: "Alex", lastName: "Lee", email: "alex@example.com"}, relationship: PARENT, contactTypes: [BILLING]}) { id } }`,
			"", map[string]any{"id": k.client}},
		{"createAppointment", `mutation($in: CreateAppointmentInput!) { createAppointment(input: $in) { id createdByID createdBy { id } status } }`, "",
			map[string]any{"in": map[string]any{"clientID": k.client, "practitionerID": k.practitioner, "startsAt": at(0), "endsAt": at(time.Hour)}}},
		{"createCoverage", `mutation($id: ID!) { createCoverage(input: {clientID: $id, region: "ON"}) { id } }`, "", map[string]any{"id": k.client}},
		{"createScheduledMessage", `mutation($id: ID!, $at: Time!) { createScheduledMessage(input: {clientID: $id, body: "See you soon", sendAt: $at}) { id status } }`, "",
			map[string]any{"id": k.client, "at": at(24 * time.Hour)}},
		{"sendForm", `mutation($id: ID!) { sendForm(clientId: $id, input: {title: "Intake", questions: [{id: "name", label: "Full name", type: TEXT}]}) { id status } }`, "",
			map[string]any{"id": k.client}},
		{"shareDocument", `mutation($id: ID!) { shareDocument(clientId: $id, input: {title: "Plan", fileName: "plan.pdf", url: "https://files.example/plan.pdf"}) { id } }`, "",
			map[string]any{"id": k.client}},
		{"createInvoice", `mutation($id: ID!) { createInvoice(clientId: $id, input: {currency: "CAD", lines: [{description: "Session", unitAmountCents: 12000}]}) { id number } }`, "",
			map[string]any{"id": k.client}},
		{"sendPortalMessage", `mutation($id: ID!) { sendPortalMessage(clientId: $id, body: "Hello from the practice") { id author { id } } }`, "",
			map[string]any{"id": k.client}},
		{"inviteClientToPortal", `mutation($id: ID!) { inviteClientToPortal(clientId: $id) { id portalStatus } }`, "", map[string]any{"id": k.client}},
		{"timeline", `query($id: ID!) { node(id: $id) { ... on Client { timeline(first: 20) { edges { node { kind actor summary staff { id } } } } } } }`, "",
			map[string]any{"id": k.client}},
		{"client communications", `query($id: ID!) { node(id: $id) { ... on Client { communications(first: 5) { totalCount } } } }`, "", map[string]any{"id": k.client}},
		{"communications board", `{ communications(first: 5) { totalCount } }`, graph.CodeForbidden, nil},
		{"updateStaff", `mutation($id: ID!) { updateStaff(id: $id, input: {phone: "416 555 0111"}) { id } }`, graph.CodeForbidden, map[string]any{"id": k.practitioner}},
		{"webhookEndpoints", `{ webhookEndpoints { id } }`, graph.CodeForbidden, nil},
	}
}

// TestAPIKeyActsWithItsRole: an ADMIN key and a PRACTITIONER key each run
// ordinary staff operations with their role's rights and never an
// INTERNAL error; what only a person does is FORBIDDEN; the access log
// names the key and never shows its secret.
func TestAPIKeyActsWithItsRole(t *testing.T) {
	t.Parallel()
	for _, role := range []string{"ADMIN", "PRACTITIONER"} {
		t.Run(role, func(t *testing.T) {
			t.Parallel()
			k := setupKeys(t)
			key, secret := k.key(t, k.p.Token, "Integration "+role, role)
			ops := k.staffOps(t)
			for _, op := range ops {
				rsp := k.api.Do(secret, op.query, op.vars)
				want := ""
				if role == "PRACTITIONER" {
					want = op.practitioner
				}
				if want == "" {
					require.Empty(t, rsp.Errors, "%s: %s", op.name, rsp.Data)
					continue
				}
				require.Len(t, rsp.Errors, 1, op.name)
				require.Equal(t, want, rsp.Errors[0].Code(), "%s: %s", op.name, rsp.Errors[0].Message)
			}

			// The appointment a key booked and changed names no staff member.
			var appts struct {
				Appointments struct {
					Edges []struct {
						Node struct {
							ID          string
							CreatedByID *string
						}
					}
				}
			}
			k.api.OK(k.p.Token, `{ appointments(first: 5) { edges { node { id createdByID } } } }`, nil, &appts)
			require.Len(t, appts.Appointments.Edges, 1)
			if by := appts.Appointments.Edges[0].Node.CreatedByID; by != nil {
				require.Empty(t, *by, "a key books for nobody")
			}
			appt := appts.Appointments.Edges[0].Node.ID
			for _, q := range []string{
				`mutation($id: ID!) { confirmAppointment(id: $id) { status } }`,
				`mutation($id: ID!) { cancelAppointment(id: $id, reason: "the EHR says so") { status } }`,
			} {
				k.api.OK(secret, q, map[string]any{"id": appt}, nil)
			}
			var tl struct {
				Node struct {
					Timeline struct {
						Edges []struct {
							Node struct {
								Kind, Actor string
								Staff       *struct{ ID string }
							}
						}
					}
				}
			}
			k.api.OK(k.p.Token, `query($id: ID!) { node(id: $id) { ... on Client { timeline(first: 50) { edges { node { kind actor staff { id } } } } } } }`,
				map[string]any{"id": k.client}, &tl)
			var kinds []string
			for _, e := range tl.Node.Timeline.Edges {
				if strings.HasPrefix(e.Node.Kind, "APPOINTMENT_") {
					kinds = append(kinds, e.Node.Kind)
					require.Equal(t, "STAFF", e.Node.Actor)
					require.Nil(t, e.Node.Staff, "a key is no staff member")
				}
			}
			require.ElementsMatch(t, []string{"APPOINTMENT_BOOKED", "APPOINTMENT_CONFIRMED", "APPOINTMENT_CANCELLED"}, kinds)

			// What only a person does.
			for _, q := range []string{
				`{ me { id } }`,
				`mutation { signOut }`,
				`mutation { logCall(input: {direction: OUTBOUND, to: "416 555 0100", title: "Follow-up"}) { id } }`,
			} {
				e := k.api.Fail(secret, q, nil)
				requireCode(t, e, graph.CodeForbidden, "")
				require.Contains(t, e.Message, "not a person", q)
			}
			for _, path := range []string{"/exports/clients.csv", "/clients/" + k.client + "/face-sheet"} {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.Header.Set("Authorization", "Bearer "+secret)
				rec := httptest.NewRecorder()
				k.api.Handler.ServeHTTP(rec, req)
				require.Equal(t, http.StatusForbidden, rec.Code, "%s: %s", path, rec.Body.String())
				require.Contains(t, rec.Body.String(), "not a person")
			}

			log := k.log.String()
			require.NotContains(t, log, "INTERNAL")
			require.NotContains(t, log, secret, "the secret is never logged")
			require.Contains(t, log, `api_key="Integration `+role+` (`+key.ID+`)"`)
			require.Contains(t, log, "viewer=api_key")
			require.Empty(t, k.log.Problems(), "nothing but access-log lines")

			// Live calls concern people: the subscription is FORBIDDEN to a key.
			r := first(t, must(k.api.Socket(secret).Subscribe(watchCalls, nil)))
			require.Len(t, r.Errors, 1)
			require.Equal(t, graph.CodeForbidden, r.Errors[0].Code())
			require.Contains(t, r.Errors[0].Message, "not a person")
		})
	}
}
