package notifier

import (
	"context"
	"time"

	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/notifier/provider"
)

// oneTimeTimeout bounds the hand-over of a one-time email.
const oneTimeTimeout = 30 * time.Second

// deliverAfterCommit hands out to its provider once the transaction ctx
// carries commits (at once outside one), in the background, through the
// same provider.Handover as the workers, and tells done the result. It is
// for one-time emails (portal secrets, booking codes) whose secret is never
// stored: they go at most once, and never for a change that rolled back.
// Stop waits for them.
func (q *Queue) deliverAfterCommit(ctx context.Context, out provider.Outgoing, done func(context.Context, provider.Result)) {
	transaction.AfterCommit(ctx, func() {
		q.background.Add(1)
		go func() {
			defer q.background.Done()
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), oneTimeTimeout)
			defer cancel()
			done(ctx, q.handover.Deliver(ctx, out, true))
		}()
	})
}
