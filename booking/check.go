package booking

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/servicepractitioner"
	"github.com/kith-health/kith/pulid"
)

// ErrSlotTaken is joined to the error CheckBookable returns when the start
// overlaps an appointment of the practitioner (with buffers), so a writer can
// tell a taken slot (errors.Is) from other unbookable times.
var ErrSlotTaken = errors.New("the time is taken")

// CheckBookable reports whether an appointment of svc with practitioner may
// start at start, as seen at now, reading through db as the viewer in ctx
// (call it with the booking's transaction client). It checks that the
// service is active and the practitioner (active) gives it; that the
// session lies inside the practitioner's hours that day (weekly or
// date-specific, in their time zone) and clear of time off; that it is clear
// of their booked and confirmed appointments with the service's buffers
// before and after (ignore lists appointments not to count, such as the one
// being rescheduled); and, unless asStaff, the minimum notice, how far ahead
// one may book, and that start is one of the offered start times. Problems
// are kith.ValidationErrors on "startsAt" (or "practitionerId"/"serviceId");
// a taken time also matches ErrSlotTaken.
func CheckBookable(ctx context.Context, db *ent.Client, org *ent.Organization, svc *ent.Service, practitioner *ent.Staff, start, now time.Time, asStaff bool, ignore ...pulid.ID) error {
	if svc.ArchivedAt != nil {
		return kith.Invalid("serviceId", "%s is no longer offered", svc.Name)
	}
	if !practitioner.Active {
		return kith.Invalid("practitionerId", "%s no longer takes appointments", practitioner.Name)
	}
	offers, err := db.ServicePractitioner.Query().
		Where(servicepractitioner.ServiceID(svc.ID), servicepractitioner.StaffID(practitioner.ID)).Exist(ctx)
	if err != nil {
		return fmt.Errorf("checking the practitioner: %w", err)
	}
	if !offers {
		return kith.Invalid("practitionerId", "%s does not give %s", practitioner.Name, svc.Name)
	}
	rules := Effective(org, svc)
	if !asStaff {
		if start.Before(rules.Earliest(now)) {
			return kith.Invalid("startsAt", "book at least %s ahead", humanMinutes(rules.MinNoticeMinutes))
		}
		if !start.Before(rules.Latest(now)) {
			return kith.Invalid("startsAt", "book at most %s ahead", plural(rules.MaxAdvanceDays, "day"))
		}
	}
	dur := minutes(svc.DurationMinutes)
	end := start.Add(dur)
	scheds, err := loadSchedules(ctx, db, org, []*ent.Staff{practitioner}, start, start.Add(time.Nanosecond), dur, rules, ignore)
	if err != nil {
		return err
	}
	s := scheds[practitioner.ID]
	first, last := localDates(start, end, s.loc)
	spans := s.open(first, last)
	i := slices.IndexFunc(spans, func(sp span) bool { return !start.Before(sp.start) && !end.After(sp.end) })
	if i < 0 {
		return kith.Invalid("startsAt", "%s is outside %s's hours", start.In(s.loc).Format("Mon 2 Jan 2006 15:04 MST"), practitioner.Name)
	}
	if !asStaff && start.Sub(spans[i].start)%minutes(rules.SlotIntervalMinutes) != 0 {
		return kith.Invalid("startsAt", "%s is not one of the offered start times", start.In(s.loc).Format("15:04"))
	}
	for _, off := range s.off {
		if off.start.Before(end) && off.end.After(start) {
			return kith.Invalid("startsAt", "%s is away then", practitioner.Name)
		}
	}
	before, after := minutes(rules.BufferBeforeMinutes), minutes(rules.BufferAfterMinutes)
	for _, b := range s.busy {
		if b.start.Before(end.Add(after)) && b.end.After(start.Add(-before)) {
			return errors.Join(kith.Invalid("startsAt", "the time is taken: %s has another appointment then", practitioner.Name), ErrSlotTaken)
		}
	}
	return nil
}
