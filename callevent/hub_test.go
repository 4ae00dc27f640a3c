package callevent_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/callevent"
	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent/effect"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/pulid"
)

// wait bounds how long a test waits for an event that must come.
const wait = 20 * time.Second

type bundle struct {
	ctx        context.Context
	url        string
	db         *database.DB
	hub        *callevent.Hub
	orgA, orgB pulid.ID
}

func setup(t *testing.T) *bundle {
	t.Helper()
	url := kithtest.DBURL(t)
	db := kithtest.Open(t, url, database.Options{})
	b := &bundle{ctx: context.Background(), url: url, db: db, orgA: pulid.New("OR"), orgB: pulid.New("OR")}
	b.hub = kithtest.CallEvents(t, db)
	return b
}

// change tells hub of es in one transaction of db, committed or rolled back.
func change(t *testing.T, db *database.DB, hub *callevent.Hub, commit bool, es ...effect.CallEvent) {
	t.Helper()
	tx, err := db.Client.Tx(context.Background())
	require.NoError(t, err)
	ctx := transaction.With(context.Background(), tx)
	for _, e := range es {
		require.NoError(t, hub.CallChanged(ctx, e))
	}
	if commit {
		require.NoError(t, tx.Commit())
	} else {
		require.NoError(t, tx.Rollback())
	}
}

func call(org pulid.ID, kind effect.CallEventKind) effect.CallEvent {
	return effect.CallEvent{OrganizationID: org, CommunicationID: pulid.New("CM"), Kind: kind}
}

// next is the next event of events, failing the test when none comes.
func next(t *testing.T, events <-chan effect.CallEvent) effect.CallEvent {
	t.Helper()
	select {
	case e, ok := <-events:
		require.True(t, ok, "the events channel was closed")
		return e
	case <-time.After(wait):
		require.FailNow(t, "no call event came")
		return effect.CallEvent{}
	}
}

func postgresOnly(t *testing.T, db *database.DB) {
	t.Helper()
	if db.Dialect != dialect.Postgres {
		t.Skip("several instances and LISTEN connections are PostgreSQL's; set TEST_DATABASE_URL")
	}
}

func TestCommitDelivers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	events, cancel := b.hub.Subscribe(b.orgA)
	defer cancel()
	e := call(b.orgA, effect.CallStarted)
	slot, ok := b.db.Client.Effects.CallEvents().(*callevent.Hub) // as the Communication hook finds it
	require.True(t, ok)
	change(t, b.db, slot, true, e)
	require.Equal(t, e, next(t, events))
}

func TestRollbackDeliversNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	events, cancel := b.hub.Subscribe(b.orgA)
	defer cancel()
	change(t, b.db, b.hub, false, call(b.orgA, effect.CallStarted))
	committed := call(b.orgA, effect.CallUpdated)
	change(t, b.db, b.hub, true, committed)
	require.Equal(t, committed, next(t, events), "the rolled-back change came first")
}

func TestOtherOrganisationHearsNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, cancelA := b.hub.Subscribe(b.orgA)
	defer cancelA()
	other, cancelB := b.hub.Subscribe(b.orgB)
	defer cancelB()
	ea, eb := call(b.orgA, effect.CallStarted), call(b.orgB, effect.CallStarted)
	change(t, b.db, b.hub, true, ea)
	change(t, b.db, b.hub, true, eb)
	require.Equal(t, eb, next(t, other), "another organisation's call reached the subscriber")
	require.Equal(t, ea, next(t, a))
}

func TestOutsideTransactionRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	err := b.hub.CallChanged(b.ctx, call(b.orgA, effect.CallStarted))
	require.ErrorIs(t, err, callevent.ErrNoTransaction)
}

func TestCancelCloses(t *testing.T) {
	t.Parallel()
	b := setup(t)
	events, cancel := b.hub.Subscribe(b.orgA)
	cancel()
	cancel()
	_, ok := <-events
	require.False(t, ok)
	change(t, b.db, b.hub, true, call(b.orgA, effect.CallStarted)) // nobody to deliver to, no panic
}

func TestSlowSubscriberMissesInsteadOfBlocking(t *testing.T) {
	t.Parallel()
	b := setup(t)
	slow, cancel := b.hub.Subscribe(b.orgA)
	defer cancel()
	sentinel, cancelB := b.hub.Subscribe(b.orgB)
	defer cancelB()
	var es []effect.CallEvent
	for range callevent.SubscriberBuffer + 6 {
		es = append(es, call(b.orgA, effect.CallUpdated))
	}
	change(t, b.db, b.hub, true, es...)
	mark := call(b.orgB, effect.CallStarted)
	change(t, b.db, b.hub, true, mark)
	require.Equal(t, mark, next(t, sentinel)) // so every event of orgA was handed over before
	require.Equal(t, effect.CallEvent{OrganizationID: b.orgA, Kind: callevent.Missed}, next(t, slow))
	var rest []effect.CallEvent
	for len(slow) > 0 {
		rest = append(rest, next(t, slow))
	}
	require.Equal(t, es[callevent.SubscriberBuffer+1:], rest)
}

func TestTwoInstancesBothDeliver(t *testing.T) {
	t.Parallel()
	b := setup(t)
	postgresOnly(t, b.db)
	db2 := kithtest.Open(t, b.url, database.Options{})
	hub2 := kithtest.CallEvents(t, db2)
	one, cancel1 := b.hub.Subscribe(b.orgA)
	defer cancel1()
	two, cancel2 := hub2.Subscribe(b.orgA)
	defer cancel2()
	e1, e2 := call(b.orgA, effect.CallStarted), call(b.orgA, effect.CallClosed)
	change(t, b.db, b.hub, true, e1)
	change(t, db2, hub2, true, e2)
	for _, events := range []<-chan effect.CallEvent{one, two} {
		require.Equal(t, e1, next(t, events))
		require.Equal(t, e2, next(t, events))
	}
}

func TestListensAgainAfterTheConnectionDrops(t *testing.T) {
	t.Parallel()
	b := setup(t)
	postgresOnly(t, b.db)
	events, cancel := b.hub.Subscribe(b.orgA)
	defer cancel()
	ch, err := b.hub.Channel(b.ctx)
	require.NoError(t, err)
	var n int
	require.NoError(t, b.db.SQL.QueryRowContext(b.ctx,
		`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query = $1`,
		fmt.Sprintf("LISTEN %q", ch)).Scan(&n))
	require.Equal(t, 1, n, "the hub's listening connection")
	require.Equal(t, effect.CallEvent{OrganizationID: b.orgA, Kind: callevent.Missed}, next(t, events))
	e := call(b.orgA, effect.CallUpdated)
	change(t, b.db, b.hub, true, e)
	require.Equal(t, e, next(t, events))
}

// TestReady: a Hub that listens is ready; on PostgreSQL one that does not
// (yet) listen says so at once, without waiting.
func TestReady(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NoError(t, b.hub.Ready())
	idle := callevent.New(b.db, nil) // not Run
	if b.db.Dialect != dialect.Postgres {
		require.NoError(t, idle.Ready(), "on SQLite events are delivered in process: always ready")
		return
	}
	require.ErrorIs(t, idle.Ready(), callevent.ErrNotListening)
}
