package graph_test

import (
	"encoding/json"
	"testing"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"
)

// TestPortalBookingWithSeveralLeadTimes: once the practice has two reminder
// lead times, booking and moving in the portal still work, on PostgreSQL
// too (where the reminder jobs once collided and answered INTERNAL), and
// each booking has a reminder job per lead time: the practice's due job of
// that lead and due time, which names no appointment.
func TestPortalBookingWithSeveralLeadTimes(t *testing.T) {
	t.Parallel()
	b := setupBookings(t)
	b.api.OK(b.p.Token, `mutation { updateOrganization(input: {reminderLeadMinutes: [60, 1440]}) { id } }`, nil, nil)

	booked := b.book(t, b.patS, b.sam, b.at(10, 0), "lead-times-1")
	require.Equal(t, []string{"pat@example.com", "sam@example.com"}, b.notified(t, booked.ID, "CONFIRMATION"))
	var moved struct{ ReschedulePortalAppointment struct{ ID string } }
	b.api.Acting(b.sam).OK(b.samS, moveMutation, map[string]any{"id": booked.ID, "s": b.at(11, 0)}, &moved)

	args := "args"
	if b.env.DB.Dialect == dialect.SQLite {
		args = "json(args)" // River keeps SQLite's as JSONB
	}
	rows, err := b.env.DB.SQL.Query(`SELECT ` + args + ` FROM river_job WHERE kind = 'kith_reminder'`)
	require.NoError(t, err)
	defer rows.Close()
	leads := map[int64]int{}
	for rows.Next() {
		var raw []byte
		require.NoError(t, rows.Scan(&raw))
		var a struct {
			OrganizationID string `json:"organization_id"`
			AppointmentID  string `json:"appointment_id"`
			Lead           int64  `json:"lead"`
		}
		require.NoError(t, json.Unmarshal(raw, &a), string(raw))
		require.Equal(t, string(b.p.Org.ID), a.OrganizationID, string(raw))
		require.Empty(t, a.AppointmentID, string(raw))
		leads[a.Lead]++
	}
	require.NoError(t, rows.Err())
	require.Equal(t, map[int64]int{60 * 60e9: 2, 24 * 60 * 60e9: 2}, leads, "two lead times, booked then moved")
}
