package notifier

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/riverqueue/river"

	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/schematype"
)

// dueWindow is how far from DueAt+Lead a due job looks for the starts of
// its appointments: a whole-day lead is calendar days in the appointment's
// zone (compose.ReminderTimes), which a change of clocks makes an hour or so
// longer or shorter than Lead.
const dueWindow = 3 * time.Hour

// fanOut runs a due job (args names an organisation, a due time and a
// lead): it queues, in one transaction, batch jobs of up to remindBatch of
// the organisation's appointments due then (dueAppointments), which the
// batch worker reminds as it does RemindNow's. Run again, the due job
// queues the same batches, which River skips as duplicates (InsertOpts);
// should the appointments have changed in between, the batch worker still
// reminds each appointment once since the due time (remindedSince).
func (q *Queue) fanOut(ctx context.Context, args ReminderArgs) error {
	due, err := q.dueAppointments(ctx, args)
	if err != nil {
		return fmt.Errorf("finding the appointments due at %s: %w", args.DueAt.Format(time.RFC3339), err)
	}
	var jobs []river.InsertManyParams
	for chunk := range slices.Chunk(due, remindBatch) {
		jobs = append(jobs, river.InsertManyParams{Args: ReminderArgs{DueAt: args.DueAt, Appointments: chunk}})
	}
	if len(jobs) == 0 {
		return nil
	}
	tx, err := q.db.Client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("queueing the reminders due: %w", err)
	}
	if err := q.insert(ctx, tx, jobs...); err != nil {
		return rollback(tx, fmt.Errorf("queueing the reminders due: %w", err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("queueing the reminders due: %w", err)
	}
	return nil
}

// dueAppointments are the appointments of a due job's organisation that
// are on (booked or confirmed) at a start whose reminder of lead args.Lead
// falls due at args.DueAt (compared to the microsecond, as times are
// stored), by ID, each with that start. An appointment moved since it was
// booked is found by the due job of its new start alone; a cancelled one by
// none. They are read as kith's system confined to the organisation, and
// only what tells when they are due.
func (q *Queue) dueAppointments(ctx context.Context, args ReminderArgs) ([]RemindedAppointment, error) {
	ctx = systemIn(ctx, args.OrganizationID)
	around := args.DueAt.Add(args.Lead).UTC()
	as, err := q.db.Client.Appointment.Query().
		Where(
			appointment.OrganizationID(args.OrganizationID),
			appointment.StatusIn(appointment.StatusBooked, appointment.StatusConfirmed),
			appointment.StartsAtGTE(around.Add(-dueWindow)),
			appointment.StartsAtLTE(around.Add(dueWindow)),
		).
		Select(appointment.FieldID, appointment.FieldStartsAt, appointment.FieldTimeZone, appointment.FieldStatus).
		Order(appointment.ByID()). // the same batches when run again
		All(ctx)
	if err != nil {
		return nil, err
	}
	due := args.DueAt.Truncate(time.Microsecond)
	leads := []time.Duration{args.Lead}
	var out []RemindedAppointment
	for _, a := range as {
		at := compose.ReminderTimes(a.StartsAt, schematype.Location(a.TimeZone), leads)
		if len(at) == 1 && at[0].Truncate(time.Microsecond).Equal(due) {
			out = append(out, RemindedAppointment{ID: a.ID, StartsAt: a.StartsAt.UTC()})
		}
	}
	return out, nil
}
