package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/demo"
	entcomm "github.com/kith-health/kith/ent/communication"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier/inbound"
	"github.com/kith-health/kith/notifier/twilio"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/server"
	"github.com/kith-health/kith/viewer"
)

// live is the demo practice with its call events running and Twilio's
// Voice webhook served as kith serve does: Priya is assigned to Sam (whose
// parent Jordan calls), Lou to nobody.
type live struct {
	db          *database.DB
	api         *kithtest.API
	sockets     *graph.Sockets
	org         pulid.ID
	owner       string
	priya, lou  string
	sid         atomic.Int64
	louPhone    string
	jordanPhone string
}

func setupLive(t *testing.T) *live {
	t.Helper()
	c := &live{db: kithtest.DB(t, nil), sockets: graph.NewSockets(), louPhone: "+14165550177", jordanPhone: "+14165550102"}
	wh, err := twilio.NewWebhook(twilio.WebhookConfig{
		AuthToken: callToken, PublicURL: kithtest.PublicURL, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}, inbound.New(c.db.Client))
	require.NoError(t, err)
	c.api = kithtest.NewAPIConfig(t, c.db, server.Config{Webhooks: wh, HandlerConfig: graph.HandlerConfig{Sockets: c.sockets}}, auth.Config{})
	kithtest.CallEvents(t, c.db)
	ctx := context.Background()
	owner, err := demo.Seed(ctx, c.db.Client, c.api.Auth)
	require.NoError(t, err)
	c.org = owner.OrganizationID
	c.owner = c.token(t, owner.Email)
	c.priya = c.token(t, "priya@maple.example")
	c.api.OK(c.owner, `mutation($p: String) { createStaff(input: {name: "Lou Lim", email: "lou@maple.example", role: PRACTITIONER, phone: $p}) { id } }`,
		map[string]any{"p": c.louPhone}, nil)
	c.lou = c.token(t, "lou@maple.example")
	return c
}

func (c *live) token(t *testing.T, email string) string {
	t.Helper()
	ctx := context.Background()
	s, err := c.db.Client.Staff.Query().Where(staff.Email(email)).Only(viewer.SystemContext(ctx))
	require.NoError(t, err)
	tok, err := c.api.Auth.Issue(ctx, s)
	require.NoError(t, err)
	return tok.Secret
}

// liveStart is when the tests' calls ring (Twilio's Timestamp).
var liveStart = time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)

// voice posts a signed Twilio Voice status callback for call sid from
// number, after seconds, and requires 200.
func (c *live) voice(t *testing.T, sid, from, status string, after int) {
	t.Helper()
	form := url.Values{
		"CallSid": {sid}, "CallStatus": {status}, "From": {from}, "To": {"+14165550100"}, "Direction": {"inbound"},
		"Timestamp": {liveStart.Add(time.Duration(after) * time.Second).Format(time.RFC1123Z)}, "AccountSid": {"AC0"},
	}
	path := inbound.TwilioVoicePath(demo.Slug)
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(twilio.SignatureHeader, twilioSign(kithtest.PublicURL+path, form))
	rec := httptest.NewRecorder()
	c.api.Handler.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
}

// ring is Twilio's first status callback (ringing) of a new call from
// number: the call's ID and Twilio's CallSid.
func (c *live) ring(t *testing.T, from string) (pulid.ID, string) {
	t.Helper()
	sid := fmt.Sprintf("CAtest%028d", c.sid.Add(1))
	c.voice(t, sid, from, "ringing", 0)
	id, err := c.db.Client.Communication.Query().Where(entcomm.ProviderID(sid)).OnlyID(viewer.SystemContext(context.Background()))
	require.NoError(t, err)
	return id, sid
}

// callEvent is one answer of the callEvents subscription.
type callEvent struct {
	Kind          string
	Communication struct {
		ID             pulid.ID
		Status         string
		Title          *string
		ProviderStatus *string
	}
}

const watchCalls = `subscription { callEvents { kind communication { id status title providerStatus } } }`

// nextCall is the subscription's next event.
func nextCall(t *testing.T, ch <-chan kithtest.Response) callEvent {
	t.Helper()
	r := first(t, ch)
	require.Empty(t, r.Errors)
	var out struct{ CallEvents callEvent }
	require.NoError(t, json.Unmarshal(r.Data, &out))
	return out.CallEvents
}

// watching subscribes with token and returns once the subscription hears
// of calls from probe (which concern the watcher): the server may set a
// subscription up after it answers the subscribe message.
func (c *live) watching(t *testing.T, sock *kithtest.Socket, probe string) <-chan kithtest.Response {
	t.Helper()
	ch := must(sock.Subscribe(watchCalls, nil))
	for {
		id, _ := c.ring(t, probe)
		select {
		case r := <-ch:
			var out struct{ CallEvents callEvent }
			require.NoError(t, json.Unmarshal(r.Data, &out), "%+v", r.Errors)
			for out.CallEvents.Communication.ID != id { // earlier probes
				out.CallEvents = nextCall(t, ch)
			}
			return ch
		case <-time.After(50 * time.Millisecond): // not subscribed yet: probe again
		}
	}
}

