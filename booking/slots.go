package booking

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/service"
	"github.com/kith-health/kith/pulid"
)

// MaxRangeDays is the longest range Slots answers for at once, in calendar
// days of the asker's time zone (a day across a daylight-saving change is
// 23 or 25 hours).
const MaxRangeDays = 62

// Query asks for the free start times of a service.
type Query struct {
	// OrgID is the organisation; the service must belong to it.
	OrgID pulid.ID
	// ServiceID is the service to book.
	ServiceID pulid.ID
	// PractitionerID narrows to one practitioner; empty: every practitioner
	// who gives the service.
	PractitionerID pulid.ID
	// From and To bound the start times, [From, To); at most MaxRangeDays apart.
	From, To time.Time
	// TimeZone is the asker's IANA zone: slots' starts are in it. Empty: UTC.
	TimeZone string
	// Now is the current time, for the notice rules.
	Now time.Time
	// AsStaff: staff are not bound by the notice and advance rules.
	AsStaff bool
	// Ignore lists appointments not counted as busy, such as the one being
	// rescheduled.
	Ignore []pulid.ID
}

// Slot is a free start time of a service with one practitioner.
type Slot struct {
	// Start is in the asker's time zone.
	Start time.Time
	// PractitionerID gives the session.
	PractitionerID pulid.ID
	// PractitionerName is the practitioner's name, as clients see it.
	PractitionerName string
}

// Slots returns the free start times of q's service in [q.From, q.To), sorted
// by start then practitioner name, reading as the viewer in ctx. It honours
// each practitioner's weekly hours (in their time zone), date-specific
// hours, time off, booked and confirmed appointments with the service's
// buffers, the slot interval, and (unless AsStaff) the minimum notice and how
// far ahead one may book. It runs two statements whatever the range: the
// service with its organisation's rules and its practitioners
// (withPractice), and their schedules (loadSchedules), swept in memory.
func Slots(ctx context.Context, db *ent.Client, q Query) ([]Slot, error) {
	loc, err := q.location()
	if err != nil {
		return nil, err
	}
	svc, err := onlyService(ctx, db.Service.Query().
		Where(service.ID(q.ServiceID), service.OrganizationID(q.OrgID), service.ArchivedAtIsNil(), withPractice("")).
		Select(slotServiceFields...).ServiceQuery, q.ServiceID)
	if err != nil {
		return nil, err
	}
	org, err := practiceOf(svc)
	if err != nil {
		return nil, err
	}
	return slotsOf(ctx, db, org, svc, q, loc)
}

// onlyService reads the one service query selects; none is a NotFoundError
// on serviceId (id).
func onlyService(ctx context.Context, query *ent.ServiceQuery, id pulid.ID) (*ent.Service, error) {
	svc, err := query.Only(ctx)
	if ent.IsNotFound(err) {
		return nil, &kith.NotFoundError{Field: "serviceId", ID: id}
	}
	if err != nil {
		return nil, fmt.Errorf("reading service %s: %w", id, err)
	}
	return svc, nil
}

// location checks q's range and returns the asker's time zone.
func (q Query) location() (*time.Location, error) {
	loc, err := Location(q.TimeZone)
	if err != nil {
		return nil, kith.Invalid("timeZone", "%q is not a time zone: use an IANA name such as America/Toronto", q.TimeZone)
	}
	switch {
	case !q.To.After(q.From):
		return nil, kith.Invalid("to", "the end of the range must be after its start")
	case q.To.After(q.From.In(loc).AddDate(0, 0, MaxRangeDays)):
		return nil, kith.Invalid("to", "the range is too long: ask for at most %d days at once", MaxRangeDays)
	}
	return loc, nil
}

// slotsOf is Slots once the service svc (active, of org) is read with its
// practitioners (withPractice): one more statement, their schedules.
func slotsOf(ctx context.Context, db *ent.Client, org *ent.Organization, svc *ent.Service, q Query, loc *time.Location) ([]Slot, error) {
	practitioners, err := practitionersOf(svc)
	if err != nil {
		return nil, err
	}
	if q.PractitionerID != "" {
		i := slices.IndexFunc(practitioners, func(s *ent.Staff) bool { return s.ID == q.PractitionerID })
		if i < 0 {
			return nil, &kith.NotFoundError{Field: "practitionerId", ID: q.PractitionerID}
		}
		practitioners = practitioners[i : i+1]
	}
	rules := Effective(org, svc)
	from, to := q.From, q.To
	if !q.AsStaff {
		from = latest(from, rules.Earliest(q.Now))
		to = earliest(to, rules.Latest(q.Now))
	}
	if !to.After(from) || len(practitioners) == 0 {
		return []Slot{}, nil
	}
	dur := minutes(svc.DurationMinutes)
	scheds, err := loadSchedules(ctx, db, org, practitioners, from, to, dur, rules, q.Ignore)
	if err != nil {
		return nil, err
	}
	var (
		out    []Slot
		starts []time.Time
	)
	step, before, after := minutes(rules.SlotIntervalMinutes), minutes(rules.BufferBeforeMinutes), minutes(rules.BufferAfterMinutes)
	for _, p := range practitioners {
		s := scheds[p.ID]
		first, last := localDates(from, to, s.loc)
		starts = s.sweep(starts[:0], s.open(first, last), from, to, dur, step, before, after)
		out = slices.Grow(out, len(starts))
		for _, st := range starts {
			out = append(out, Slot{Start: st.In(loc), PractitionerID: p.ID, PractitionerName: p.Name})
		}
	}
	if len(practitioners) > 1 {
		slices.SortStableFunc(out, func(a, b Slot) int {
			return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.PractitionerName, b.PractitionerName), cmp.Compare(a.PractitionerID, b.PractitionerID))
		})
	}
	if out == nil {
		out = []Slot{}
	}
	return out, nil
}

var locations sync.Map // zone name → *time.Location

// Location loads an IANA time zone, caching it: time.LoadLocation reads the
// zone database on every call. "" is UTC.
func Location(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location), nil
	}
	if name == "Local" {
		return nil, fmt.Errorf("unknown time zone %s", name)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	locations.Store(name, l)
	return l, nil
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
