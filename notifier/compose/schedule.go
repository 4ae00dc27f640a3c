package compose

import (
	"slices"
	"time"
)

// DefaultLeads are the reminder lead times used when an organisation sets none:
// one day before.
var DefaultLeads = []time.Duration{24 * time.Hour}

const scheduleDay = 24 * time.Hour

// ReminderTimes returns when the reminders for an appointment starting at
// start are due, one per lead time (DefaultLeads when leads is empty), sorted
// and without duplicates, in loc (start's own location when loc is nil).
//
// A lead that is a whole number of days means "the same wall-clock time that
// many calendar days earlier in loc": a Sunday 10:00 appointment on the day
// clocks spring forward is reminded Saturday at 10:00, 23 hours before, not
// at 09:00. Any other lead (2h, 36h) is an exact duration. A negative lead
// gives a time after start.
//
// When that wall-clock time does not exist on the earlier day (it falls in a
// spring-forward gap) or occurs twice (fall-back), the day and time are
// resolved by [time.Date] and then made definite, as RFC 5545 and java.time
// do: a skipped time is read with the offset in force before the gap, so
// 02:30 becomes 03:30 when clocks jump from 02:00 to 03:00; a repeated time is
// its first occurrence (still on summer time). time.Date alone picks one of
// the two offsets without saying which, and in practice picks differently
// east and west of UTC.
func ReminderTimes(start time.Time, loc *time.Location, leads []time.Duration) []time.Time {
	if loc == nil {
		loc = start.Location()
	}
	if len(leads) == 0 {
		leads = DefaultLeads
	}
	local := start.In(loc)
	out := make([]time.Time, 0, len(leads))
	for _, lead := range leads {
		if lead != 0 && lead%scheduleDay == 0 {
			days := int(lead / scheduleDay)
			out = append(out, scheduleWallTime(local.Year(), local.Month(), local.Day()-days,
				local.Hour(), local.Minute(), local.Second(), local.Nanosecond(), loc))
			continue
		}
		out = append(out, local.Add(-lead))
	}
	slices.SortFunc(out, time.Time.Compare)
	return slices.CompactFunc(out, time.Time.Equal)
}

// QuietHours is a daily window in which SMS is not sent; a message due then
// waits for the window to end. Start and End are wall-clock times of day as
// offsets from midnight (21h is 21:00), between 0 and 24h (other values are
// taken modulo 24h). Start is inside the window, End is not. A window with
// Start after End wraps midnight (21:00–08:00); otherwise it lies within one
// day (12:00–13:00). Start == End, and so the zero QuietHours, means no quiet
// hours.
type QuietHours struct {
	Start, End time.Duration
}

// DefaultQuietHours keeps SMS from 21:00 to 08:00.
var DefaultQuietHours = QuietHours{Start: 21 * time.Hour, End: 8 * time.Hour}

// Next returns t when t is outside the quiet window in loc (t's own location
// when loc is nil). Otherwise it returns, in loc, the first instant the wall
// clock reads End: the next morning for a window that wraps midnight entered
// in the evening, the same day otherwise.
//
// The time is found on the calendar in loc, so a daylight-saving change
// overnight does not move it: from 22:00 the message waits until 08:00 local,
// whether that is 9, 10 or 11 hours later. An End that does not exist that
// day, or occurs twice, is resolved as in [ReminderTimes].
func (q QuietHours) Next(t time.Time, loc *time.Location) time.Time {
	start, end := q.Start%scheduleDay, q.End%scheduleDay
	if start < 0 {
		start += scheduleDay
	}
	if end < 0 {
		end += scheduleDay
	}
	if start == end {
		return t
	}
	if loc == nil {
		loc = t.Location()
	}
	local := t.In(loc)
	clock := time.Duration(local.Hour())*time.Hour + time.Duration(local.Minute())*time.Minute +
		time.Duration(local.Second())*time.Second + time.Duration(local.Nanosecond())
	y, m, d := local.Date()
	switch {
	case start < end && clock >= start && clock < end:
		// Within one day: ends later today.
	case start > end && clock >= start:
		d++ // Evening part of a window that wraps midnight: ends tomorrow.
	case start > end && clock < end:
		// Early-morning part: ends this morning.
	default:
		return t
	}
	return scheduleWallTime(y, m, d, int(end/time.Hour), int(end%time.Hour/time.Minute),
		int(end%time.Minute/time.Second), int(end%time.Second), loc)
}

// scheduleWallTime returns the instant at which the wall clock in loc reads the given
// date and time, normalised by [time.Date] (day 0 is the last day of the
// previous month, and so on). A time skipped by a spring-forward gap is read
// with the offset before the gap, so it lands as much later as the gap is
// long; a time repeated by a fall-back is its first occurrence.
func scheduleWallTime(year int, month time.Month, dd, hour, minute, sec, nsec int, loc *time.Location) time.Time {
	t := time.Date(year, month, dd, hour, minute, sec, nsec, loc)
	want := time.Date(year, month, dd, hour, minute, sec, nsec, time.UTC)
	got := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	zoneStart, zoneEnd := t.ZoneBounds()
	if !got.Equal(want) {
		// A gap: time.Date read the time with one of the two offsets around
		// it. Find the transition and read it with the offset before.
		jump := zoneStart
		if got.Before(want) {
			jump = zoneEnd
		}
		if jump.IsZero() {
			return t
		}
		_, before := jump.Add(-time.Nanosecond).Zone()
		return want.Add(-time.Duration(before) * time.Second).In(loc)
	}
	if zoneStart.IsZero() {
		return t
	}
	// A repeat: if clocks went back when t's zone began, the same wall time
	// may also exist, earlier, on the previous offset.
	_, offset := t.Zone()
	_, prev := zoneStart.Add(-time.Nanosecond).Zone()
	if prev > offset {
		if earlier := want.Add(-time.Duration(prev) * time.Second); earlier.Before(zoneStart) {
			return earlier.In(loc)
		}
	}
	return t
}
