package graph

import (
	"context"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/require"
)

// TestMarshalSlice: elements are marshalled in order with their index in
// their field context, and a panic in one is an error of the list, which is
// then null.
func TestMarshalSlice(t *testing.T) {
	t.Parallel()
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, graphql.DefaultRecover)
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: "Client"})
	var order []int
	out := marshalSlice(ctx, 3, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		order = append(order, *graphql.GetFieldContext(ctx).Index)
		return graphql.MarshalInt(i)
	})
	require.Len(t, out, 3)
	require.Equal(t, []int{0, 1, 2}, order)

	out = marshalSlice(ctx, 3, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		if i == 1 {
			panic("broken element")
		}
		return graphql.MarshalInt(i)
	})
	require.Nil(t, out)
	require.Len(t, graphql.GetErrors(ctx), 1)
}
