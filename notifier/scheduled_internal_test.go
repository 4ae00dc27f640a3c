package notifier

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/ent"
)

// TestRelativeScheduledMessageKeepsWallClock: a message 1440 minutes before
// an appointment goes at the same wall-clock time the day before, across a
// daylight-saving change, as reminders do; other leads are exact minutes.
func TestRelativeScheduledMessageKeepsWallClock(t *testing.T) {
	t.Parallel()
	toronto, err := time.LoadLocation("America/Toronto")
	require.NoError(t, err)
	// Clocks go forward on 2026-03-08 at 02:00 in Toronto.
	a := &ent.Appointment{StartsAt: time.Date(2026, 3, 8, 10, 0, 0, 0, toronto).UTC(), TimeZone: "America/Toronto"}
	for minutes, want := range map[int]time.Time{
		1440: time.Date(2026, 3, 7, 10, 0, 0, 0, toronto),
		2880: time.Date(2026, 3, 6, 10, 0, 0, 0, toronto),
		600:  time.Date(2026, 3, 7, 23, 0, 0, 0, toronto), // 10 h exactly, across the change
	} {
		due, ok := dueAt(&ent.ScheduledMessage{MinutesBeforeStart: &minutes}, a)
		require.True(t, ok)
		require.True(t, want.Equal(due), "%d minutes: want %s, got %s", minutes, want, due.In(toronto))
	}
}
