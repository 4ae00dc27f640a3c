package notifier

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/message"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// SendArgs is the job that hands one queued Notification to its provider.
type SendArgs struct {
	NotificationID pulid.ID `json:"notification_id"`
}

// Kind implements river.JobArgs.
func (SendArgs) Kind() string { return "kith_send" }

// InsertOpts makes one job per notification at a time, retried with River's
// exponential backoff on transient failures.
func (SendArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type sendWorker struct {
	river.WorkerDefaults[SendArgs]
	q *Queue
}

// Work sends the notification unless it is no longer queued. A permanent
// failure (invalid number, opted out) or the last attempt marks it FAILED
// with the reason; a transient one returns the error so River retries.
func (w *sendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	ctx = viewer.SystemContext(ctx)
	db := w.q.db.Client
	n, err := db.Notification.Get(ctx, job.Args.NotificationID)
	if ent.IsNotFound(err) || (err == nil && n.Status != notification.StatusQueued) {
		return nil // gone, or already sent, failed or cancelled: never twice
	}
	if err != nil {
		return err
	}
	sender, ok := w.q.senders[n.Channel]
	if !ok {
		return w.fail(ctx, n, fmt.Sprintf("no %s provider is configured", n.Channel))
	}
	org, err := db.Organization.Get(ctx, n.OrganizationID)
	if err != nil {
		return err
	}
	if l := w.q.limiters[n.Channel]; l != nil {
		if err := l.Wait(ctx); err != nil {
			return err
		}
	}
	receipt, err := sender.Send(ctx, Outgoing{
		MessageID: string(n.ID), Channel: n.Channel, To: n.Address, FromName: org.Name,
		Subject: n.Subject, HTML: n.HTML, Text: n.Text,
		StatusCallbackURL: w.q.StatusCallbackURL(org, n.Channel),
	})
	if err != nil {
		var se *SendError
		if IsPermanent(err) || job.Attempt >= job.MaxAttempts {
			reason := err.Error()
			if errors.As(err, &se) {
				reason = se.Reason
			}
			return w.fail(ctx, n, reason)
		}
		if uerr := db.Notification.UpdateOne(n).AddAttempts(1).Exec(ctx); uerr != nil {
			return uerr
		}
		return err
	}
	now := time.Now().UTC()
	return db.Notification.UpdateOneID(n.ID).
		Where(notification.StatusEQ(notification.StatusQueued)).
		SetStatus(notification.StatusSent).SetProviderID(receipt.ProviderID).
		SetSentAt(now).AddAttempts(1).
		Exec(ctx)
}

func (w *sendWorker) fail(ctx context.Context, n *ent.Notification, reason string) error {
	return w.q.db.Client.Notification.UpdateOne(n).
		SetStatus(notification.StatusFailed).SetReason(reason).
		SetFailedAt(time.Now().UTC()).AddAttempts(1).
		Exec(ctx)
}

// ReminderArgs is the job that sends an appointment's reminders when they
// fall due. StartsAt is the start it was scheduled for: a moved appointment
// has its own newer job, and this one sends nothing.
type ReminderArgs struct {
	AppointmentID pulid.ID  `json:"appointment_id"`
	StartsAt      time.Time `json:"starts_at"`
}

// Kind implements river.JobArgs.
func (ReminderArgs) Kind() string { return "kith_reminder" }

// InsertOpts keeps one reminder job per appointment, start and due time.
func (ReminderArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: time.Minute}}
}

type reminderWorker struct {
	river.WorkerDefaults[ReminderArgs]
	q *Queue
}

// Work sends the reminders of an appointment that is still on at the same
// time, in one transaction with their send jobs.
func (w *reminderWorker) Work(ctx context.Context, job *river.Job[ReminderArgs]) error {
	ctx = database.WithTxHolder(viewer.SystemContext(ctx))
	a, err := w.q.db.Client.Appointment.Get(ctx, job.Args.AppointmentID)
	if ent.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if !a.StartsAt.Truncate(time.Microsecond).Equal(job.Args.StartsAt.Truncate(time.Microsecond)) ||
		(a.Status != appointment.StatusBooked && a.Status != appointment.StatusConfirmed) {
		return nil // moved, cancelled or over: nothing to remind
	}
	tx, err := w.q.db.Client.Tx(ctx)
	if err != nil {
		return err
	}
	if err := w.q.notify(ctx, tx.Client(), tx, message.KindReminder, a.ID); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
