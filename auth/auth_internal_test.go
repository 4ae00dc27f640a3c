package auth

import (
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"
)

// TestDummyHashCost: the hash compared against when nobody matches costs
// what real hashes cost, so a wrong password takes as long for an unknown
// account as for a known one.
func TestDummyHashCost(t *testing.T) {
	t.Parallel()
	for _, cost := range []int{bcrypt.MinCost, 6} {
		s := New(nil, Config{BcryptCost: cost})
		got, err := bcrypt.Cost(s.dummyHash)
		require.NoError(t, err)
		require.Equal(t, cost, got)
	}
}
