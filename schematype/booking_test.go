package schematype_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/ent/organization"
	"github.com/kith-health/kith/ent/service"
	"github.com/kith-health/kith/schematype"
)

// TestBookingRuleLimits: every limit names a column of both the
// organisation (its rule) and the service (its override), and its range is
// not empty.
func TestBookingRuleLimits(t *testing.T) {
	t.Parallel()
	require.Len(t, schematype.BookingRuleLimits, 7)
	for name, lim := range schematype.BookingRuleLimits {
		require.True(t, slices.Contains(organization.Columns, name), "organization has no column %s", name)
		require.True(t, slices.Contains(service.Columns, name), "service has no column %s", name)
		require.LessOrEqual(t, lim.Min, lim.Max, name)
		require.True(t, lim.Contains(lim.Min) && lim.Contains(lim.Max), name)
		require.False(t, lim.Contains(lim.Min-1) || lim.Contains(lim.Max+1), name)
	}
}
