package graph_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestTimeFiltersCompareInstants filters by times written with different
// offsets: the same instants find the same rows, whatever offset the
// filter, or the value when it was written, used. SQLite keeps times as
// text, so this holds only when every time reaches it in UTC.
func TestTimeFiltersCompareInstants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.createClient(t, map[string]any{"firstName": "Ana", "lastName": "Silva", "email": "ana@example.com"}, nil)
	start := time.Date(2031, 12, 11, 15, 0, 0, 0, time.UTC)
	var appt struct{ CreateAppointment struct{ ID string } }
	b.api.OK(b.token, createAppointment, map[string]any{"in": map[string]any{"clientID": c.ID, "practitionerID": string(b.p.Owner.ID),
		"startsAt": start.Format(time.RFC3339), "endsAt": start.Add(50 * time.Minute).Format(time.RFC3339)}}, &appt)

	windows := map[string][2]string{
		"UTC":    {"2031-12-11T14:59:00Z", "2031-12-11T15:01:00Z"},
		"-05:00": {"2031-12-11T09:59:00-05:00", "2031-12-11T10:01:00-05:00"},
		"+05:30": {"2031-12-11T20:29:00+05:30", "2031-12-11T20:31:00+05:30"},
	}
	for name, w := range windows {
		var out struct{ Appointments struct{ TotalCount int } }
		b.api.OK(b.token, `query($from: Time!, $to: Time!){ appointments(where: {startsAtGTE: $from, startsAtLT: $to}){ totalCount } }`,
			map[string]any{"from": w[0], "to": w[1]}, &out)
		require.Equal(t, 1, out.Appointments.TotalCount, "a window written in %s finds the appointment", name)
	}

	// A scheduled message's time is kept as given: written at +05:30, it is
	// found by a window written in UTC or at -05:00, and sorts among
	// messages written in other offsets by its instant.
	for _, at := range []string{"2031-12-11T20:30:00+05:30", "2031-12-11T09:45:00-05:00", "2031-12-11T15:15:00Z"} {
		b.api.OK(b.token, createScheduled, map[string]any{"in": map[string]any{"clientID": c.ID, "sendAt": at, "body": "Hello"}}, nil)
	}
	for name, w := range windows {
		var out struct{ ScheduledMessages struct{ TotalCount int } }
		b.api.OK(b.token, `query($from: Time!, $to: Time!){ scheduledMessages(where: {sendAtGTE: $from, sendAtLT: $to}){ totalCount } }`,
			map[string]any{"from": w[0], "to": w[1]}, &out)
		require.Equal(t, 1, out.ScheduledMessages.TotalCount, "a window written in %s finds the message sent at 15:00 UTC", name)
	}
	var later struct {
		ScheduledMessages struct {
			Edges []struct{ Node struct{ SendAt time.Time } }
		}
	}
	b.api.OK(b.token, `query{ scheduledMessages(where: {sendAtGT: "2031-12-11T09:50:00-05:00"}){ edges { node { sendAt } } } }`, nil, &later)
	require.Len(t, later.ScheduledMessages.Edges, 2, "14:50 UTC is before 15:00 and 15:15, after 14:45")
}
