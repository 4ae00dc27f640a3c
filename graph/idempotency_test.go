package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/notifier/notifiertest"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
)

// TestStaffCreateAppointmentHonoursIdempotencyKey: staff's createAppointment
// answers a repeated key as the portal's booking does: the same appointment
// for the same details (notified once), CONFLICT on idempotencyKey with a
// sentence for other details, whichever path used the key first.
func TestStaffCreateAppointmentHonoursIdempotencyKey(t *testing.T) {
	t.Parallel()
	b := setupBookings(t)
	extra := map[string]any{"idempotencyKey": " staff-1 ", "location": "Room 2", "notes": "first visit"}
	var first, again struct{ CreateAppointment struct{ ID, Status string } }
	b.api.OK(b.p.Token, staffCreate, b.staffAppointment(b.at(10, 0), extra), &first)
	notices := b.notified(t, first.CreateAppointment.ID, schematype.MessageKindConfirmation)
	require.NotEmpty(t, notices)

	b.api.OK(b.p.Token, staffCreate, b.staffAppointment(b.at(10, 0), extra), &again)
	require.Equal(t, first.CreateAppointment.ID, again.CreateAppointment.ID, "the same key and details return the same appointment")
	require.Equal(t, notices, b.notified(t, first.CreateAppointment.ID, schematype.MessageKindConfirmation), "and notify once")

	for name, vars := range map[string]map[string]any{
		"another start": b.staffAppointment(b.at(12, 0), extra),
		"other notes":   b.staffAppointment(b.at(10, 0), map[string]any{"idempotencyKey": "staff-1", "location": "Room 2", "notes": "second"}),
		"another client": {"in": map[string]any{"clientID": b.alex, "practitionerID": b.practitioner, "serviceID": b.service,
			"startsAt": b.at(14, 0), "endsAt": b.at(15, 0), "idempotencyKey": "staff-1"}},
	} {
		e := b.api.Fail(b.p.Token, staffCreate, vars)
		require.Equal(t, "CONFLICT", e.Code(), name)
		require.Equal(t, "idempotencyKey", e.Field(), name)
		require.Contains(t, e.Message, "idempotency key was already used", name)
	}
	e := b.api.Acting(b.sam).Fail(b.samS, bookMutation, b.bookVars(b.at(15, 0), "staff-1"))
	require.Equal(t, "CONFLICT", e.Code(), "a key staff used, in the portal")
	require.Equal(t, "idempotencyKey", e.Field())

	// A key the portal used first, at staff: the same answer.
	portal := b.book(t, b.samS, b.sam, b.at(16, 0), "portal-1")
	e = b.api.Fail(b.p.Token, staffCreate, b.staffAppointment(b.at(13, 0), map[string]any{"idempotencyKey": "portal-1"}))
	require.Equal(t, "CONFLICT", e.Code())
	require.Equal(t, "idempotencyKey", e.Field())

	e = b.api.Fail(b.p.Token, staffCreate, b.staffAppointment(b.at(13, 0), map[string]any{"idempotencyKey": "  "}))
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "idempotencyKey", e.Field())

	n, err := b.env.DB.Client.Appointment.Query().Where(appointment.PractitionerID(pulid.ID(b.practitioner))).Count(notifiertest.System(b.p))
	require.NoError(t, err)
	require.Equal(t, 2, n, "%s and the staff booking, nothing else", portal.ID)
}