// TestCallEventsReachTheRelatedPractitioner: a call from Sam's parent,
// told by Twilio's signed status callbacks, reaches Priya, Sam's
// practitioner, as it starts, progresses, changes and closes, and never
// Lou, who has nothing to do with Sam.
func TestCallEventsReachTheRelatedPractitioner(t *testing.T) {
	t.Parallel()
	c := setupLive(t)
	priya := c.watching(t, c.api.Socket(c.priya), "+14165550101") // Alex, Sam's other parent
	lou := c.watching(t, c.api.Socket(c.lou), c.louPhone)

	id, sid := c.ring(t, c.jordanPhone)
	got := nextCall(t, priya)
	require.Equal(t, "STARTED", got.Kind)
	require.Equal(t, id, got.Communication.ID)
	require.Equal(t, "OPEN", got.Communication.Status)
	require.Equal(t, "ringing", *got.Communication.ProviderStatus)

	louCall, _ := c.ring(t, c.louPhone)
	require.Equal(t, louCall, nextCall(t, lou).Communication.ID, "Lou hears of his own call and not of Jordan's before it")

	c.voice(t, sid, c.jordanPhone, "in-progress", 5) // answered
	got = nextCall(t, priya)
	require.Equal(t, "UPDATED", got.Kind)
	require.Equal(t, id, got.Communication.ID)
	require.Equal(t, "in-progress", *got.Communication.ProviderStatus)

	c.voice(t, sid, c.jordanPhone, "completed", 65) // hung up: the call stays open for its notes
	got = nextCall(t, priya)
	require.Equal(t, "UPDATED", got.Kind)
	require.Equal(t, "completed", *got.Communication.ProviderStatus)
	require.Equal(t, "OPEN", got.Communication.Status)

	c.api.OK(c.priya, `mutation($id: ID!) { updateCommunication(id: $id, input: {title: "Jordan about the letter"}) { id } }`,
		map[string]any{"id": id}, nil)
	got = nextCall(t, priya)
	require.Equal(t, "UPDATED", got.Kind)
	require.Equal(t, "Jordan about the letter", *got.Communication.Title)

	c.api.OK(c.priya, `mutation($id: ID!) { endCall(id: $id) { id } }`, map[string]any{"id": id}, nil)
	got = nextCall(t, priya)
	require.Equal(t, "CLOSED", got.Kind)
	require.Equal(t, "CLOSED", got.Communication.Status)

	// A refused change tells nobody: Lou's next event is his next call.
	c.api.Do(c.lou, `mutation($id: ID!) { endCall(id: $id) { id } }`, map[string]any{"id": id}) // not his: NOT_FOUND
	again, _ := c.ring(t, c.louPhone)
	require.Equal(t, again, nextCall(t, lou).Communication.ID)
}

// TestCallEventsSocketsCloseForRestart: at shutdown the sockets close
// with 1012 (service restart), their subscriptions live until then, and
// a socket opened afterwards is refused: clients connect again elsewhere.
func TestCallEventsSocketsCloseForRestart(t *testing.T) {
	t.Parallel()
	c := setupLive(t)
	sock := c.api.Socket(c.priya)
	c.watching(t, sock, "+14165550101")

	ctx, cancel := context.WithTimeout(context.Background(), kithtest.SocketTimeout)
	defer cancel()
	require.NoError(t, c.sockets.Close(ctx), "Close waits for the sockets' handlers")
	select {
	case <-sock.Done():
	case <-time.After(kithtest.SocketTimeout):
		require.FailNow(t, "the socket outlived the shutdown")
	}
	var closed *kithtest.SocketClosed
	require.ErrorAs(t, sock.Err(), &closed)
	require.Equal(t, graph.CloseServiceRestart, closed.Code)
	require.Contains(t, closed.Reason, "restarting")

	_, rsp, err := c.api.DialSocket(kithtest.SocketOptions{})
	require.Error(t, err)
	require.NotNil(t, rsp)
	require.Equal(t, http.StatusServiceUnavailable, rsp.StatusCode)
}

// TestCallEventsNeedStaff: a server whose database has no hub says so
// instead of hanging (the socket itself takes staff tokens only, see
// TestSocketRefusesWithoutStaffToken).
func TestCallEventsNeedStaff(t *testing.T) {
	t.Parallel()
	db := kithtest.DB(t, nil)
	api := kithtest.NewAPI(t, db)
	p := kithtest.NewPractice(t, db, "maple")
	r := first(t, must(api.Socket(p.Token).Subscribe(watchCalls, nil)))
	require.NotEmpty(t, r.Errors, "no hub attached: an error, not silence")
	require.NotEqual(t, "", r.Errors[0].Code())
}
