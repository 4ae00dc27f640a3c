package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/communication"
	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/demo"
	entcomm "github.com/kith-health/kith/ent/communication"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// live is the demo practice with its call events running: Priya is
// assigned to Sam (whose parent Jordan calls), Lou to nobody.
type live struct {
	db          *database.DB
	api         *kithtest.API
	org         pulid.ID
	owner       string
	priya, lou  string
	sid         atomic.Int64
	louPhone    string
	jordanPhone string
}

func setupLive(t *testing.T) *live {
	t.Helper()
	c := &live{db: kithtest.DB(t, nil), louPhone: "+14165550177", jordanPhone: "+14165550102"}
	c.api = kithtest.NewAPI(t, c.db)
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

// ring records a call from number as Twilio's first status callback does.
func (c *live) ring(t *testing.T, from string) pulid.ID {
	t.Helper()
	call, created, err := communication.Record(context.Background(), c.db.Client, communication.Input{
		OrganizationID: c.org, Kind: entcomm.KindCall, Direction: entcomm.DirectionInbound, Source: entcomm.SourceTwilioVoice,
		ProviderID: fmt.Sprintf("CAtest%028d", c.sid.Add(1)), From: from, To: []string{"+14165550100"}, ProviderStatus: "ringing",
	})
	require.NoError(t, err)
	require.True(t, created)
	return call.ID
}

// callEvent is one answer of the callEvents subscription.
type callEvent struct {
	Kind          string
	Communication struct {
		ID     pulid.ID
		Status string
		Title  *string
	}
}

const watchCalls = `subscription { callEvents { kind communication { id status title } } }`

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
func (c *live) watching(t *testing.T, token, probe string) <-chan kithtest.Response {
	t.Helper()
	ch := must(c.api.Socket(token).Subscribe(watchCalls, nil))
	for {
		id := c.ring(t, probe)
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

// TestCallEventsReachTheRelatedPractitioner: a call from Sam's parent
// reaches Priya, Sam's practitioner, as it starts, changes and closes, and
// never Lou, who has nothing to do with Sam.
func TestCallEventsReachTheRelatedPractitioner(t *testing.T) {
	t.Parallel()
	c := setupLive(t)
	priya := c.watching(t, c.priya, "+14165550101") // Alex, Sam's other parent
	lou := c.watching(t, c.lou, c.louPhone)

	id := c.ring(t, c.jordanPhone)
	got := nextCall(t, priya)
	require.Equal(t, "STARTED", got.Kind)
	require.Equal(t, id, got.Communication.ID)
	require.Equal(t, "OPEN", got.Communication.Status)

	louCall := c.ring(t, c.louPhone)
	require.Equal(t, louCall, nextCall(t, lou).Communication.ID, "Lou hears of his own call and not of Jordan's before it")

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
	again := c.ring(t, c.louPhone)
	require.Equal(t, again, nextCall(t, lou).Communication.ID)
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
