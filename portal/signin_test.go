package portal_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/notifier/fake"
	"github.com/kith-health/kith/notifier/provider"
	"github.com/kith-health/kith/portal"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

const (
	requestSignIn = `mutation($o: String!, $e: String!) { requestSignIn(input: {organization: $o, email: $e}) }`
	verifySignIn  = `mutation($o: String!, $e: String!, $c: String!) { verifySignIn(input: {organization: $o, email: $e, code: $c}) { token viewer { email clients { clientFirstName } } } }`
)

// signIn asks for a code for email and verifies it, returning the session token.
func (f *family) signIn(t *testing.T, email string) string {
	t.Helper()
	f.api.OK("", requestSignIn, map[string]any{"o": "practice", "e": email}, nil)
	var out struct{ VerifySignIn struct{ Token string } }
	f.api.OK("", verifySignIn, map[string]any{"o": "practice", "e": email, "c": f.api.Outbox.Last(t, email).Code}, &out)
	return out.VerifySignIn.Token
}

func TestSignInWithAnEmailedCode(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.claim(t, f.inviteContact(t, f.samLink, nil, false))
	f.claim(t, f.inviteContact(t, f.kimLink, nil, false))

	// Any case and spacing of the address works.
	var ok struct{ RequestSignIn bool }
	f.api.OK("", requestSignIn, map[string]any{"o": "practice", "e": "  PAT@family.example "}, &ok)
	require.True(t, ok.RequestSignIn)
	code := f.api.Outbox.Last(t, patEmail)
	require.Equal(t, schematype.MessageKindSignInCode, code.Kind)
	require.Len(t, code.Code, 6)
	require.Equal(t, "Pat", code.FirstName)

	var out struct {
		VerifySignIn struct {
			Token  string
			Viewer struct {
				Clients []struct{ ClientFirstName string }
			}
		}
	}
	f.api.OK("", verifySignIn, map[string]any{"o": "practice", "e": patEmail, "c": code.Code}, &out)
	require.Len(t, out.VerifySignIn.Viewer.Clients, 2)
	session := out.VerifySignIn.Token
	f.api.Acting(f.kim).OK(session, `{ portalClient { firstName } }`, nil, nil)

	// A code works once.
	e := f.api.Fail("", verifySignIn, map[string]any{"o": "practice", "e": patEmail, "c": code.Code})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "code", e.Field())

	// Signing out ends the session; its token is useless after.
	f.api.OK(session, `mutation { signOutOfPortal }`, nil, nil)
	require.Equal(t, "UNAUTHENTICATED", f.api.Acting(f.kim).Fail(session, `{ portalClient { firstName } }`, nil).Code())

	// The portal activity of each client shows the sign-in.
	var act struct {
		Node struct {
			PortalActivity []struct{ Action, Email string }
		}
	}
	f.api.OK(f.p.Token, `query($id: ID!) { node(id: $id) { ... on Client { portalActivity { action email } } } }`, map[string]any{"id": f.kim}, &act)
	require.Equal(t, "SIGNED_IN", act.Node.PortalActivity[0].Action)
	require.Equal(t, "INVITATION_CLAIMED", act.Node.PortalActivity[1].Action)
}

func TestRequestSignInAnswersAlikeForUnknownAddresses(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.claim(t, f.inviteContact(t, f.samLink, nil, false))
	invitations := f.api.Outbox.Count(patEmail)
	for _, c := range []struct{ org, email string }{
		{"practice", patEmail},             // known, with access
		{"practice", "alex@stone.example"}, // a client without portal access
		{"practice", "nobody@example.com"}, // unknown
		{"no-such-practice", patEmail},     // unknown practice
	} {
		rsp := f.api.Do("", requestSignIn, map[string]any{"o": c.org, "e": c.email})
		require.Empty(t, rsp.Errors, c)
		require.JSONEq(t, `{"requestSignIn": true}`, string(rsp.Data), c)
	}
	require.Equal(t, invitations+1, f.api.Outbox.Count(patEmail))
	require.Equal(t, 0, f.api.Outbox.Count("alex@stone.example"))
	require.Equal(t, 0, f.api.Outbox.Count("nobody@example.com"))
}

func TestWrongCodesAndRateLimits(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.claim(t, f.inviteContact(t, f.samLink, nil, false))
	f.api.OK("", requestSignIn, map[string]any{"o": "practice", "e": patEmail}, nil)
	right := f.api.Outbox.Last(t, patEmail).Code
	wrong := "000000"
	if right == wrong {
		wrong = "111111"
	}
	// Five wrong tries void the code, even though each request failed (and rolled back).
	for range 5 {
		e := f.api.Fail("", verifySignIn, map[string]any{"o": "practice", "e": patEmail, "c": wrong})
		require.Equal(t, "code", e.Field())
	}
	e := f.api.Fail("", verifySignIn, map[string]any{"o": "practice", "e": patEmail, "c": right})
	require.Equal(t, "BAD_USER_INPUT", e.Code())

	// Requests per address are limited, known or not.
	for _, email := range []string{patEmail, "nobody@example.com"} {
		limited := false
		for range 10 {
			if rsp := f.api.Do("", requestSignIn, map[string]any{"o": "practice", "e": email}); len(rsp.Errors) > 0 {
				require.Equal(t, "RATE_LIMITED", rsp.Errors[0].Code())
				limited = true
				break
			}
		}
		require.True(t, limited, email)
	}
}

