package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPortalBookingWithSeveralLeadTimes: once the practice has two reminder
// lead times, booking and moving in the portal still work, on PostgreSQL
// too (where the reminder jobs once collided and answered INTERNAL), and
// each booking has a reminder job per lead time.
func TestPortalBookingWithSeveralLeadTimes(t *testing.T) {
	t.Parallel()
	b := setupBookings(t)
	b.api.OK(b.p.Token, `mutation { updateOrganization(input: {reminderLeadMinutes: [60, 1440]}) { id } }`, nil, nil)

	booked := b.book(t, b.patS, b.sam, b.at(10, 0), "lead-times-1")
	require.Equal(t, []string{"pat@example.com", "sam@example.com"}, b.notified(t, booked.ID, "CONFIRMATION"))
	var moved struct{ ReschedulePortalAppointment struct{ ID string } }
	b.api.Acting(b.sam).OK(b.samS, moveMutation, map[string]any{"id": booked.ID, "s": b.at(11, 0)}, &moved)

	var n int
	require.NoError(t, b.env.DB.SQL.QueryRow(`SELECT COUNT(*) FROM river_job WHERE kind = 'kith_reminder'`).Scan(&n))
	require.Equal(t, 4, n, "two lead times, booked then moved")
}
