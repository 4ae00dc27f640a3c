package event

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/kith-health/kith/ent/webhookdelivery"
	"github.com/kith-health/kith/ent/webhookevent"
	"github.com/kith-health/kith/viewer"
)

// DefaultRetention is how long finished deliveries and their events are
// kept when Config.Retention is zero.
const DefaultRetention = 30 * 24 * time.Hour

// PruneArgs is the hourly job (on River's leader only) that deletes the
// deliveries that finished more than Config.Retention ago, and the events
// left with none.
type PruneArgs struct{}

// Kind implements river.JobArgs.
func (PruneArgs) Kind() string { return "kith_webhook_prune" }

// InsertOpts runs it once on the webhook queue: the next hour is the retry.
func (PruneArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: Queue, MaxAttempts: 1} }

type pruneWorker struct {
	river.WorkerDefaults[PruneArgs]
	s *Service
}

// Work prunes (see PruneArgs).
func (w *pruneWorker) Work(ctx context.Context, _ *river.Job[PruneArgs]) error {
	_, _, err := w.s.Prune(ctx)
	return err
}

// Prune deletes, in every organisation, the deliveries that finished
// (SUCCEEDED or FAILED) more than Config.Retention ago and the events as
// old left without a delivery, and returns how many of each.
func (s *Service) Prune(ctx context.Context) (deliveries, events int, err error) {
	sys := viewer.SystemContext(ctx)
	cutoff := s.now().Add(-s.cfg.Retention)
	deliveries, err = s.db.WebhookDelivery.Delete().Where(
		webhookdelivery.StatusNEQ(webhookdelivery.StatusPending), webhookdelivery.UpdatedAtLT(cutoff)).Exec(sys)
	if err != nil {
		return 0, 0, fmt.Errorf("deleting old webhook deliveries: %w", err)
	}
	events, err = s.db.WebhookEvent.Delete().Where(
		webhookevent.CreatedAtLT(cutoff), webhookevent.Not(webhookevent.HasDeliveries())).Exec(sys)
	if err != nil {
		return deliveries, 0, fmt.Errorf("deleting old webhook events: %w", err)
	}
	return deliveries, events, nil
}
