package booking

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/scheduleexception"
	"github.com/kith-health/kith/ent/service"
	"github.com/kith-health/kith/ent/workinghours"
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
// far ahead one may book. It runs a fixed number of queries whatever the
// range: the appointments of the range are read at once and swept in memory.
func Slots(ctx context.Context, db *ent.Client, q Query) ([]Slot, error) {
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
	svc, org, practitioners, err := loadService(ctx, db, q.OrgID, q.ServiceID)
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
	for _, p := range practitioners {
		s := scheds[p.ID]
		first, last := localDates(from, to, s.loc)
		starts = s.sweep(starts[:0], s.open(first, last), from, to, dur,
			minutes(rules.SlotIntervalMinutes), minutes(rules.BufferBeforeMinutes), minutes(rules.BufferAfterMinutes))
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

// loadService reads an active service of organisation orgID with its active
// practitioners (sorted by name), and the organisation. A service of another
// organisation, or an archived one, reads as not found.
func loadService(ctx context.Context, db *ent.Client, orgID, id pulid.ID) (*ent.Service, *ent.Organization, []*ent.Staff, error) {
	svc, err := db.Service.Query().
		Where(service.ID(id), service.OrganizationID(orgID), service.ArchivedAtIsNil()).
		WithOrganization().
		Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil, nil, &kith.NotFoundError{Field: "serviceId", ID: id}
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("reading service %s: %w", id, err)
	}
	practitioners, err := activePractitioners(ctx, db, id)
	if err != nil {
		return nil, nil, nil, err
	}
	return svc, svc.Edges.Organization, practitioners, nil
}

// loadSchedules reads the hours, exceptions and appointments of
// practitioners that matter for start times in [from, to) of a session of
// length dur: three queries, whatever the range or the number of practitioners.
func loadSchedules(ctx context.Context, db *ent.Client, org *ent.Organization, practitioners []*ent.Staff, from, to time.Time, dur time.Duration, rules Rules, ignore []pulid.ID) (map[pulid.ID]*schedule, error) {
	ids := make([]pulid.ID, len(practitioners))
	for i, p := range practitioners {
		ids[i] = p.ID
	}
	hours, err := db.WorkingHours.Query().Where(workinghours.StaffIDIn(ids...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading working hours: %w", err)
	}
	// Dates as strings compare in order; a day either side covers every zone.
	from, to = from.UTC(), to.UTC() // SQLite compares times as text
	firstDate, lastDate := from.AddDate(0, 0, -2).Format(time.DateOnly), to.Add(dur).AddDate(0, 0, 2).Format(time.DateOnly)
	exceptions, err := db.ScheduleException.Query().Where(
		scheduleexception.StaffIDIn(ids...),
		scheduleexception.Or(
			scheduleexception.And(scheduleexception.KindEQ(scheduleexception.KindTimeOff),
				scheduleexception.StartsAtLT(to.Add(dur)), scheduleexception.EndsAtGT(from)),
			scheduleexception.And(scheduleexception.KindEQ(scheduleexception.KindHours),
				scheduleexception.DateGTE(firstDate), scheduleexception.DateLTE(lastDate)),
		),
	).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading schedule exceptions: %w", err)
	}
	busy, err := busyTimes(ctx, db, org.ID, ids, from.Add(-minutes(rules.BufferBeforeMinutes)), to.Add(dur+minutes(rules.BufferAfterMinutes)), ignore)
	if err != nil {
		return nil, err
	}
	out := make(map[pulid.ID]*schedule, len(practitioners))
	for _, p := range practitioners {
		loc, err := Location(cmp.Or(p.TimeZone, org.TimeZone, "UTC"))
		if err != nil {
			loc = time.UTC
		}
		var h []*ent.WorkingHours
		for _, w := range hours {
			if w.StaffID == p.ID {
				h = append(h, w)
			}
		}
		var x []*ent.ScheduleException
		for _, e := range exceptions {
			if e.StaffID == p.ID {
				x = append(x, e)
			}
		}
		s := newSchedule(loc, h, x)
		s.busy = merge(busy[p.ID])
		out[p.ID] = s
	}
	return out, nil
}

// busyTimes reads, in one query, the booked and confirmed appointments of
// practitioners of organisation org that overlap [from, to), except ignore.
//
// It is the hot path of availableSlots (hundreds of rows a call), so it is
// written by hand: the database answers whole seconds since 1970 instead of
// timestamps the driver would parse (SQLite stores them as text), and rows
// are scanned without reflection. It filters by organisation itself, as the
// privacy rules would.
func busyTimes(ctx context.Context, db *ent.Client, org pulid.ID, practitioners []pulid.ID, from, to time.Time, ignore []pulid.ID) (map[pulid.ID][]span, error) {
	from, to = from.UTC(), to.UTC()
	args := []any{string(org), to, from}
	for _, p := range practitioners {
		args = append(args, string(p))
	}
	// SQLite keeps times in UTC as "2006-01-02 15:04:05[.fraction] +0000 UTC":
	// the first 19 characters are whole seconds; an end with a fraction is
	// rounded up, so a busy span never shrinks.
	cols := "practitioner_id, unixepoch(substr(starts_at, 1, 19)), unixepoch(substr(ends_at, 1, 19)) + (length(ends_at) > 29)"
	if db.Dialect() == dialect.Postgres {
		cols = "practitioner_id, floor(extract(epoch from starts_at))::bigint, ceil(extract(epoch from ends_at))::bigint"
	}
	q := "SELECT " + cols + " FROM appointments WHERE organization_id = ? AND starts_at < ? AND ends_at > ?" +
		" AND status IN ('BOOKED', 'CONFIRMED') AND practitioner_id IN (" + placeholders(len(practitioners)) + ")"
	if len(ignore) > 0 {
		q += " AND id NOT IN (" + placeholders(len(ignore)) + ")"
		for _, id := range ignore {
			args = append(args, string(id))
		}
	}
	rows, err := db.QueryContext(ctx, db.Rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("reading appointments: %w", err)
	}
	defer rows.Close()
	out := make(map[pulid.ID][]span, len(practitioners))
	for rows.Next() {
		var (
			p          string
			start, end int64
		)
		if err := rows.Scan(&p, &start, &end); err != nil {
			return nil, fmt.Errorf("reading appointments: %w", err)
		}
		id := pulid.ID(p)
		out[id] = append(out[id], span{time.Unix(start, 0).UTC(), time.Unix(end, 0).UTC()})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading appointments: %w", err)
	}
	return out, nil
}

// placeholders is n comma-separated ? placeholders, for an IN list.
func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

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
