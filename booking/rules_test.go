package booking_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/booking"
)

// TestLatestCountsCalendarDays: how far ahead one may book is counted in
// calendar days of the practice's zone, so across a daylight-saving change
// the limit keeps its wall-clock time (a day is 23 or 25 hours).
func TestLatestCountsCalendarDays(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, zone, now string
		days            int
		want            string // wall-clock time in zone
	}{
		{"Toronto spring forward", "America/Toronto", "2026-03-07 12:00", 1, "2026-03-08 12:00 EDT"},
		{"Toronto fall back", "America/Toronto", "2026-10-31 12:00", 1, "2026-11-01 12:00 EST"},
		{"Toronto across both", "America/Toronto", "2026-03-01 09:00", 250, "2026-11-06 09:00 EST"},
		{"London spring forward", "Europe/London", "2026-03-28 09:00", 2, "2026-03-30 09:00 BST"},
		{"London fall back", "Europe/London", "2026-10-24 09:00", 7, "2026-10-31 09:00 GMT"},
		{"Sydney autumn change", "Australia/Sydney", "2026-04-04 09:00", 1, "2026-04-05 09:00 AEST"},
		{"Sydney spring change", "Australia/Sydney", "2026-10-03 09:00", 60, "2026-12-02 09:00 AEDT"},
		{"no change", "America/Toronto", "2026-06-01 09:00", 60, "2026-07-31 09:00 EDT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			loc, err := time.LoadLocation(tc.zone)
			require.NoError(t, err)
			r := booking.Rules{MaxAdvanceDays: tc.days, Location: loc}
			got := r.Latest(local(t, tc.zone, tc.now))
			require.Equal(t, tc.want, got.In(loc).Format("2006-01-02 15:04 MST"))
		})
	}
}

// TestAdvanceLimitAcrossDaylightSaving: the practice's rules (Toronto) let
// clients book one day ahead; the free times stop at the same wall-clock
// time the next day, whether the clocks sprang forward or fell back.
func TestAdvanceLimitAcrossDaylightSaving(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, now, from, to string
		want                []string
	}{
		{
			name: "spring forward: the 23-hour day ends at 09:00 EDT", now: "2026-03-07 09:00",
			from: "2026-03-08 00:00", to: "2026-03-09 00:00", want: []string{},
		},
		{
			name: "fall back: the 25-hour day ends at 09:30 EST", now: "2026-10-31 09:30",
			from: "2026-11-01 00:00", to: "2026-11-02 00:00", want: []string{"2026-11-01 09:00 EST"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			const zone = "America/Toronto"
			b := setup(t, zone)
			_, err := booking.UpdateRules(b.ctx, b.db, b.org.ID, booking.RulesInput{BookingMaxAdvanceDays: ptr(1)})
			require.NoError(t, err)
			got := b.slots(t, zone, local(t, zone, tc.from), local(t, zone, tc.to), local(t, zone, tc.now))
			require.Equal(t, tc.want, got)

			// CheckBookable, which booking writes go through, agrees: 09:30 is too far.
			org, err := b.db.Organization.Get(b.ctx, b.org.ID)
			require.NoError(t, err)
			err = booking.CheckBookable(b.ctx, b.db, org, b.svc, b.prac, local(t, zone, tc.from[:10]+" 09:30"), local(t, zone, tc.now), false)
			require.Error(t, err)
			require.Contains(t, err.Error(), "book at most 1 day ahead")
		})
	}
}
