package callevent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"entgo.io/ent/dialect"

	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/effect"
	"github.com/kith-health/kith/pulid"
)

// ErrNoTransaction is CallChanged's error outside a transaction.
var ErrNoTransaction = errors.New("a call change must be written in a transaction, so that its live event goes out only if it commits")

// payload is a call event as a NOTIFY carries it: the IDs and the kind, no more.
type payload struct {
	O pulid.ID             `json:"o"`
	C pulid.ID             `json:"c"`
	K effect.CallEventKind `json:"k"`
}

// CallChanged implements effect.CallEvents: e reaches the subscribers of
// its organisation once the transaction ctx carries commits, and never if
// it rolls back. On PostgreSQL it is a pg_notify in that transaction.
func (h *Hub) CallChanged(ctx context.Context, e effect.CallEvent) error {
	tx := transaction.From(ctx)
	if tx == nil {
		return ErrNoTransaction
	}
	if h.db.Dialect != dialect.Postgres {
		h.afterCommit(ctx, tx, e)
		return nil
	}
	ch, err := h.channels.get(ctx)
	if err != nil {
		return err
	}
	b, err := json.Marshal(payload{O: e.OrganizationID, C: e.CommunicationID, K: e.Kind})
	if err != nil {
		return fmt.Errorf("announcing a call change: %w", err)
	}
	if _, err := tx.Client().ExecContext(ctx, "SELECT pg_notify($1, $2)", ch, string(b)); err != nil {
		return fmt.Errorf("announcing a call change: %w", err)
	}
	return nil
}

// queued are the events of one SQLite transaction, delivered in order at
// its commit (transaction.AfterCommit runs its functions last first).
type queued struct {
	mu     sync.Mutex
	events []effect.CallEvent
}

// afterCommit queues e for delivery when tx commits.
func (h *Hub) afterCommit(ctx context.Context, tx *ent.Tx, e effect.CallEvent) {
	v, loaded := h.queued.LoadOrStore(tx, &queued{})
	q := v.(*queued)
	q.mu.Lock()
	q.events = append(q.events, e)
	q.mu.Unlock()
	if loaded {
		return
	}
	transaction.AfterEnd(ctx, func() { h.queued.Delete(tx) })
	transaction.AfterCommit(ctx, func() {
		q.mu.Lock()
		events := q.events
		q.mu.Unlock()
		for _, e := range events {
			h.deliver(e)
		}
	})
}

// decode reads a NOTIFY's payload; ok is false for one that is not a call event.
func decode(s string) (e effect.CallEvent, ok bool) {
	var p payload
	if err := json.Unmarshal([]byte(s), &p); err != nil || p.O == "" || p.K == "" {
		return effect.CallEvent{}, false
	}
	return effect.CallEvent{OrganizationID: p.O, CommunicationID: p.C, Kind: p.K}, true
}
