package notifier

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/ent/clientprofile"
	"github.com/kith-health/kith/ent/scheduledmessage"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// ScheduledArgs is the job that sends a scheduled message when it falls due.
// SendAt is the time it was queued for: a message edited to another time, or
// following an appointment that moved, has a newer job, and this one sends
// nothing.
type ScheduledArgs struct {
	ScheduledMessageID pulid.ID  `json:"scheduled_message_id"`
	SendAt             time.Time `json:"send_at"`
}

// Kind implements river.JobArgs.
func (ScheduledArgs) Kind() string { return "kith_scheduled" }

// InsertOpts retries a failed attempt (the database was unreachable, say)
// with River's backoff. Jobs are not unique: a second job for the same
// message and time finds it already sent.
func (ScheduledArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 10} }

// followAppointment keeps an appointment's pending scheduled messages in
// step with it: when it moves, those timed relative to its start get a job
// for their new time; when it is cancelled or missed, they are all
// cancelled, with the reason, since they were written for a session that
// will not take place.
func (q *Queue) followAppointment(ctx context.Context, db *ent.Client, etx *ent.Tx, a *ent.Appointment, kind schematype.MessageKind) error {
	sys := systemIn(ctx, a.OrganizationID)
	pending := db.ScheduledMessage.Query().
		Where(scheduledmessage.AppointmentID(a.ID), scheduledmessage.StatusEQ(scheduledmessage.StatusPending))
	switch kind {
	case schematype.MessageKindReschedule:
		sms, err := pending.Where(scheduledmessage.MinutesBeforeStartNotNil()).All(sys)
		if err != nil {
			return fmt.Errorf("finding scheduled messages: %w", err)
		}
		return q.scheduleMessages(ctx, db, etx, a, sms...)
	case schematype.MessageKindCancellation, schematype.MessageKindMissed:
		ids, err := pending.IDs(sys)
		if err != nil {
			return fmt.Errorf("finding scheduled messages: %w", err)
		}
		for _, id := range ids {
			if err := cancelMessage(sys, db, id, offReason(a.Status)); err != nil {
				return err
			}
		}
	}
	return nil
}

// offReason says why a message for an appointment with status does not go.
func offReason(status appointment.Status) string {
	if status == appointment.StatusMissed {
		return "the appointment was missed"
	}
	return "the appointment was cancelled"
}

// cancelMessage marks a pending scheduled message CANCELLED by kith, saying why.
func cancelMessage(ctx context.Context, db *ent.Client, id pulid.ID, reason string) error {
	err := db.ScheduledMessage.UpdateOneID(id).
		SetStatus(scheduledmessage.StatusCancelled).SetReason(reason).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("cancelling scheduled message: %w", err)
	}
	return nil
}

// scheduleMessages queues a job for each message at the time it is due. a
// is the appointment of messages timed relative to it; when nil it is read.
func (q *Queue) scheduleMessages(ctx context.Context, db *ent.Client, etx *ent.Tx, a *ent.Appointment, sms ...*ent.ScheduledMessage) error {
	jobs := make([]river.InsertManyParams, 0, len(sms))
	for _, sm := range sms {
		at := a
		if at == nil && sm.MinutesBeforeStart != nil {
			var err error
			if at, err = db.Appointment.Get(systemIn(ctx, sm.OrganizationID), sm.AppointmentID); err != nil {
				return fmt.Errorf("reading the message's appointment: %w", err)
			}
		}
		due, ok := dueAt(sm, at)
		if !ok {
			continue
		}
		jobs = append(jobs, river.InsertManyParams{
			Args:       ScheduledArgs{ScheduledMessageID: sm.ID, SendAt: due},
			InsertOpts: &river.InsertOpts{ScheduledAt: due},
		})
	}
	return q.insert(ctx, etx, jobs...)
}

// dueAt is when sm goes: its sendAt, or minutesBeforeStart before the start
// of its appointment a (a whole number of days keeps the wall-clock time in
// the appointment's zone, as reminders do). It is false for a relative message without one.
// Times are kept to the microsecond, as the databases store them.
func dueAt(sm *ent.ScheduledMessage, a *ent.Appointment) (time.Time, bool) {
	switch {
	case sm.SendAt != nil:
		return sm.SendAt.UTC().Truncate(time.Microsecond), true
	case sm.MinutesBeforeStart != nil && a != nil:
		// As reminders: whole days keep the wall-clock time across daylight saving.
		lead := time.Duration(*sm.MinutesBeforeStart) * time.Minute
		due := compose.ReminderTimes(a.StartsAt, schematype.Location(a.TimeZone), []time.Duration{lead})[0]
		return due.UTC().Truncate(time.Microsecond), true
	}
	return time.Time{}, false
}

