package schematype_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/schematype"
)

func TestCheckEventTypes(t *testing.T) {
	t.Parallel()
	got, err := schematype.CheckEventTypes([]string{"client.created", "appointment.booked", "client.created"})
	require.NoError(t, err)
	require.Equal(t, []schematype.EventType{schematype.EventAppointmentBooked, schematype.EventClientCreated}, got)

	_, err = schematype.CheckEventTypes(nil)
	require.ErrorContains(t, err, "at least one")
	_, err = schematype.CheckEventTypes([]string{"appointment.booked", "webhook.test"})
	require.ErrorContains(t, err, `"webhook.test"`)
	_, err = schematype.CheckEventTypes([]string{strings.Repeat("é", 100)})
	require.ErrorContains(t, err, "…")
}
