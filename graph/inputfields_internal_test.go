package graph

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPresentFields: the fields an input object gives, in its type's order,
// without those the type does not have; with many given, the type's whole
// order.
func TestPresentFields(t *testing.T) {
	t.Parallel()
	order := []string{"not", "and", "or", "id", "idNEQ", "startsAt", "startsAtGT", "status", "statusIn", "clientID"}
	require.Nil(t, presentFields(map[string]any{}, order))
	require.Equal(t, []string{"startsAtGT"}, presentFields(map[string]any{"startsAtGT": "x"}, order))
	require.Equal(t, []string{"and", "startsAtGT", "statusIn"},
		presentFields(map[string]any{"statusIn": 1, "and": 2, "startsAtGT": 3, "unknown": 4}, order))
	many := map[string]any{}
	for _, f := range order[:inputFieldsAtOnce+1] {
		many[f] = true
	}
	require.Equal(t, order, presentFields(many, order))
}
