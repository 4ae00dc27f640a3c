package compose_test

import (
	"testing"
	"time"
	_ "time/tzdata" // the zones must load without /usr/share/zoneinfo

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/notifier/compose"
)

// local is how expected times are written: wall clock and UTC offset, which
// together say which of two repeated wall times is meant.
const local = "2006-01-02 15:04:05 -0700"

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

// parse reads "2026-03-08 10:00 -0400", seconds optional.
func parse(t *testing.T, s string) time.Time {
	t.Helper()
	if v, err := time.Parse("2006-01-02 15:04 -0700", s); err == nil {
		return v
	}
	v, err := time.Parse(local, s)
	require.NoError(t, err)
	return v
}

func formatAll(ts []time.Time, loc *time.Location) []string {
	out := make([]string, len(ts))
	for i, v := range ts {
		out[i] = v.In(loc).Format(local)
	}
	return out
}

func TestReminderTimes(t *testing.T) {
	t.Parallel()
	const (
		toronto = "America/Toronto" // 2026-03-08 02:00 EST → 03:00 EDT; 2026-11-01 02:00 EDT → 01:00 EST
		paris   = "Europe/Paris"    // 2026-03-29 02:00 CET → 03:00 CEST; 2026-10-25 03:00 CEST → 02:00 CET
	)
	cases := []struct {
		name  string
		zone  string
		start string
		leads []time.Duration
		want  []string
	}{
		// America/Toronto, spring forward.
		{"Toronto: Sunday after the jump, default lead: Saturday same time (23h)", toronto,
			"2026-03-08 10:00 -0400", nil,
			[]string{"2026-03-07 10:00:00 -0500"}},
		{"Toronto: Monday, 48h/24h/2h sorted", toronto,
			"2026-03-09 10:00 -0400", []time.Duration{48 * time.Hour, 2 * time.Hour, 24 * time.Hour},
			[]string{"2026-03-07 10:00:00 -0500", "2026-03-08 10:00:00 -0400", "2026-03-09 08:00:00 -0400"}},
		{"Toronto: 12h is exact across the jump", toronto,
			"2026-03-08 10:00 -0400", []time.Duration{12 * time.Hour},
			[]string{"2026-03-07 21:00:00 -0500"}},
		{"Toronto: 02:30 does not exist the day before: read on EST, 03:30 EDT", toronto,
			"2026-03-09 02:30 -0400", nil,
			[]string{"2026-03-08 03:30:00 -0400"}},
		// America/Toronto, fall back.
		{"Toronto: Sunday after fall-back: Saturday same time (25h)", toronto,
			"2026-11-01 10:00 -0500", nil,
			[]string{"2026-10-31 10:00:00 -0400"}},
		{"Toronto: 01:30 occurs twice the day before: the first (EDT)", toronto,
			"2026-11-02 01:30 -0500", nil,
			[]string{"2026-11-01 01:30:00 -0400"}},
		{"Toronto: 3h is exact across fall-back", toronto,
			"2026-11-01 03:00 -0500", []time.Duration{3 * time.Hour},
			[]string{"2026-11-01 01:00:00 -0400"}},
		// Europe/Paris, spring forward.
		{"Paris: Sunday after the jump: Saturday same time (23h)", paris,
			"2026-03-29 10:00 +0200", nil,
			[]string{"2026-03-28 10:00:00 +0100"}},
		{"Paris: 02:30 does not exist the day before: read on CET, 03:30 CEST", paris,
			"2026-03-30 02:30 +0200", nil,
			[]string{"2026-03-29 03:30:00 +0200"}},
		{"Paris: 90m is exact across the jump", paris,
			"2026-03-29 03:30 +0200", []time.Duration{90 * time.Minute},
			[]string{"2026-03-29 01:00:00 +0100"}},
		// Europe/Paris, fall back.
		{"Paris: Sunday after fall-back: Saturday same time (25h)", paris,
			"2026-10-25 10:00 +0100", nil,
			[]string{"2026-10-24 10:00:00 +0200"}},
		{"Paris: 02:30 occurs twice the day before: the first (CEST)", paris,
			"2026-10-26 02:30 +0100", nil,
			[]string{"2026-10-25 02:30:00 +0200"}},
		{"Paris: a week before, across fall-back", paris,
			"2026-10-30 18:15 +0100", []time.Duration{7 * 24 * time.Hour},
			[]string{"2026-10-23 18:15:00 +0200"}},
		// Calendar and list handling.
		{"duplicates removed", toronto,
			"2026-06-10 09:00 -0400", []time.Duration{24 * time.Hour, 1440 * time.Minute, 24 * time.Hour},
			[]string{"2026-06-09 09:00:00 -0400"}},
		{"across a month end", toronto,
			"2026-03-01 09:00 -0500", []time.Duration{48 * time.Hour},
			[]string{"2026-02-27 09:00:00 -0500"}},
		{"start given in UTC is read in the zone", toronto,
			"2026-03-08 14:00 +0000", nil,
			[]string{"2026-03-07 10:00:00 -0500"}},
		{"seconds are kept", paris,
			"2026-03-30 09:15:30 +0200", nil,
			[]string{"2026-03-29 09:15:30 +0200"}},
		{"a negative lead is after start", paris,
			"2026-03-30 09:00 +0200", []time.Duration{-time.Hour},
			[]string{"2026-03-30 10:00:00 +0200"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			loc := zone(t, tc.zone)
			got := compose.ReminderTimes(parse(t, tc.start), loc, tc.leads)
			require.Equal(t, tc.want, formatAll(got, loc))
			for _, g := range got {
				require.Equal(t, loc, g.Location(), "results are in loc")
			}
		})
	}
}

