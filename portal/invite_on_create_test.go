package portal_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/ent/portalinvitation"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/notifier/fake"
	"github.com/kith-health/kith/notifier/provider"
	"github.com/kith-health/kith/portal"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// inviteOnCreate is a practice whose invitations go through a real
// notifier queue to a recording email sender.
type inviteOnCreate struct {
	api   *kithtest.API
	p     kithtest.Practice
	email *fake.Sender
	f     *family
}

const createClientForPortal = `mutation($in: CreateClientInput!) { createClient(input: $in) { id portalStatus } }`

func setupInviteOnCreate(t *testing.T) *inviteOnCreate {
	t.Helper()
	db := kithtest.BareDB(t, nil) // its own queue below
	email := fake.New(schematype.ChannelEmail)
	q, err := notifier.NewQueue(context.Background(), db, notifier.Config{
		Senders: []provider.Sender{email}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = q.Stop(context.Background()) })
	f := &family{db: db, api: kithtest.NewAPIWith(t, db, portal.Config{}, q), p: kithtest.NewPractice(t, db, "practice")}
	return &inviteOnCreate{api: f.api, p: f.p, email: email, f: f}
}

// create creates a client from in and returns its ID and portal status.
func (s *inviteOnCreate) create(t *testing.T, in map[string]any) (string, string) {
	t.Helper()
	var out struct {
		CreateClient struct{ ID, PortalStatus string }
	}
	s.api.OK(s.p.Token, createClientForPortal, map[string]any{"in": in}, &out)
	return out.CreateClient.ID, out.CreateClient.PortalStatus
}

func TestCreateClientInvitesToThePortalWhenThePracticeAsks(t *testing.T) {
	t.Parallel()
	s := setupInviteOnCreate(t)
	sys := viewer.NewContext(context.Background(), viewer.System{OrgID: s.p.Org.ID})

	// Off by default: no invitation.
	_, status := s.create(t, map[string]any{"firstName": "Ada", "lastName": "Off", "email": "ada@example.com"})
	require.Equal(t, "NONE", status)

	var on struct {
		UpdateOrganization struct{ PortalInviteOnCreate bool }
	}
	s.api.OK(s.p.Token, `mutation { updateOrganization(input: {portalInviteOnCreate: true}) { portalInviteOnCreate } }`, nil, &on)
	require.True(t, on.UpdateOrganization.PortalInviteOnCreate)

	id, status := s.create(t, map[string]any{"firstName": "Mia", "lastName": "Chen", "email": "mia@example.com"})
	require.Equal(t, "INVITED", status, "the answer says the client was invited")
	require.Eventually(t, func() bool { return len(s.email.Sent()) == 1 }, 5*time.Second, 10*time.Millisecond)
	sent := s.email.Sent()[0]
	require.Equal(t, "mia@example.com", sent.To)
	require.Contains(t, sent.Text, "https://kith.example/portal/claim?token=kith_pi_", "the same invitation inviteClientToPortal sends")
	inv := s.f.db.Client.PortalInvitation.Query().Where(portalinvitation.ClientID(pulid.ID(id))).OnlyX(sys)
	require.Equal(t, 72*time.Hour, inv.ExpiresAt.Sub(inv.CreatedAt).Round(time.Second), "valid for 72 hours (seed 004)")
	n := s.f.db.Client.Notification.Query().Where(notification.ClientID(pulid.ID(id))).OnlyX(sys)
	require.Equal(t, schematype.MessageKindPortalInvitation, n.Kind)
	require.NotContains(t, n.Text, "kith_pi_", "the stored copy hides the link")

	// Without an email, or without consent to email: created, not invited.
	_, status = s.create(t, map[string]any{"firstName": "Noa", "lastName": "NoEmail", "mobilePhone": "+14165550111"})
	require.Equal(t, "NONE", status)
	_, status = s.create(t, map[string]any{"firstName": "Lev", "lastName": "NoConsent", "email": "lev@example.com", "emailConsent": false})
	require.Equal(t, "NONE", status)

	// A request that fails after the create rolls the invitation back with it,
	// and nothing is emailed.
	res := s.api.Do(s.p.Token, `mutation {
		a: createClient(input: {firstName: "Rollback", lastName: "Me", email: "rollback@example.com"}) { id }
		b: createClient(input: {firstName: "", lastName: "Broken"}) { id } }`, nil)
	require.NotEmpty(t, res.Errors)
	require.Zero(t, s.f.db.Client.PortalInvitation.Query().Where(portalinvitation.Email("rollback@example.com")).CountX(sys))
	time.Sleep(200 * time.Millisecond) // an email handed over after a rollback would show by now
	for _, m := range s.email.Sent() {
		require.NotEqual(t, "rollback@example.com", m.To, "sent only after commit")
	}
	require.Len(t, s.email.Sent(), 1)
}
