package booking

import (
	"context"
	"fmt"
	"slices"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/ent/workinghours"
	"github.com/kith-health/kith/pulid"
)

// Interval is one interval of weekly hours: on Weekday (0 Sunday … 6
// Saturday), from Start to End, HH:MM in the practitioner's time zone (End
// may be 24:00).
type Interval struct {
	Weekday    int
	Start, End string
}

// SetWorkingHours replaces the weekly hours of staff member staffID with
// intervals, which may not overlap on a day, and returns them sorted by day
// and start. Call it with a transaction's client: it deletes then creates.
func SetWorkingHours(ctx context.Context, db *ent.Client, staffID pulid.ID, intervals []Interval) ([]*ent.WorkingHours, error) {
	if err := staffExists(ctx, db, staffID); err != nil {
		return nil, err
	}
	type parsed struct {
		i          int
		day        int
		start, end clock
	}
	ps := make([]parsed, 0, len(intervals))
	for i, iv := range intervals {
		field := func(f string) string { return fmt.Sprintf("intervals.%d.%s", i, f) }
		if iv.Weekday < 0 || iv.Weekday > 6 {
			return nil, kith.Invalid(field("weekday"), "%d is not a day of the week: give 0 (Sunday) to 6 (Saturday)", iv.Weekday)
		}
		s, err := parseClock(field("start"), iv.Start)
		if err != nil {
			return nil, err
		}
		e, err := parseClock(field("end"), iv.End)
		if err != nil {
			return nil, err
		}
		if e <= s || s == 24*60 {
			return nil, kith.Invalid(field("end"), "%s is not after the start, %s", e, s)
		}
		ps = append(ps, parsed{i, iv.Weekday, s, e})
	}
	slices.SortFunc(ps, func(a, b parsed) int {
		if a.day != b.day {
			return a.day - b.day
		}
		return int(a.start - b.start)
	})
	for k := 1; k < len(ps); k++ {
		if ps[k].day == ps[k-1].day && ps[k].start < ps[k-1].end {
			return nil, kith.Invalid(fmt.Sprintf("intervals.%d.start", ps[k].i), "%s–%s overlaps %s–%s the same day", ps[k].start, ps[k].end, ps[k-1].start, ps[k-1].end)
		}
	}
	if _, err := db.WorkingHours.Delete().Where(workinghours.StaffID(staffID)).Exec(ctx); err != nil {
		return nil, fmt.Errorf("clearing working hours: %w", err)
	}
	creates := make([]*ent.WorkingHoursCreate, len(ps))
	for k, p := range ps {
		creates[k] = db.WorkingHours.Create().SetStaffID(staffID).SetWeekday(p.day).SetStart(p.start.String()).SetEnd(p.end.String())
	}
	rows, err := db.WorkingHours.CreateBulk(creates...).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("saving working hours: %w", err)
	}
	return rows, nil
}

// WorkingHoursOf returns the weekly hours of staff member staffID, sorted by
// day and start.
func WorkingHoursOf(ctx context.Context, db *ent.Client, staffID pulid.ID) ([]*ent.WorkingHours, error) {
	if err := staffExists(ctx, db, staffID); err != nil {
		return nil, err
	}
	rows, err := db.WorkingHours.Query().Where(workinghours.StaffID(staffID)).
		Order(workinghours.ByWeekday(), workinghours.ByStart()).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading working hours: %w", err)
	}
	return rows, nil
}

// staffExists is a NotFoundError on "staffId" unless the viewer sees staff member id.
func staffExists(ctx context.Context, db *ent.Client, id pulid.ID) error {
	ok, err := db.Staff.Query().Where(staff.ID(id)).Exist(ctx)
	if err != nil {
		return fmt.Errorf("reading staff %s: %w", id, err)
	}
	if !ok {
		return &kith.NotFoundError{Field: "staffId", ID: id}
	}
	return nil
}
