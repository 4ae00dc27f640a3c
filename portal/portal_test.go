package portal_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/ent/portalinvitation"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/portal"
	"github.com/kith-health/kith/viewer"
)

// family is a practice whose parent Pat is a contact of two children, Sam
// and Kim, and whose client Alex has an email of its own. Nobody has portal
// access yet.
type family struct {
	db       *database.DB
	api      *kithtest.API
	p        kithtest.Practice
	sam, kim string // client IDs
	samLink  string // Pat's link to Sam
	kimLink  string // Pat's link to Kim
	alex     string // a client with its own email
}

const patEmail = "pat@family.example"

func setup(t *testing.T) *family {
	t.Helper()
	db := kithtest.DB(t, nil)
	f := &family{db: db, api: kithtest.NewAPI(t, db), p: kithtest.NewPractice(t, db, "practice")}
	var pat struct{ CreateContact struct{ ID string } }
	f.api.OK(f.p.Token, `mutation { createContact(input: {firstName: "Pat", lastName: "Rivera", email: "Pat@Family.example"}) { id } }`, nil, &pat)
	f.sam, f.samLink = f.child(t, "Sam", pat.CreateContact.ID)
	f.kim, f.kimLink = f.child(t, "Kim", pat.CreateContact.ID)
	var alex struct{ CreateClient struct{ ID string } }
	f.api.OK(f.p.Token, `mutation { createClient(input: {firstName: "Alex", lastName: "Stone", email: "alex@stone.example", alert: "allergic to latex", notes: "private"}) { id } }`, nil, &alex)
	f.alex = alex.CreateClient.ID
	return f
}

// child creates a client linked to contact as its parent, and returns the
// client's and the link's IDs.
func (f *family) child(t *testing.T, name, contact string) (string, string) {
	t.Helper()
	var out struct {
		CreateClient struct {
			ID           string
			ContactLinks []struct{ ID string }
		}
	}
	f.api.OK(f.p.Token, `mutation($in: CreateClientInput!, $cs: [ClientContactLinkInput!]) {
		createClient(input: $in, contacts: $cs) { id contactLinks { id } } }`, map[string]any{
		"in": map[string]any{"firstName": name, "lastName": "Rivera", "alert": "staff only", "notes": "staff notes"},
		"cs": []map[string]any{{"contactID": contact, "relationship": "PARENT", "notifyReminders": true}},
	}, &out)
	return out.CreateClient.ID, out.CreateClient.ContactLinks[0].ID
}

// inviteContact invites the contact of link with scopes and returns the
// claim token from the email.
func (f *family) inviteContact(t *testing.T, link string, scopes []string, canManage bool) string {
	t.Helper()
	f.api.OK(f.p.Token, `mutation($id: ID!, $s: [PortalScope!], $m: Boolean) {
		inviteContactToPortal(linkId: $id, scopes: $s, canManageAppointments: $m) { id portalStatus } }`,
		map[string]any{"id": link, "s": scopes, "m": canManage}, nil)
	return token(t, f.api.Outbox.Last(t, patEmail).Link)
}

// claim claims an invitation and returns the session token.
func (f *family) claim(t *testing.T, tok string) string {
	t.Helper()
	var out struct{ ClaimPortalInvitation struct{ Token string } }
	f.api.OK("", `mutation($t: String!) { claimPortalInvitation(token: $t) { token } }`, map[string]any{"t": tok}, &out)
	return out.ClaimPortalInvitation.Token
}

// token is the claim token in an invitation link.
func token(t testing.TB, link string) string {
	t.Helper()
	_, tok, ok := strings.Cut(link, "token=")
	require.True(t, ok, link)
	return tok
}

