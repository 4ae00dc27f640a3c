package kithtest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent/effect"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/webhook"
)

// RecordedEvent is an integrator event the schema's hooks told, as an
// EventRecorder saw it.
type RecordedEvent struct {
	effect.Event
	// InTx says whether the change's transaction was open (in ctx) when it
	// was told.
	InTx bool
}

// EventRecorder is the effect.Events of a test database: it keeps each
// event told in a transaction once that transaction commits, never for one
// that rolls back (as package event writes them in it), and an event told
// outside any transaction at once, with InTx false, for a test to catch.
type EventRecorder struct {
	mu      sync.Mutex
	events  []RecordedEvent
	emitted int
}

var _ effect.Events = (*EventRecorder)(nil)

// RecordEvents attaches a new EventRecorder to db
// (db.Client.Effects.SetEvents), restoring the Events db had at cleanup.
func RecordEvents(t testing.TB, db *database.DB) *EventRecorder {
	t.Helper()
	previous := db.Client.Effects.Events()
	r := &EventRecorder{}
	db.Client.Effects.SetEvents(r)
	t.Cleanup(func() { db.Client.Effects.SetEvents(previous) })
	return r
}

// Emit implements effect.Events.
func (r *EventRecorder) Emit(ctx context.Context, events ...effect.Event) error {
	inTx := transaction.From(ctx) != nil
	r.mu.Lock()
	r.emitted += len(events)
	r.mu.Unlock()
	add := func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		for _, e := range events {
			r.events = append(r.events, RecordedEvent{Event: e, InTx: inTx})
		}
	}
	if !inTx {
		add()
		return nil
	}
	transaction.AfterCommit(ctx, add)
	return nil
}

// AllowPrivate implements effect.Events: tests post to loopback.
func (*EventRecorder) AllowPrivate() bool { return true }

// Events are the events kept so far: committed, or told outside a
// transaction.
func (r *EventRecorder) Events() []RecordedEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]RecordedEvent(nil), r.events...)
}

// Emitted is how many events were told, kept or not (rolled back).
func (r *EventRecorder) Emitted() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.emitted
}

// Of are the kept events of type typ.
func (r *EventRecorder) Of(typ schematype.EventType) []RecordedEvent {
	var out []RecordedEvent
	for _, e := range r.Events() {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

// Reset forgets the events kept so far.
func (r *EventRecorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events, r.emitted = nil, 0
}

// Require returns the one kept event of type typ about object id, after
// checking that it was told in its change's transaction, names org, and
// makes a payload webhook.Payload accepts (no clinical keys).
func (r *EventRecorder) Require(t testing.TB, typ schematype.EventType, org, id pulid.ID) RecordedEvent {
	t.Helper()
	var found []RecordedEvent
	for _, e := range r.Of(typ) {
		if e.ObjectID == id {
			found = append(found, e)
		}
	}
	require.Len(t, found, 1, "one %s event about %s among %v", typ, id, r.Events())
	e := found[0]
	require.True(t, e.InTx, "%s was told outside its change's transaction", typ)
	require.Equal(t, org, e.OrganizationID, "%s's organisation", typ)
	at := e.At
	if at.IsZero() {
		at = time.Now()
	}
	_, err := webhook.Payload(e.Type, at, e.ObjectID, e.OrganizationID, e.Data)
	require.NoError(t, err, "%s's payload", typ)
	return e
}

// None checks that no event of type typ was kept.
func (r *EventRecorder) None(t testing.TB, typ schematype.EventType) {
	t.Helper()
	require.Empty(t, r.Of(typ), "no %s event", typ)
}