func TestRateLimitPerIPAddress(t *testing.T) {
	t.Parallel()
	db := kithtest.DB(t, nil)
	api := kithtest.NewAPIWith(t, db, portal.Config{IPLimit: portal.Limit{Burst: 3, Every: time.Hour}}, nil)
	kithtest.NewPractice(t, db, "practice")
	for i := range 3 {
		api.OK("", requestSignIn, map[string]any{"o": "practice", "e": "someone" + string(rune('a'+i)) + "@example.com"}, nil)
	}
	require.Equal(t, "RATE_LIMITED", api.Fail("", requestSignIn, map[string]any{"o": "practice", "e": "other@example.com"}).Code())
}

// TestRateLimitSharedByProcesses: two kith processes on one PostgreSQL
// database share an address's sign-in budget: 5 code requests in all, not
// 5 on each.
func TestRateLimitSharedByProcesses(t *testing.T) {
	t.Parallel()
	db := kithtest.DB(t, nil)
	if db.Dialect == dialect.SQLite {
		t.Skip("SQLite serves one kith process: its limits live in that process's memory")
	}
	apis := []*kithtest.API{kithtest.NewAPI(t, db), kithtest.NewAPI(t, db)}
	kithtest.NewPractice(t, db, "practice")
	for i := range 5 {
		apis[i%2].OK("", requestSignIn, map[string]any{"o": "practice", "e": "someone@example.com"}, nil)
	}
	for _, api := range apis {
		require.Equal(t, "RATE_LIMITED", api.Fail("", requestSignIn, map[string]any{"o": "practice", "e": "someone@example.com"}).Code())
	}
}

// TestPortalEmailsGoThroughTheNotifier sends an invitation and a sign-in
// code through a real notifier queue: the provider gets the secret, the
// stored copy does not.
func TestPortalEmailsGoThroughTheNotifier(t *testing.T) {
	t.Parallel()
	db := kithtest.BareDB(t, nil) // its own queue below
	email := fake.New(schematype.ChannelEmail)
	q, err := notifier.NewQueue(context.Background(), db, notifier.Config{
		Senders: []provider.Sender{email}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = q.Stop(context.Background()) })
	f := &family{db: db, api: kithtest.NewAPIWith(t, db, portal.Config{}, q), p: kithtest.NewPractice(t, db, "practice")}
	var alex struct{ CreateClient struct{ ID string } }
	f.api.OK(f.p.Token, `mutation { createClient(input: {firstName: "Alex", lastName: "Stone", email: "alex@stone.example"}) { id } }`, nil, &alex)
	f.api.OK(f.p.Token, `mutation($id: ID!) { inviteClientToPortal(clientId: $id) { id } }`, map[string]any{"id": alex.CreateClient.ID}, nil)

	require.Eventually(t, func() bool { return len(email.Sent()) == 1 }, 5*time.Second, 10*time.Millisecond)
	sent := email.Sent()[0]
	require.Equal(t, "alex@stone.example", sent.To)
	require.Contains(t, sent.Text, "https://kith.example/portal/claim?token=kith_pi_")
	tok := sent.Text[indexOf(sent.Text, "kith_pi_"):]
	tok = tok[:len("kith_pi_")+43]
	session := f.claim(t, tok)
	require.NotEmpty(t, session)

	f.api.OK("", requestSignIn, map[string]any{"o": "practice", "e": "alex@stone.example"}, nil)
	require.Eventually(t, func() bool { return len(email.Sent()) == 2 }, 5*time.Second, 10*time.Millisecond)

	sys := viewer.SystemContext(context.Background())
	require.Eventually(t, func() bool {
		return db.Client.Notification.Query().Where(notification.StatusEQ(notification.StatusSent)).CountX(sys) == 2
	}, 5*time.Second, 10*time.Millisecond)
	for _, n := range db.Client.Notification.Query().AllX(sys) {
		require.NotContains(t, n.Text+n.HTML, "kith_pi_")
		require.Equal(t, alex.CreateClient.ID, string(n.ClientID))
	}
	code := db.Client.Notification.Query().Where(notification.KindEQ(schematype.MessageKindSignInCode)).OnlyX(sys)
	require.Contains(t, code.Text, "••••••")
}

func indexOf(s, sub string) int {
	for i := range len(s) - len(sub) + 1 {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}
