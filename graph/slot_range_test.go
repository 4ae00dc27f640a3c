package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSlotRangeCountsCalendarDays: availableSlots' 62 days are calendar
// days in the asker's zone, so a range across the autumn change (an hour
// longer) is still 62 days.
func TestSlotRangeCountsCalendarDays(t *testing.T) {
	t.Parallel()
	b := setupBookings(t)
	const q = `query($s: ID!, $f: Time!, $t: Time!) { availableSlots(organization: "maple", serviceId: $s, from: $f, to: $t, timeZone: "America/Toronto") { start } }`
	// 1 October to 2 December 2027 in Toronto: 62 days, one of them 25 hours.
	b.api.OK("", q, map[string]any{"s": b.service, "f": "2027-10-01T00:00:00-04:00", "t": "2027-12-02T00:00:00-05:00"}, nil)
	e := b.api.Fail("", q, map[string]any{"s": b.service, "f": "2027-10-01T00:00:00-04:00", "t": "2027-12-02T00:01:00-05:00"})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "to", e.Field())
	require.Contains(t, e.Message, "62 days")
}
