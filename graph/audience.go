package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// audience decides who may call each root field, from the schema's
// directives: @public fields anyone, @portal fields portal sessions, and
// every other root field staff only. Deny by default: a new root field
// without a directive is closed to the portal and to visitors. A field
// declared @portal(acting: true) also needs the portal viewer to act for a
// client (notActing otherwise), so its resolver never checks by hand. What
// each viewer then reads is the privacy rules' business (package ent/rule).
type audience struct{}

var _ fieldCheck = audience{}

// checkField implements fieldCheck.
func (audience) checkField(ctx context.Context, fc *graphql.FieldContext) (context.Context, error) {
	if (fc.Object != "Query" && fc.Object != "Mutation" && fc.Object != "Subscription") || fc.Field.Definition == nil ||
		strings.HasPrefix(fc.Field.Name, "__") {
		return ctx, nil // not a root field, or introspection (switched by config)
	}
	return ctx, mayCall(ctx, fieldAudience(fc.Field.Definition))
}

// audienceOf is who a root field is for, as its directives declare it.
type audienceOf struct {
	// public: @public, anyone.
	public bool
	// portal: @portal, portal sessions only; otherwise staff only.
	portal bool
	// acting: @portal(acting: true), a portal session acting for a client.
	acting bool
}

// fieldAudience reads the audience directives of a field definition.
func fieldAudience(def *ast.FieldDefinition) audienceOf {
	a := audienceOf{public: def.Directives.ForName("public") != nil}
	if d := def.Directives.ForName("portal"); d != nil {
		a.portal = true
		if arg := d.Arguments.ForName("acting"); arg != nil && arg.Value != nil {
			a.acting = arg.Value.Raw == "true"
		}
	}
	return a
}

// mayCall is nil when the viewer in ctx may call a root field for a.
func mayCall(ctx context.Context, a audienceOf) error {
	v := viewer.FromContext(ctx)
	p, isPortal := v.(viewer.Portal)
	switch {
	case a.public:
		return nil
	case v == nil:
		return kith.ErrUnauthenticated
	case a.portal && !isPortal:
		return kith.ErrPortalOnly
	case !a.portal && isPortal:
		return kith.ErrStaffOnly
	case a.acting && p.ClientID == "":
		return notActing(actingHeader(ctx))
	}
	return nil
}

// notActing is the one error of a @portal(acting: true) field called by a
// portal viewer who acts for no client: the request named none in the
// X-Kith-Client header (BAD_USER_INPUT), or named one the person may not
// act for right now (NOT_FOUND, like a client that does not exist).
// Authentication (portal.Service.Authenticate) decided which, on this very
// request.
func notActing(requested pulid.ID) error {
	if requested == "" {
		return kith.Invalid("X-Kith-Client", "name the client you act for in the X-Kith-Client header; portalViewer lists them")
	}
	return &kith.NotFoundError{Field: "X-Kith-Client", ID: requested}
}

// actingFor is the client the portal viewer in ctx acts for, for the
// resolver of a @portal(acting: true) field: audience made sure there is
// one before the resolver ran.
func actingFor(ctx context.Context) pulid.ID {
	p, _ := viewer.PortalFromContext(ctx)
	return p.ClientID
}