func TestReminderTimesNilLocation(t *testing.T) {
	t.Parallel()
	paris := zone(t, "Europe/Paris")
	start := time.Date(2026, 3, 29, 10, 0, 0, 0, paris)
	got := compose.ReminderTimes(start, nil, nil)
	require.Equal(t, []string{"2026-03-28 10:00:00 +0100"}, formatAll(got, paris))
	require.Equal(t, paris, got[0].Location())
}

// TestReminderTimesTwoZones: one appointment instant, reminders for people in
// two zones. Toronto has sprung forward that weekend, Paris has not.
func TestReminderTimesTwoZones(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 8, 15, 0, 0, 0, time.UTC) // 11:00 EDT, 16:00 CET
	toronto, paris := zone(t, "America/Toronto"), zone(t, "Europe/Paris")

	inToronto := compose.ReminderTimes(start, toronto, nil)
	inParis := compose.ReminderTimes(start, paris, nil)
	require.Equal(t, []string{"2026-03-07 11:00:00 -0500"}, formatAll(inToronto, toronto))
	require.Equal(t, []string{"2026-03-07 16:00:00 +0100"}, formatAll(inParis, paris))
	require.Equal(t, 23*time.Hour, start.Sub(inToronto[0]))
	require.Equal(t, 24*time.Hour, start.Sub(inParis[0]))
}

// TestReminderTimesWholeYear checks the day-lead rule at every half hour of
// every day of 2026 in zones east and west of UTC, south of the equator, and
// one with a 30-minute DST shift.
func TestReminderTimesWholeYear(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"America/Toronto", "Europe/Paris", "Australia/Sydney", "Australia/Lord_Howe", "UTC"} {
		loc := zone(t, name)
		for d := time.Date(2026, 1, 2, 0, 0, 0, 0, loc); d.Year() == 2026; d = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc) {
			for m := 0; m < 24*60; m += 30 {
				start := time.Date(d.Year(), d.Month(), d.Day(), 0, m, 0, 0, loc)
				if start.Hour()*60+start.Minute() != m {
					continue // this wall time does not exist on the appointment day
				}
				got := compose.ReminderTimes(start, loc, nil)
				if len(got) != 1 {
					t.Fatalf("%s %v: %d reminders", name, start, len(got))
				}
				r := got[0]
				py, pm, pd := time.Date(d.Year(), d.Month(), d.Day()-1, 12, 0, 0, 0, loc).Date()
				if ry, rm, rd := r.Date(); ry != py || rm != pm || rd != pd {
					t.Fatalf("%s %v: reminder %v is not the day before", name, start, r)
				}
				if lead := start.Sub(r); lead < 22*time.Hour || lead > 26*time.Hour {
					t.Fatalf("%s %v: lead %v", name, start, lead)
				}
				clock := r.Hour()*60 + r.Minute()
				if clock == m {
					// The wall time exists: it must be its first occurrence.
					if earlierSameWall(r) {
						t.Fatalf("%s %v: %v is not the first occurrence", name, start, r)
					}
					continue
				}
				// It does not exist: read with the offset before the gap,
				// so it lands later by the gap's length.
				_, before := r.Add(-3 * time.Hour).Zone()
				_, after := r.Zone()
				if want := m + (after-before)/60; clock != want {
					t.Fatalf("%s %v: gap rule gave %v, want wall clock %02d:%02d", name, start, r, want/60, want%60)
				}
			}
		}
	}
}

