package pulid_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/pulid"
)

func TestWellFormed(t *testing.T) {
	t.Parallel()
	id := pulid.New("cl")
	require.True(t, id.WellFormed())
	require.Len(t, string(id), pulid.Len)
	s := string(id)
	for _, bad := range []string{
		"", "cl", "cl1", s + "0", s[:len(s)-1],
		"Cl" + s[2:], "c1" + s[2:], // the prefix
		s[:2] + strings.ToLower(s[2:]), // the ULID's case
		s[:2] + "8" + s[3:],            // past the largest ULID
		s[:5] + "U" + s[6:],            // not Crockford
		s[:5] + "\x00" + s[6:], s[:5] + "\xff" + s[6:],
	} {
		require.False(t, pulid.ID(bad).WellFormed(), "%q", bad)
	}
}
