package booking

import (
	"slices"
	"time"
)

// span is a half-open interval of instants [start, end).
type span struct{ start, end time.Time }

// schedule is one practitioner's availability as loaded for a range: weekly
// hours and date-specific hours in local clock times, time off and busy
// appointments as instants.
type schedule struct {
	loc    *time.Location
	weekly [7][][2]clock
	// dated replaces the weekly hours of a local date (dateKey); an empty
	// list closes the day.
	dated map[int][][2]clock
	// off is time off; busy are the practitioner's booked and confirmed
	// appointments. Both are sorted by start and merged.
	off, busy []span
}

// newSchedule is an empty schedule of a practitioner working in loc; the
// add methods fill it from the rows loadSchedules reads, and sorted makes
// it ready to sweep.
func newSchedule(loc *time.Location) *schedule {
	return &schedule{loc: loc, dated: map[int][][2]clock{}}
}

// addWeekly adds weekly hours on weekday (0 Sunday … 6 Saturday), from start
// to end (HH:MM). Invalid rows are skipped: hooks keep them valid, and a read
// should not fail on one.
func (s *schedule) addWeekly(weekday int, start, end string) {
	st, err1 := parseClock("start", start)
	en, err2 := parseClock("end", end)
	if err1 != nil || err2 != nil || weekday < 0 || weekday > 6 {
		return
	}
	s.weekly[weekday] = append(s.weekly[weekday], [2]clock{st, en})
}

// addDated adds hours that replace the weekly ones on a local date
// (YYYY-MM-DD), from start to end; both empty close the day.
func (s *schedule) addDated(date, start, end string) {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return
	}
	k := dateKey(d.Date())
	if _, ok := s.dated[k]; !ok {
		s.dated[k] = [][2]clock{}
	}
	if start == "" && end == "" {
		return // closed
	}
	st, err1 := parseClock("start", start)
	en, err2 := parseClock("end", end)
	if err1 == nil && err2 == nil {
		s.dated[k] = append(s.dated[k], [2]clock{st, en})
	}
}

// sorted sorts and merges the time off and busy spans, as sweep and
// CheckBookable need them.
func (s *schedule) sorted() *schedule {
	s.off, s.busy = merge(s.off), merge(s.busy)
	return s
}

// merge sorts spans by start and joins overlapping or touching ones.
func merge(spans []span) []span {
	if len(spans) < 2 {
		return spans
	}
	byStart := func(a, b span) int { return a.start.Compare(b.start) }
	if !slices.IsSortedFunc(spans, byStart) { // as they are stored, often
		slices.SortFunc(spans, byStart)
	}
	out := spans[:1]
	for _, sp := range spans[1:] {
		last := &out[len(out)-1]
		if !sp.start.After(last.end) {
			if sp.end.After(last.end) {
				last.end = sp.end
			}
			continue
		}
		out = append(out, sp)
	}
	return out
}

// open returns the practitioner's working spans on local dates from first to
// last (inclusive), as instants, merged. Each date's clock times become
// instants with time.Date in the practitioner's zone, never by adding 24
// hours, so 09:00 stays 09:00 across daylight-saving changes.
func (s *schedule) open(first, last time.Time) []span {
	// Mostly one interval a day: room for that, so the list grows rarely.
	out := make([]span, 0, int(last.Sub(first)/(24*time.Hour))+2)
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		y, m, day := d.Date()
		intervals, ok := s.dated[dateKey(y, m, day)]
		if !ok {
			intervals = s.weekly[d.Weekday()]
		}
		for _, iv := range intervals {
			out = append(out, span{at(y, m, day, iv[0], s.loc).UTC(), at(y, m, day, iv[1], s.loc).UTC()})
		}
	}
	return merge(out)
}

// localDates returns the local dates (as midnight UTC values carrying only
// the date) in loc covering instants from..to, widened by a day on each side
// so intervals that cross midnight in another zone are not missed.
func localDates(from, to time.Time, loc *time.Location) (time.Time, time.Time) {
	fy, fm, fd := from.In(loc).Date()
	ty, tm, td := to.In(loc).Date()
	return time.Date(fy, fm, fd-1, 0, 0, 0, 0, time.UTC), time.Date(ty, tm, td+1, 0, 0, 0, 0, time.UTC)
}

// sweep appends to out the start times in [from, to) at which an appointment
// of length dur fits: inside working spans, on the slot grid of each span
// (every step from its start), clear of time off, and clear of busy
// appointments by before and after. The spans, time off and busy lists are
// sorted, so one pass with moving cursors does it. It counts in nanoseconds
// after from (int64, see since), not time.Time: its grid has thousands of
// points a month, and time.Time's arithmetic costs several times more.
func (s *schedule) sweep(out []time.Time, spans []span, from, to time.Time, dur, step, before, after time.Duration) []time.Time {
	if step <= 0 {
		step = 15 * time.Minute
	}
	sec, nsec := from.Unix(), from.Nanosecond()
	ns := func(t time.Time) int64 { return since(t, sec, nsec) }
	lo, hi := int64(0), ns(to)
	d, st, bf, af := int64(dur), int64(step), int64(before), int64(after)
	off, busy := 0, 0
	for _, sp := range spans {
		c, spEnd := ns(sp.start), ns(sp.end)
		if c < lo {
			// Jump to the first grid point at or after from.
			c += (lo - c + st - 1) / st * st
		}
		for ; c+d <= spEnd && c < hi; c += st {
			end := c + d
			for off < len(s.off) && ns(s.off[off].end) <= c {
				off++
			}
			if off < len(s.off) && ns(s.off[off].start) < end {
				continue // time off
			}
			// An appointment [a, b) blocks c when c-before < b and end+after > a.
			for busy < len(s.busy) && ns(s.busy[busy].end) <= c-bf {
				busy++
			}
			if busy < len(s.busy) && ns(s.busy[busy].start) < end+af {
				continue
			}
			out = append(out, time.Unix(sec, int64(nsec)+c).UTC())
		}
	}
	return out
}

// since is the nanoseconds from the instant (sec, nsec) (as time.Time's
// Unix and Nanosecond) to t, for instants within a century or so of each
// other; farther ones are clamped to about ±136 years, which keeps their
// order with the near ones.
func since(t time.Time, sec int64, nsec int) int64 {
	const limit = 1 << 32 // seconds
	d := t.Unix() - sec
	if d > limit {
		d = limit
	} else if d < -limit {
		d = -limit
	}
	return d*int64(time.Second) + int64(t.Nanosecond()-nsec)
}
