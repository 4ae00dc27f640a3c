package booking

import (
	"context"
	"fmt"
	"time"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/scheduleexception"
	"github.com/kith-health/kith/pulid"
)

// Exception changes a practitioner's hours: Kind TIME_OFF with StartsAt and
// EndsAt, or Kind HOURS on the local Date (YYYY-MM-DD) from Start to End
// (HH:MM), closed all day when both are empty.
type Exception struct {
	StaffID          pulid.ID
	Kind             scheduleexception.Kind
	StartsAt, EndsAt *time.Time
	Date, Start, End string
	Note             string
}

// AddException records an exception to a staff member's hours; the
// ScheduleException hook checks it.
func AddException(ctx context.Context, db *ent.Client, in Exception) (*ent.ScheduleException, error) {
	if err := scheduleexception.KindValidator(in.Kind); err != nil {
		return nil, kith.Invalid("kind", "%q is not a kind of exception: TIME_OFF or HOURS", in.Kind)
	}
	if err := staffExists(ctx, db, in.StaffID); err != nil {
		return nil, err
	}
	c := db.ScheduleException.Create().SetStaffID(in.StaffID).SetKind(in.Kind).
		SetNillableStartsAt(in.StartsAt).SetNillableEndsAt(in.EndsAt).SetNote(in.Note)
	if in.Date != "" {
		c.SetDate(in.Date)
	}
	if in.Start != "" {
		c.SetStart(in.Start)
	}
	if in.End != "" {
		c.SetEnd(in.End)
	}
	x, err := c.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("adding a schedule exception: %w", err)
	}
	return x, nil
}

// RemoveException deletes exception id.
func RemoveException(ctx context.Context, db *ent.Client, id pulid.ID) error {
	n, err := db.ScheduleException.Delete().Where(scheduleexception.ID(id)).Exec(ctx)
	if err != nil {
		return fmt.Errorf("removing schedule exception %s: %w", id, err)
	}
	if n == 0 {
		return &kith.NotFoundError{Field: "id", ID: id}
	}
	return nil
}

// ExceptionsOf returns the exceptions of staff member staffID that touch
// [from, to) (time off overlapping it, other hours on dates in it, read in
// UTC with a day's margin), soonest first; zero times leave the range open.
func ExceptionsOf(ctx context.Context, db *ent.Client, staffID pulid.ID, from, to time.Time) ([]*ent.ScheduleException, error) {
	if err := staffExists(ctx, db, staffID); err != nil {
		return nil, err
	}
	from, to = from.UTC(), to.UTC() // SQLite compares times as text
	q := db.ScheduleException.Query().Where(scheduleexception.StaffID(staffID))
	if !from.IsZero() {
		d := from.AddDate(0, 0, -1).Format(time.DateOnly)
		q.Where(scheduleexception.Or(scheduleexception.EndsAtGT(from), scheduleexception.DateGTE(d)))
	}
	if !to.IsZero() {
		d := to.AddDate(0, 0, 1).Format(time.DateOnly)
		q.Where(scheduleexception.Or(scheduleexception.StartsAtLT(to), scheduleexception.DateLTE(d)))
	}
	rows, err := q.Order(scheduleexception.ByStartsAt(), scheduleexception.ByDate(), scheduleexception.ByStart()).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading schedule exceptions: %w", err)
	}
	return rows, nil
}
