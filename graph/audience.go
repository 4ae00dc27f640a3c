package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/viewer"
)

// audience decides who may call each root field, from the schema's
// directives: @public fields anyone, @portal fields portal sessions, and
// every other root field staff only. Deny by default: a new root field
// without a directive is closed to the portal and to visitors. What each
// viewer then reads is the privacy rules' business (package ent/rule).
type audience struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.FieldInterceptor
} = audience{}

// ExtensionName implements graphql.HandlerExtension.
func (audience) ExtensionName() string { return "KithAudience" }

// Validate implements graphql.HandlerExtension.
func (audience) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptField implements graphql.FieldInterceptor.
func (audience) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || (fc.Object != "Query" && fc.Object != "Mutation") || fc.Field.Definition == nil ||
		strings.HasPrefix(fc.Field.Name, "__") {
		return next(ctx) // not a root field, or introspection (switched by config)
	}
	if err := mayCall(ctx, fc.Field.Definition.Directives.ForName("public") != nil, fc.Field.Definition.Directives.ForName("portal") != nil); err != nil {
		return nil, err
	}
	return next(ctx)
}

// mayCall is nil when the viewer in ctx may call a root field that is
// public, for the portal, or (neither) for staff.
func mayCall(ctx context.Context, public, forPortal bool) error {
	v := viewer.FromContext(ctx)
	_, isPortal := v.(viewer.Portal)
	switch {
	case public:
		return nil
	case v == nil:
		return kith.ErrUnauthenticated
	case forPortal && !isPortal:
		return kith.ErrPortalOnly
	case !forPortal && isPortal:
		return kith.ErrStaffOnly
	}
	return nil
}
