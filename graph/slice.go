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
	// The elements' contexts and indexes, made in one allocation each rather
	// than two for every element.
	fcs, index := make([]graphql.FieldContext, length), make([]int, length)
	for i := range length {
		index[i] = i
		fcs[i].Index = &index[i]
		child := graphql.WithFieldContext(ctx, &fcs[i])
		if omitPanicHandler {
			ret[i] = marshalElement(child, i)
			continue
		}
		var ok bool
		if ret[i], ok = marshalRecovered(child, i, marshalElement); !ok {
			return nil
		}
	}
	return ret
}

// marshalRecovered marshals element i, and reports false after adding the
// error of a panic in it to ctx's field.
func marshalRecovered(ctx context.Context, i int, marshalElement func(ctx context.Context, i int) graphql.Marshaler) (m graphql.Marshaler, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			graphql.AddError(ctx, graphql.Recover(ctx, r))
			ok = false
		}
	}()
	return marshalElement(ctx, i), true
}
