package event

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/webhookdelivery"
	"github.com/kith-health/kith/ent/webhookendpoint"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
	"github.com/kith-health/kith/webhook"
)

// DeliverArgs is the job that makes one attempt of a delivery. Each retry
// is a job of its own, queued for its time in the transaction that records
// the attempt before it.
type DeliverArgs struct {
	DeliveryID pulid.ID `json:"delivery_id"`
}

// Kind implements river.JobArgs.
func (DeliverArgs) Kind() string { return "kith_webhook_deliver" }

// InsertOpts runs deliveries on their own queue. River's own retries are
// for kith's failures (its database), not the receiver's, which the
// worker schedules itself (webhook.NextRetry).
func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: 5}
}

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	s *Service
}

// Timeout leaves room for the attempt and recording it.
func (w *deliverWorker) Timeout(*river.Job[DeliverArgs]) time.Duration {
	return w.s.cfg.Timeout + 30*time.Second
}

// Work makes one attempt of the delivery, unless it is no longer pending.
func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	return w.s.attempt(ctx, job.Args.DeliveryID)
}

// attempt posts delivery id's event to its endpoint, signed with the
// endpoint's secrets, and records the answer (see record).
func (s *Service) attempt(ctx context.Context, id pulid.ID) error {
	sys := viewer.SystemContext(ctx)
	d, err := s.db.WebhookDelivery.Query().Where(webhookdelivery.ID(id)).
		WithEvent().WithEndpoint().Only(sys)
	if ent.IsNotFound(err) {
		return nil // its endpoint was deleted, and it with it
	}
	if err != nil {
		return fmt.Errorf("reading the webhook delivery: %w", err)
	}
	if d.Status != webhookdelivery.StatusPending {
		return nil
	}
	ep := d.Edges.Endpoint
	now := s.now()
	if !ep.Enabled {
		return s.db.WebhookDelivery.UpdateOneID(d.ID).
			SetStatus(webhookdelivery.StatusFailed).SetLastError("The endpoint is disabled.").ClearNextAttemptAt().
			Exec(viewer.NewContext(ctx, viewer.System{OrgID: d.OrganizationID}))
	}
	secrets := []string{ep.Secret}
	if ep.PreviousSecret != "" && ep.PreviousSecretExpiresAt != nil && now.Before(*ep.PreviousSecretExpiresAt) {
		secrets = append(secrets, ep.PreviousSecret)
	}
	res := s.sender.Send(ctx, ep.URL, webhook.Message{ID: string(d.EventID), Body: d.Edges.Event.Payload, Secrets: secrets}, now)
	if res.Outcome != webhook.Delivered {
		s.cfg.Logger.Info("webhook delivery failed", "delivery", d.ID, "endpoint", ep.ID,
			"status_code", res.StatusCode, "problem", res.Problem, "attempt", d.Attempts+1)
	}
	_, err = transaction.Run(viewer.NewContext(ctx, viewer.System{OrgID: d.OrganizationID}), s.db,
		func(ctx context.Context, db *ent.Client) (struct{}, error) {
			return struct{}{}, s.record(ctx, d, ep, res, s.now())
		})
	if err != nil {
		s.cfg.Logger.Error("recording a webhook delivery", "delivery", d.ID, "error", err)
	}
	return err
}

