package graph

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/observe"
	"github.com/kith-health/kith/portal"
	"github.com/kith-health/kith/viewer"
)

// CloseForbidden is the WebSocket close code of a socket kith refuses or
// ends because its credentials do not (or no longer) allow it, as
// graphql-transport-ws uses it.
const CloseForbidden = 4403

// closeInternal is the close code of a socket whose token could not be checked.
const closeInternal = 1011

// Close reasons (at most 123 bytes each, as a close frame allows).
const (
	reasonNoToken  = "sign in first: send Authorization: Bearer <staff token> in connection_init"
	reasonBadToken = "the token is unknown, expired or revoked, or its staff member inactive: sign in again"
	reasonPortal   = "subscriptions are for staff: a portal session cannot open a GraphQL WebSocket"
	reasonInternal = "kith could not check the token; try again shortly"
	reasonEnded    = "access ended: the token was revoked or expired, or the staff member changed; sign in again"
)

// socketInit authenticates a socket like any request, once in
// connection_init: the payload's Authorization (or authorization) "Bearer
// <token>", else the upgrade request's header (already checked by package
// server: the viewer in ctx). Staff only: a portal session is refused.
// Refused, the socket closes with CloseForbidden and a reason; the token
// is never logged or repeated. Accepted, the token is checked again every
// recheck (auth.Service.StillValid) and the socket ends, with its
// subscriptions, once it no longer holds.
func socketInit(authn *auth.Service, recheck time.Duration, log *slog.Logger, present func(context.Context, error) string) transport.WebsocketInitFunc {
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		v, reason, code, err := socketViewer(ctx, authn, payload)
		if err != nil {
			if code == closeInternal {
				reason = present(ctx, err) // logged as the API's own, with the request ID
			}
			ctx = transport.WithWebsocketCloseCode(transport.AppendCloseReason(ctx, reason), code)
			return ctx, nil, errors.New(reason)
		}
		if req := observe.RequestFrom(ctx); req != nil {
			req.Viewer, req.Organization = "staff", v.OrgID
		}
		ctx = viewer.NewContext(ctx, v)
		return watchSocket(ctx, authn, v, recheck, log), nil, nil
	}
}

// socketViewer is the staff viewer a socket authenticates as, or why not.
func socketViewer(ctx context.Context, authn *auth.Service, payload transport.InitPayload) (viewer.Staff, string, int, error) {
	if header := payload.Authorization(); header != "" {
		token, ok := strings.CutPrefix(header, "Bearer ")
		token = strings.TrimSpace(token)
		switch {
		case !ok || token == "":
			return viewer.Staff{}, reasonNoToken, CloseForbidden, kith.ErrUnauthenticated
		case strings.HasPrefix(token, portal.SessionPrefix):
			return viewer.Staff{}, reasonPortal, CloseForbidden, kith.ErrUnauthenticated
		}
		v, err := authn.Authenticate(ctx, token)
		switch {
		case errors.Is(err, kith.ErrUnauthenticated):
			return viewer.Staff{}, reasonBadToken, CloseForbidden, err
		case err != nil:
			return viewer.Staff{}, reasonInternal, closeInternal, err
		}
		return v, "", 0, nil
	}
	switch v := viewer.FromContext(ctx).(type) {
	case viewer.Staff:
		return v, "", 0, nil
	case viewer.Portal:
		return viewer.Staff{}, reasonPortal, CloseForbidden, kith.ErrUnauthenticated
	}
	return viewer.Staff{}, reasonNoToken, CloseForbidden, kith.ErrUnauthenticated
}

// watchSocket returns ctx, ended (and with it the socket, closed with
// CloseForbidden, and its subscriptions) once v's token no longer holds,
// checked every recheck until ctx ends. A check that fails for another
// reason (the store is unwell) is logged and tried again at the next tick.
func watchSocket(ctx context.Context, authn *auth.Service, v viewer.Staff, recheck time.Duration, log *slog.Logger) context.Context {
	holder, _ := ctx.Value(socketKey{}).(*socketHolder)
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		defer cancel()
		tick := time.NewTicker(recheck)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			err := authn.StillValid(ctx, v)
			switch {
			case errors.Is(err, kith.ErrUnauthenticated):
				holder.close(CloseForbidden, reasonEnded)
				return
			case err != nil && ctx.Err() == nil:
				log.WarnContext(ctx, "graphql socket: could not check its token again", "organization", string(v.OrgID))
			}
		}
	}()
	return ctx
}
