package logsender_test

import (
	"context"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/notifier/logsender"
	"github.com/kith-health/kith/notifier/provider"
	"github.com/kith-health/kith/portal"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

var claimLink = regexp.MustCompile(`https://kith\.example/portal/claim\?token=([^\s"\\]+)`)

// TestInvitationClaimedFromTheLog: as in the demo, with no provider
// configured, a portal invitation's claim link is printed whole by the log
// channel, and claiming it through the API opens a session. The stored
// copy still hides it.
func TestInvitationClaimedFromTheLog(t *testing.T) {
	t.Parallel()
	db := kithtest.BareDB(t, nil) // its own queue below
	var logs kithtest.LogBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	email := logsender.New(schematype.ChannelEmail, log)
	q, err := notifier.NewQueue(context.Background(), db, notifier.Config{
		Senders: []provider.Sender{email, logsender.New(schematype.ChannelSMS, log)},
		Links:   compose.Links{PortalURL: "https://kith.example"},
		Logger:  log,
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = q.Stop(context.Background()) })
	api := kithtest.NewAPIWith(t, db, portal.Config{PublicURL: "https://kith.example"}, q)
	p := kithtest.NewPractice(t, db, "demo")

	var c struct{ CreateClient struct{ ID string } }
	api.OK(p.Token, `mutation { createClient(input: {firstName: "Alex", lastName: "Rivera", email: "alex@example.com"}) { id } }`, nil, &c)
	api.OK(p.Token, `mutation($id: ID!){ inviteClientToPortal(clientId: $id) { id } }`, map[string]any{"id": c.CreateClient.ID}, nil)

	require.Eventually(t, func() bool { return len(email.Sent()) == 1 }, 10*time.Second, 10*time.Millisecond)
	m := claimLink.FindStringSubmatch(logs.String())
	require.NotNil(t, m, logs.String())
	token, err := url.QueryUnescape(m[1])
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(token, portal.InvitationPrefix), token)
	require.Contains(t, email.Sent()[0].Text, m[0], "the log shows the link as sent")

	var session struct{ ClaimPortalInvitation struct{ Token string } }
	api.OK("", `mutation($t: String!){ claimPortalInvitation(token: $t) { token } }`, map[string]any{"t": token}, &session)
	require.NotEmpty(t, session.ClaimPortalInvitation.Token)

	ns, err := db.Client.Notification.Query().
		Where(notification.KindEQ(schematype.MessageKindPortalInvitation)).
		All(viewer.SystemContext(context.Background()))
	require.NoError(t, err)
	require.Len(t, ns, 1)
	require.NotContains(t, ns[0].Text+ns[0].HTML, token, "the stored copy hides the link")
	require.Contains(t, ns[0].Text, "(link hidden)")
}