func TestInvitationClaimAndSwitchingClients(t *testing.T) {
	t.Parallel()
	f := setup(t)
	tok := f.inviteContact(t, f.samLink, []string{"VIEW_FORMS"}, true)
	require.True(t, strings.HasPrefix(f.api.Outbox.Last(t, patEmail).Link, "https://kith.example/portal/claim?token=kith_pi_"))

	// Opening the link describes it without using it, as often as it likes.
	for range 2 {
		var info struct {
			PortalInvitation struct{ Practice, ClientFirstName, Email, State string }
		}
		f.api.OK("", `query($t: String!) { portalInvitation(token: $t) { practice clientFirstName email state } }`, map[string]any{"t": tok}, &info)
		require.Equal(t, "VALID", info.PortalInvitation.State)
		require.Equal(t, "Sam", info.PortalInvitation.ClientFirstName)
		require.Equal(t, patEmail, info.PortalInvitation.Email)
	}
	session := f.claim(t, tok)
	require.True(t, strings.HasPrefix(session, "kith_ps_"))

	// A second invitation, for Kim, reaches the same person: one sign-in, both children.
	f.claim(t, f.inviteContact(t, f.kimLink, nil, false))

	var v struct {
		PortalViewer struct {
			Email   string
			Clients []struct {
				ClientID, ClientFirstName, Relationship string
				AsClient, CanManageAppointments         bool
				Scopes                                  []string
			}
			ActingFor *struct{ ClientID string }
		}
	}
	f.api.OK(session, `{ portalViewer { email clients { clientId clientFirstName relationship asClient canManageAppointments scopes } actingFor { clientId } } }`, nil, &v)
	require.Equal(t, patEmail, v.PortalViewer.Email)
	require.Len(t, v.PortalViewer.Clients, 2)
	require.Equal(t, "Sam", v.PortalViewer.Clients[0].ClientFirstName)
	require.Equal(t, "PARENT", v.PortalViewer.Clients[0].Relationship)
	require.Equal(t, []string{"VIEW_FORMS"}, v.PortalViewer.Clients[0].Scopes)
	require.True(t, v.PortalViewer.Clients[0].CanManageAppointments)
	require.False(t, v.PortalViewer.Clients[1].CanManageAppointments)
	require.Nil(t, v.PortalViewer.ActingFor)

	// Switching is naming the other client in the header.
	for _, c := range []struct{ id, name string }{{f.sam, "Sam"}, {f.kim, "Kim"}} {
		var out struct {
			PortalClient struct{ ID, FirstName string }
		}
		f.api.Acting(c.id).OK(session, `{ portalClient { id firstName } }`, nil, &out)
		require.Equal(t, c.name, out.PortalClient.FirstName)
	}

	// The link is now a connection, and the invitation is used up.
	var link struct {
		Node struct {
			PortalStatus string
			IsConnection bool
		}
	}
	f.api.OK(f.p.Token, `query($id: ID!) { node(id: $id) { ... on ClientContact { portalStatus isConnection } } }`, map[string]any{"id": f.samLink}, &link)
	require.Equal(t, "ACTIVE", link.Node.PortalStatus)
	require.True(t, link.Node.IsConnection)
	e := f.api.Fail("", `mutation($t: String!) { claimPortalInvitation(token: $t) { token } }`, map[string]any{"t": tok})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "token", e.Field())
	require.Contains(t, e.Message, "already been used")
}

func TestPortalSeesOnlyTheActingClient(t *testing.T) {
	t.Parallel()
	f := setup(t)
	session := f.claim(t, f.inviteContact(t, f.samLink, nil, false))

	// Another client, one of another organisation and no header all read as missing or ask for the header.
	other := kithtest.NewPractice(t, f.db, "other")
	var oc struct{ CreateClient struct{ ID string } }
	f.api.OK(other.Token, `mutation { createClient(input: {firstName: "Oz", lastName: "Other", email: "oz@other.example"}) { id } }`, nil, &oc)
	for _, id := range []string{f.kim, f.alex, oc.CreateClient.ID, "cl_nonsense"} {
		e := f.api.Acting(id).Fail(session, `{ portalClient { id } }`, nil)
		require.Equal(t, "NOT_FOUND", e.Code(), id)
		require.Equal(t, "X-Kith-Client", e.Field())
	}
	e := f.api.Fail(session, `{ portalClient { id } }`, nil)
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "X-Kith-Client", e.Field())

	// Staff fields are closed to a portal session, whatever client it names.
	for _, q := range []string{
		`{ clients(first: 5) { edges { node { id alert notes } } } }`,
		`query($id: ID!) { node(id: $id) { id ... on Client { alert } } }`,
		`{ me { id } }`,
		`{ searchContacts(query: "Pat") { id } }`,
	} {
		e := f.api.Acting(f.sam).Fail(session, q, map[string]any{"id": f.sam})
		require.Equal(t, "FORBIDDEN", e.Code(), q)
	}
	// And portal fields are closed to staff and to visitors.
	require.Equal(t, "FORBIDDEN", f.api.Fail(f.p.Token, `{ portalViewer { email } }`, nil).Code())
	require.Equal(t, "UNAUTHENTICATED", f.api.Fail("", `{ portalViewer { email } }`, nil).Code())
	require.Equal(t, "UNAUTHENTICATED", f.api.Acting(f.sam).Fail("kith_ps_forged", `{ portalClient { id } }`, nil).Code())
}

func TestRevokingAndChangingScopesTakeEffectOnTheNextRequest(t *testing.T) {
	t.Parallel()
	f := setup(t)
	session := f.claim(t, f.inviteContact(t, f.samLink, []string{"VIEW_FORMS"}, false))
	scopes := func() []string {
		var v struct {
			PortalViewer struct{ ActingFor struct{ Scopes []string } }
		}
		f.api.Acting(f.sam).OK(session, `{ portalViewer { actingFor { scopes } } }`, nil, &v)
		return v.PortalViewer.ActingFor.Scopes
	}
	require.Equal(t, []string{"VIEW_FORMS"}, scopes())
	f.api.OK(f.p.Token, `mutation($id: ID!) { inviteContactToPortal(linkId: $id, scopes: [MANAGE_BILLING, MESSAGING]) { id } }`, map[string]any{"id": f.samLink}, nil)
	require.Equal(t, []string{"MANAGE_BILLING", "MESSAGING"}, scopes())

	f.api.OK(f.p.Token, `mutation($id: ID!) { revokeContactPortal(linkId: $id) { portalStatus } }`, map[string]any{"id": f.samLink}, nil)
	e := f.api.Acting(f.sam).Fail(session, `{ portalClient { id } }`, nil)
	require.Equal(t, "NOT_FOUND", e.Code())
	var v struct{ PortalViewer struct{ Clients []any } }
	f.api.OK(session, `{ portalViewer { clients { clientId } } }`, nil, &v)
	require.Empty(t, v.PortalViewer.Clients)
}

