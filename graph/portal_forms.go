package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/viewer"
)

// acting checks that a portal request names, in X-Kith-Client, a client
// the person may act for: BAD_USER_INPUT when it names none, NOT_FOUND when
// it is not one of theirs (as portalClient).
func (r *Resolver) acting(ctx context.Context) error {
	_, err := r.actingViewer(ctx)
	return err
}

// actingViewer is acting, returning the portal viewer.
func (r *Resolver) actingViewer(ctx context.Context) (viewer.Portal, error) {
	p, ok := viewer.PortalFromContext(ctx)
	if !ok {
		return viewer.Portal{}, kith.ErrUnauthenticated
	}
	if _, err := r.Portal.ActingClient(ctx, actingHeader(ctx)); err != nil {
		return viewer.Portal{}, err
	}
	return p, nil
}

// underField reports whether the object field of fc was reached straight
// from the root field named root (not through a list, such as
// portalDocuments).
func underField(fc *graphql.FieldContext, root string) bool {
	if fc == nil || fc.Parent == nil || fc.Parent.Index != nil || fc.Parent.Field.Field == nil {
		return false
	}
	return fc.Parent.Field.Name == root
}