type scheduledWorker struct {
	river.WorkerDefaults[ScheduledArgs]
	q *Queue
}

// Work sends a scheduled message that is still pending and due at the job's
// time, in one transaction: its notifications, their send jobs and its
// status SENT. One whose appointment was cancelled or missed is cancelled
// instead (normally the appointment's change has done that already).
func (w *scheduledWorker) Work(ctx context.Context, job *river.Job[ScheduledArgs]) error {
	ctx = viewer.SystemContext(ctx)
	tx, err := w.q.db.Client.Tx(ctx)
	if err != nil {
		return err
	}
	ctx = transaction.With(ctx, tx) // the hooks of its writes find it
	write, err := w.q.sendScheduled(ctx, tx, job.Args)
	if err != nil || !write {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// sendScheduled does Work's writes in tx, and reports whether there are
// any to commit.
func (q *Queue) sendScheduled(ctx context.Context, tx *ent.Tx, args ScheduledArgs) (bool, error) {
	db := tx.Client()
	// A message no longer pending (sent, cancelled, or edited into a newer
	// job that sent it) is done with. Checked first: the hook refuses any
	// write to such a row, even the touch below.
	pending, err := db.ScheduledMessage.Query().
		Where(scheduledmessage.ID(args.ScheduledMessageID), scheduledmessage.StatusEQ(scheduledmessage.StatusPending)).
		Exist(ctx)
	if err != nil || !pending {
		return false, err
	}
	// Touching the row first locks it (on PostgreSQL) until the transaction
	// ends, so a staff edit made meanwhile waits, and what is read below is
	// what goes.
	sm, err := db.ScheduledMessage.UpdateOneID(args.ScheduledMessageID).
		Where(scheduledmessage.StatusEQ(scheduledmessage.StatusPending)).
		SetUpdatedAt(time.Now().UTC()).
		Save(ctx)
	if ent.IsNotFound(err) {
		return false, nil // gone, sent or cancelled
	}
	if err != nil {
		return false, fmt.Errorf("reading the scheduled message: %w", err)
	}
	sys := systemIn(ctx, sm.OrganizationID)
	l := letter{kind: schematype.MessageKindScheduled, scheduled: sm}
	if sm.AppointmentID != "" {
		a, err := loadAppointment(sys, db, sm.AppointmentID)
		if err != nil {
			return false, fmt.Errorf("reading the message's appointment: %w", err)
		}
		if a.Status == appointment.StatusCancelled || a.Status == appointment.StatusMissed {
			return true, cancelMessage(sys, db, sm.ID, offReason(a.Status))
		}
		l.appointment, l.client, l.practitioner = a, a.Edges.Client, a.Edges.Practitioner
	} else {
		cq := db.ClientProfile.Query().Where(clientprofile.ID(sm.ClientID)).
			WithPractitioners(func(q *ent.StaffQuery) { q.Order(staff.ByName(), staff.ByID()) })
		withAudience(cq)
		c, err := cq.Only(sys)
		if err != nil {
			return false, fmt.Errorf("reading the message's client: %w", err)
		}
		l.client = c
		if len(c.Edges.Practitioners) > 0 {
			l.practitioner = c.Edges.Practitioners[0]
		}
	}
	if due, ok := dueAt(sm, l.appointment); !ok || !due.Equal(args.SendAt.UTC().Truncate(time.Microsecond)) {
		return false, nil // edited, or the appointment moved: a newer job sends it
	}
	if err := q.record(ctx, db, tx, l); err != nil {
		return false, err
	}
	err = db.ScheduledMessage.UpdateOne(sm).
		SetStatus(scheduledmessage.StatusSent).SetSentAt(time.Now().UTC()).
		Exec(sys)
	if err != nil {
		return false, fmt.Errorf("marking the scheduled message sent: %w", err)
	}
	return true, nil
}