func TestClientInvitesThemselvesAndSeesOwnProfile(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.api.OK(f.p.Token, `mutation($id: ID!) { inviteClientToPortal(clientId: $id) { portalStatus } }`, map[string]any{"id": f.alex}, nil)
	session := f.claim(t, token(t, f.api.Outbox.Last(t, "alex@stone.example").Link))
	var out struct {
		PortalViewer struct {
			ActingFor struct {
				AsClient bool
				Scopes   []string
			}
		}
		PortalClient struct{ FirstName, Email string }
	}
	f.api.Acting(f.alex).OK(session, `{ portalViewer { actingFor { asClient scopes } } portalClient { firstName email } }`, nil, &out)
	require.True(t, out.PortalViewer.ActingFor.AsClient)
	require.Len(t, out.PortalViewer.ActingFor.Scopes, 4)
	require.Equal(t, "alex@stone.example", out.PortalClient.Email)

	// A client without an email cannot be invited; another organisation's reads as missing.
	e := f.api.Fail(f.p.Token, `mutation($id: ID!) { inviteClientToPortal(clientId: $id) { id } }`, map[string]any{"id": f.sam})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "clientId", e.Field())
	other := kithtest.NewPractice(t, f.db, "other")
	e = f.api.Fail(other.Token, `mutation($id: ID!) { inviteClientToPortal(clientId: $id) { id } }`, map[string]any{"id": f.alex})
	require.Equal(t, "NOT_FOUND", e.Code())
}

func TestInvitationTokens(t *testing.T) {
	t.Parallel()
	f := setup(t)
	first := f.inviteContact(t, f.samLink, nil, false)
	second := f.inviteContact(t, f.samLink, nil, false)

	// A new invitation voids the old one.
	e := f.api.Fail("", `mutation($t: String!) { claimPortalInvitation(token: $t) { token } }`, map[string]any{"t": first})
	require.Contains(t, e.Message, "replaced by a newer one")

	// 20 concurrent claims of one invitation make one session.
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rsp := f.api.Do("", `mutation($t: String!) { claimPortalInvitation(token: $t) { token } }`, map[string]any{"t": second})
			if len(rsp.Errors) == 0 {
				mu.Lock()
				won++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	require.Equal(t, 1, won)
	sys := viewer.SystemContext(context.Background())
	require.Equal(t, 1, f.db.Client.PortalSession.Query().CountX(sys))

	// The database holds no raw token: only hashes.
	for _, inv := range f.db.Client.PortalInvitation.Query().AllX(sys) {
		require.NotContains(t, string(inv.TokenHash), "kith_pi_")
		require.Len(t, inv.TokenHash, 32)
	}
	require.Len(t, f.db.Client.PortalSession.Query().OnlyX(sys).TokenHash, 32)
	require.Equal(t, 1, f.db.Client.PortalInvitation.Query().Where(portalinvitation.ClaimedAtNotNil()).CountX(sys))
}

func TestInvitationExpiresAfter72Hours(t *testing.T) {
	t.Parallel()
	db := kithtest.DB(t, nil)
	var clock atomic.Int64
	clock.Store(time.Now().UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	f := &family{db: db, api: kithtest.NewAPIWith(t, db, portal.Config{Now: now}, nil), p: kithtest.NewPractice(t, db, "practice")}
	var pat struct{ CreateContact struct{ ID string } }
	f.api.OK(f.p.Token, `mutation { createContact(input: {firstName: "Pat", email: "pat@family.example"}) { id } }`, nil, &pat)
	_, link := f.child(t, "Sam", pat.CreateContact.ID)
	tok := f.inviteContact(t, link, nil, false)

	clock.Add(int64(72*time.Hour + time.Second))
	var info struct{ PortalInvitation struct{ State string } }
	f.api.OK("", `query($t: String!) { portalInvitation(token: $t) { state } }`, map[string]any{"t": tok}, &info)
	require.Equal(t, "EXPIRED", info.PortalInvitation.State)
	e := f.api.Fail("", `mutation($t: String!) { claimPortalInvitation(token: $t) { token } }`, map[string]any{"t": tok})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Contains(t, e.Message, "expired")

	// A new invitation works; its session dies at its own expiry.
	session := f.claim(t, f.inviteContact(t, link, nil, false))
	f.api.OK(session, `{ portalViewer { email } }`, nil, nil)
	clock.Add(int64(7*24*time.Hour + time.Second))
	require.Equal(t, "UNAUTHENTICATED", f.api.Fail(session, `{ portalViewer { email } }`, nil).Code())
}