// record writes the answer res to an attempt of d to ep, in the
// transaction ctx carries: SUCCEEDED on 2xx, and the endpoint no longer
// failing; on 410 FAILED and the endpoint disabled (GONE); else the next
// attempt queued (webhook.NextRetry, Retry-After honoured) or, after the
// last, FAILED. An endpoint failing for Config.FailingFor is disabled
// (FAILING). Disabling tells the organisation's owners by email.
func (s *Service) record(ctx context.Context, d *ent.WebhookDelivery, ep *ent.WebhookEndpoint, res webhook.Result, now time.Time) error {
	etx := transaction.From(ctx)
	db := etx.Client()
	attempt := d.Attempts + 1
	update := db.WebhookDelivery.UpdateOneID(d.ID).SetAttempts(attempt).SetLastAttemptAt(now).
		SetResponseMs(int(res.Duration.Milliseconds())).SetLastError(res.Problem)
	var next *time.Time
	if res.StatusCode != 0 {
		update.SetResponseCode(res.StatusCode)
	} else {
		update.ClearResponseCode()
	}
	var disable *webhookendpoint.DisabledReason
	switch res.Outcome {
	case webhook.Delivered:
		update.SetStatus(webhookdelivery.StatusSucceeded).SetDeliveredAt(now)
		if err := db.WebhookEndpoint.Update().Where(webhookendpoint.ID(ep.ID), webhookendpoint.FailingSinceNotNil()).
			ClearFailingSince().Exec(ctx); err != nil {
			return fmt.Errorf("recording the endpoint's success: %w", err)
		}
	case webhook.Gone:
		update.SetStatus(webhookdelivery.StatusFailed)
		gone := webhookendpoint.DisabledReasonGone
		disable = &gone
	default:
		if _, err := db.WebhookEndpoint.Update().Where(webhookendpoint.ID(ep.ID), webhookendpoint.FailingSinceIsNil()).
			SetFailingSince(now).Save(ctx); err != nil {
			return fmt.Errorf("recording the endpoint's failure: %w", err)
		}
		if since := ep.FailingSince; since != nil && now.Sub(*since) >= s.cfg.FailingFor {
			failing := webhookendpoint.DisabledReasonFailing
			disable = &failing
			update.SetStatus(webhookdelivery.StatusFailed)
			break
		}
		delay, again := webhook.NextRetry(attempt, res.RetryAfter)
		if !again {
			update.SetStatus(webhookdelivery.StatusFailed)
			break
		}
		at := now.Add(delay)
		next = &at
		if err := s.queue.InsertTx(ctx, etx, river.InsertManyParams{
			Args: DeliverArgs{DeliveryID: d.ID}, InsertOpts: &river.InsertOpts{Queue: Queue, MaxAttempts: 5, ScheduledAt: at},
		}); err != nil {
			return fmt.Errorf("queueing the next attempt: %w", err)
		}
	}
	if next != nil {
		update.SetNextAttemptAt(*next)
	} else {
		update.ClearNextAttemptAt()
	}
	if err := update.Exec(ctx); err != nil {
		return fmt.Errorf("recording the webhook delivery: %w", err)
	}
	if disable != nil {
		return s.disable(ctx, etx, ep, *disable, now)
	}
	return nil
}

// disable disables ep for reason, once (a concurrent delivery that
// disabled it first wins), and tells the organisation's owners.
func (s *Service) disable(ctx context.Context, etx *ent.Tx, ep *ent.WebhookEndpoint, reason webhookendpoint.DisabledReason, now time.Time) error {
	n, err := etx.Client().WebhookEndpoint.Update().Where(webhookendpoint.ID(ep.ID), webhookendpoint.Enabled(true)).
		SetEnabled(false).SetDisabledReason(reason).SetDisabledAt(now).Save(ctx)
	if err != nil {
		return fmt.Errorf("disabling the webhook endpoint: %w", err)
	}
	if n == 0 {
		return nil
	}
	why := "it answered 410 Gone, which says the receiver no longer wants events"
	if reason == webhookendpoint.DisabledReasonFailing {
		why = fmt.Sprintf("every delivery to it has failed for %d days", int(s.cfg.FailingFor.Hours()/24))
	}
	s.cfg.Logger.Warn("webhook endpoint disabled", "endpoint", ep.ID, "reason", reason)
	return s.queue.NoticeOwners(ctx, etx, notifier.OwnerNotice{
		OrganizationID: ep.OrganizationID,
		Subject:        "A webhook endpoint was disabled",
		Text: fmt.Sprintf("kith stopped sending events to the webhook endpoint %s (%s) because %s.\n\n"+
			"Events that happen while it is disabled are not sent to it. Once the receiver works, an owner or admin can enable it again (updateWebhookEndpoint with enabled: true) and redeliver the events it missed from its delivery list.",
			ep.URL, ep.ID, why),
	})
}
