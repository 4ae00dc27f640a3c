package graph_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/schematype"
)

const staffCreate = `mutation($in: CreateAppointmentInput!) { createAppointment(input: $in) { id startsAt status } }`

// staffAppointment is createAppointment's input for Sam with the
// bookings' practitioner and service, from start for an hour.
func (b *bookings) staffAppointment(start time.Time, extra map[string]any) map[string]any {
	in := map[string]any{"clientID": b.sam, "practitionerID": b.practitioner, "serviceID": b.service,
		"startsAt": start, "endsAt": start.Add(time.Hour)}
	for k, v := range extra {
		in[k] = v
	}
	return map[string]any{"in": in}
}

// TestMissedAndCompletedOnlyOnceStarted: an appointment still to come can
// be neither missed nor completed (BAD_USER_INPUT on id, in words; no
// MISSED notice); one that has started can.
func TestMissedAndCompletedOnlyOnceStarted(t *testing.T) {
	t.Parallel()
	b := setupBookings(t)
	create := func(start time.Time) string {
		var out struct{ CreateAppointment struct{ ID string } }
		b.api.OK(b.p.Token, staffCreate, b.staffAppointment(start, nil), &out)
		return out.CreateAppointment.ID
	}
	ahead := create(time.Now().AddDate(0, 3, 0).UTC().Truncate(time.Minute))
	for _, m := range []string{"markAppointmentMissed", "completeAppointment"} {
		e := b.api.Fail(b.p.Token, `mutation($id: ID!) { `+m+`(id: $id) { id status } }`, map[string]any{"id": ahead})
		require.Equal(t, "BAD_USER_INPUT", e.Code(), m)
		require.Equal(t, "id", e.Field(), m)
		require.Contains(t, e.Message, "only once it has started", m)
	}
	var node struct{ Node struct{ Status string } }
	b.api.OK(b.p.Token, `query($id: ID!) { node(id: $id) { ... on Appointment { status } } }`, map[string]any{"id": ahead}, &node)
	require.Equal(t, "BOOKED", node.Node.Status)
	require.Empty(t, b.notified(t, ahead, schematype.MessageKindMissed), "no MISSED notice")

	yesterday := time.Now().Add(-25 * time.Hour).UTC().Truncate(time.Minute)
	missed := create(yesterday)
	var out struct{ MarkAppointmentMissed struct{ Status string } }
	b.api.OK(b.p.Token, `mutation($id: ID!) { markAppointmentMissed(id: $id) { status } }`, map[string]any{"id": missed}, &out)
	require.Equal(t, "MISSED", out.MarkAppointmentMissed.Status)
	held := create(yesterday.Add(2 * time.Hour))
	var done struct{ CompleteAppointment struct{ Status string } }
	b.api.OK(b.p.Token, `mutation($id: ID!) { completeAppointment(id: $id) { status } }`, map[string]any{"id": held}, &done)
	require.Equal(t, "COMPLETED", done.CompleteAppointment.Status)
}