// earlierSameWall reports whether the wall time of r also occurs within the
// three hours before r.
func earlierSameWall(r time.Time) bool {
	for back := 15 * time.Minute; back <= 3*time.Hour; back += 15 * time.Minute {
		e := r.Add(-back)
		if e.Day() == r.Day() && e.Hour() == r.Hour() && e.Minute() == r.Minute() {
			return true
		}
	}
	return false
}

func TestQuietHoursNext(t *testing.T) {
	t.Parallel()
	const (
		toronto = "America/Toronto"
		paris   = "Europe/Paris"
	)
	def := compose.DefaultQuietHours
	noon := compose.QuietHours{Start: 12 * time.Hour, End: 13 * time.Hour}
	cases := []struct {
		name string
		zone string
		q    compose.QuietHours
		at   string
		want string // empty: at itself
	}{
		{"Toronto: midday is not quiet", toronto, def, "2026-03-07 12:00 -0500", ""},
		{"Toronto: 20:59:59 is not quiet", toronto, def, "2026-03-07 20:59:59 -0500", ""},
		{"Toronto: 21:00 is quiet", toronto, def, "2026-03-07 21:00 -0500", "2026-03-08 08:00:00 -0400"},
		{"Toronto: evening before the jump waits to 08:00 EDT (9h)", toronto, def, "2026-03-07 23:00 -0500", "2026-03-08 08:00:00 -0400"},
		{"Toronto: after midnight, before the jump", toronto, def, "2026-03-08 01:30 -0500", "2026-03-08 08:00:00 -0400"},
		{"Toronto: after the jump", toronto, def, "2026-03-08 03:30 -0400", "2026-03-08 08:00:00 -0400"},
		{"Toronto: 07:59:59 waits a second", toronto, def, "2026-03-08 07:59:59 -0400", "2026-03-08 08:00:00 -0400"},
		{"Toronto: 08:00 is not quiet", toronto, def, "2026-03-08 08:00 -0400", ""},
		{"Toronto: evening before fall-back waits to 08:00 EST (11h)", toronto, def, "2026-10-31 21:00 -0400", "2026-11-01 08:00:00 -0500"},
		{"Toronto: first 01:30 of fall-back", toronto, def, "2026-11-01 01:30 -0400", "2026-11-01 08:00:00 -0500"},
		{"Toronto: second 01:30 of fall-back", toronto, def, "2026-11-01 01:30 -0500", "2026-11-01 08:00:00 -0500"},
		{"Toronto: end inside the spring gap is read on EST", toronto,
			compose.QuietHours{Start: 21 * time.Hour, End: 2*time.Hour + 30*time.Minute},
			"2026-03-08 01:00 -0500", "2026-03-08 03:30:00 -0400"},
		{"Toronto: end with minutes", toronto,
			compose.QuietHours{Start: 22 * time.Hour, End: 7*time.Hour + 30*time.Minute},
			"2026-03-07 23:00 -0500", "2026-03-08 07:30:00 -0400"},
		{"Paris: evening before the jump waits to 08:00 CEST", paris, def, "2026-03-28 23:00 +0100", "2026-03-29 08:00:00 +0200"},
		{"Paris: 01:59 before the jump", paris, def, "2026-03-29 01:59 +0100", "2026-03-29 08:00:00 +0200"},
		{"Paris: 03:00 just after the jump", paris, def, "2026-03-29 03:00 +0200", "2026-03-29 08:00:00 +0200"},
		{"Paris: evening before fall-back waits to 08:00 CET", paris, def, "2026-10-24 21:30 +0200", "2026-10-25 08:00:00 +0100"},
		{"Paris: first 02:30 of fall-back", paris, def, "2026-10-25 02:30 +0200", "2026-10-25 08:00:00 +0100"},
		{"Paris: second 02:30 of fall-back", paris, def, "2026-10-25 02:30 +0100", "2026-10-25 08:00:00 +0100"},
		{"Paris: afternoon of fall-back day is not quiet", paris, def, "2026-10-25 15:00 +0100", ""},
		{"non-wrapping window: inside", paris, noon, "2026-03-29 12:30 +0200", "2026-03-29 13:00:00 +0200"},
		{"non-wrapping window: start is inside", paris, noon, "2026-03-29 12:00 +0200", "2026-03-29 13:00:00 +0200"},
		{"non-wrapping window: end is outside", paris, noon, "2026-03-29 13:00 +0200", ""},
		{"non-wrapping window: before", paris, noon, "2026-03-29 11:59 +0200", ""},
		{"non-wrapping window: evening", paris, noon, "2026-03-29 23:00 +0200", ""},
		{"zero QuietHours: never quiet", toronto, compose.QuietHours{}, "2026-03-07 23:00 -0500", ""},
		{"Start == End: never quiet", toronto, compose.QuietHours{Start: 9 * time.Hour, End: 9 * time.Hour}, "2026-03-07 09:00 -0500", ""},
		{"offsets beyond a day are taken modulo 24h", toronto,
			compose.QuietHours{Start: 45 * time.Hour, End: 32 * time.Hour},
			"2026-03-07 23:00 -0500", "2026-03-08 08:00:00 -0400"},
		{"instant given in UTC is read in the zone", toronto, def, "2026-03-08 04:00 +0000", "2026-03-08 08:00:00 -0400"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			loc := zone(t, tc.zone)
			at := parse(t, tc.at)
			got := tc.q.Next(at, loc)
			if tc.want == "" {
				require.True(t, got.Equal(at), "got %v", got)
				return
			}
			require.Equal(t, tc.want, got.In(loc).Format(local))
			require.Equal(t, loc, got.Location())
		})
	}
}

