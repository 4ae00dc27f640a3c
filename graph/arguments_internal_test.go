package graph

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestDescribeUnknownScalar: a scalar the presenter has no sentence for
// still gets one naming the field, not its decoder's text.
func TestDescribeUnknownScalar(t *testing.T) {
	t.Parallel()
	require.Equal(t, "price is not valid", describe(ast.NamedType("Money", nil), nil, "price", ""))
	require.Equal(t, "where.status must be one of LEAD, ACTIVE, INACTIVE, ARCHIVED",
		describe(ast.NamedType("ClientWhereInput", nil), []string{"status"}, "where.status", ""))
	require.Equal(t, "tags.0 must be a string", describe(ast.ListType(ast.NonNullNamedType("String", nil), nil), []string{"0"}, "tags.0", ""))
}
