package server

import (
	"errors"
	"net/http"
	"net/netip"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/observe"
	"github.com/kith-health/kith/portal"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// authenticate puts the viewer of a valid bearer token in the context: a
// staff member (kith_st_…), or a portal user (kith_ps_…) acting for the
// client named in the X-Kith-Client header when they may, checked on this
// very request. It also puts there what the API reads of the request
// besides: the client's address (clientAddress, for rate limits) and the
// X-Kith-Client header (graph.WithClientAddress, graph.WithActingClient).
// A request without a token, or with a bad one, goes on with no viewer:
// public fields such as signIn work, and everything else answers
// UNAUTHENTICATED. When the token cannot be checked at all (the store is
// down), the request ends with the API's INTERNAL (present) rather than
// pretending the credentials were wrong.
func authenticate(authn *auth.Service, portals *portal.Service, trusted []netip.Prefix, present graphql.ErrorPresenterFunc, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := portal.WithRequest(graph.WithClientAddress(r.Context(), clientAddress(r, trusted)))
		header := strings.TrimSpace(r.Header.Get("X-Kith-Client"))
		if header != "" && !safeRequestID.MatchString(header) {
			// Not an ID at all (too long, or bytes no ID has): refused here,
			// before it reaches a query or a log.
			graph.WriteError(ctx, w, &graph.RequestError{Status: http.StatusBadRequest, Code: graph.CodeBadUserInput,
				Message: "the X-Kith-Client header must be the ID of a client you act for, as portalViewer lists them",
				Field:   "X-Kith-Client"})
			return
		}
		acting := pulid.ID(header)
		ctx = graph.WithActingClient(ctx, acting)
		if token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			token = strings.TrimSpace(token)
			var (
				v   viewer.Viewer
				err error
			)
			if strings.HasPrefix(token, portal.SessionPrefix) && portals != nil {
				v, err = portals.Authenticate(ctx, token, acting)
			} else {
				v, err = authn.Authenticate(ctx, token)
			}
			switch {
			case err == nil:
				ctx = viewer.NewContext(ctx, v)
				noteViewer(observe.RequestFrom(ctx), v)
			case !errors.Is(err, kith.ErrUnauthenticated):
				graph.WriteErrors(ctx, w, http.StatusServiceUnavailable, gqlerror.List{present(ctx, err)})
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
