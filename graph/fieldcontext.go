package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// scalarFieldContext is graphql.NewScalarFieldContext given the context's
// Child, which gqlgen made anew, a closure, for every scalar field resolved:
// graph/codegen passes the one of the field's type (childOf…), made once.
func scalarFieldContext(object string, field graphql.CollectedField, isMethod, isResolver bool,
	child func(context.Context, graphql.CollectedField) (*graphql.FieldContext, error),
) (*graphql.FieldContext, error) {
	return &graphql.FieldContext{Object: object, Field: field, IsMethod: isMethod, IsResolver: isResolver, Child: child}, nil
}

// childless is the Child of the contexts of a scalar type's fields: err,
// whatever child is asked of them.
func childless(err error) func(context.Context, graphql.CollectedField) (*graphql.FieldContext, error) {
	return func(context.Context, graphql.CollectedField) (*graphql.FieldContext, error) { return nil, err }
}