func TestQuietHoursNextNilLocation(t *testing.T) {
	t.Parallel()
	paris := zone(t, "Europe/Paris")
	got := compose.DefaultQuietHours.Next(time.Date(2026, 3, 28, 22, 0, 0, 0, paris), nil)
	require.Equal(t, "2026-03-29 08:00:00 +0200", got.Format(local))
}

// TestQuietHoursNextTwoZones: the same instants for recipients in Toronto
// and Paris.
func TestQuietHoursNextTwoZones(t *testing.T) {
	t.Parallel()
	toronto, paris := zone(t, "America/Toronto"), zone(t, "Europe/Paris")
	q := compose.DefaultQuietHours
	cases := []struct {
		at             time.Time
		toronto, paris string // empty: sent at once
	}{
		// 22:00 EST Saturday, 04:00 CET Sunday: both wait; Toronto springs forward overnight.
		{time.Date(2026, 3, 8, 3, 0, 0, 0, time.UTC), "2026-03-08 08:00:00 -0400", "2026-03-08 08:00:00 +0100"},
		// 09:00 EDT, 14:00 CET: both at once.
		{time.Date(2026, 3, 8, 13, 0, 0, 0, time.UTC), "", ""},
		// 17:30 EDT, 22:30 CET: Paris waits for Monday morning.
		{time.Date(2026, 3, 8, 21, 30, 0, 0, time.UTC), "", "2026-03-09 08:00:00 +0100"},
		// 05:00 EDT, 10:00 CET: Toronto waits.
		{time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC), "2026-03-09 08:00:00 -0400", ""},
	}
	for _, tc := range cases {
		for _, z := range []struct {
			loc  *time.Location
			want string
		}{{toronto, tc.toronto}, {paris, tc.paris}} {
			got := q.Next(tc.at, z.loc)
			if z.want == "" {
				require.True(t, got.Equal(tc.at), "%v in %v: got %v", tc.at, z.loc, got)
				continue
			}
			require.Equal(t, z.want, got.In(z.loc).Format(local), "%v in %v", tc.at, z.loc)
		}
	}
	require.Equal(t, 9*time.Hour, q.Next(cases[0].at, toronto).Sub(cases[0].at), "22:00 EST to 08:00 EDT is 9h")
}

// TestQuietHoursNextWholeYear steps through 2026 every 20 minutes in several
// zones: the result is never earlier, is t itself outside the window, and
// otherwise reads End (08:00) on the wall clock, within 12 hours.
func TestQuietHoursNextWholeYear(t *testing.T) {
	t.Parallel()
	q := compose.DefaultQuietHours
	for _, name := range []string{"America/Toronto", "Europe/Paris", "Australia/Sydney", "Australia/Lord_Howe"} {
		loc := zone(t, name)
		for at := time.Date(2026, 1, 1, 0, 0, 0, 0, loc); at.Year() == 2026; at = at.Add(20 * time.Minute) {
			got := q.Next(at, loc)
			clock := at.Hour()*60 + at.Minute()
			if clock >= 8*60 && clock < 21*60 {
				if !got.Equal(at) {
					t.Fatalf("%s %v → %v: not quiet, must go at once", name, at, got)
				}
				continue
			}
			if !got.After(at) || got.Hour() != 8 || got.Minute() != 0 || got.Sub(at) > 12*time.Hour {
				t.Fatalf("%s %v → %v: want the next 08:00 local", name, at, got)
			}
		}
	}
}
