package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// marshalSlice marshals a list's elements one after another on the
// request's goroutine, where gqlgen's graphql.MarshalSliceConcurrently
// starts a goroutine for each (see graph/codegen, which has the executor
// call it). Like it, it gives each element a field context with its index,
// and a panic in one is an error of the list, which is then null unless
// omitPanicHandler; workerLimit is moot.
func marshalSlice(ctx context.Context, length int, _ int64, omitPanicHandler bool,
	marshalElement func(ctx context.Context, i int) graphql.Marshaler,
) (ret graphql.Array) {
	ret = make(graphql.Array, length)
	for i := range length {
		child := graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
		if omitPanicHandler {
			ret[i] = marshalElement(child, i)
			continue
		}
		if !marshalRecovered(child, func() { ret[i] = marshalElement(child, i) }) {
			return nil
		}
	}
	return ret
}

// marshalRecovered runs marshal, and reports false after adding the error
// of a panic in it to ctx's field.
func marshalRecovered(ctx context.Context, marshal func()) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			graphql.AddError(ctx, graphql.Recover(ctx, r))
			ok = false
		}
	}()
	marshal()
	return true
}
