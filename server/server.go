// Package server owns kith's public HTTP handler: its routes (/graphql,
// GraphiQL at /, /healthz, /readyz, the providers' webhooks under
// /webhooks/, the exports and face sheets of package export), the middleware every request passes (server span, access
// log, security headers, body limit), and, in front of the GraphQL API,
// CORS for the booking widget and the authentication of bearer tokens and
// portal sessions into the viewer. The API itself is package graph's
// (graph.NewHandler); kith serve and kithtest.NewAPI both build the whole
// handler with New.
package server

import (
	"context"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql/playground"

	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/export"
	"github.com/kith-health/kith/graph"
)

// CodeUnavailable is /readyz's answer, in extensions.code, when kith does
// not take work.
const CodeUnavailable = "UNAVAILABLE"

// Config tunes the HTTP handler. The embedded graph.HandlerConfig tunes
// the GraphQL API, and its Logger (the access log), Metrics, TracerProvider
// (the server span), Portal (portal sessions) and MaxBodyBytes (every
// route's cap) serve the layers of this package too.
type Config struct {
	graph.HandlerConfig
	// GraphiQL serves the GraphiQL IDE at /. Default false; kith serve turns it on unless told not to.
	GraphiQL bool
	// Ready reports whether kith takes work (not shutting down, the store
	// and the job queue answer), for /readyz. Default: always ready.
	Ready func(context.Context) error
	// Webhooks serves the providers' webhooks under /webhooks/ (see
	// notifier/twilio and notifier/sendgrid); they keep their own, smaller
	// body caps under MaxBodyBytes. Default: none.
	Webhooks http.Handler
	// BodyLimit, when set, is the body cap of a request that may carry more
	// than MaxBodyBytes (SendGrid's Inbound Parse posts whole emails:
	// mailimport.BodyLimit); 0 keeps MaxBodyBytes. Default: none.
	BodyLimit func(*http.Request) int64
	// TrustedProxies are the networks of the reverse proxies in front of
	// kith, whose X-Forwarded-For header says who the client is; everybody
	// else's is ignored. Default none: the connection's address is the
	// client's.
	TrustedProxies []netip.Prefix
}

// New returns kith's HTTP handler over client, signing staff in with
// authn: /graphql, GraphiQL at / when enabled, /healthz, /readyz, and the
// webhooks when configured. Every route caps its request body
// (MaxBodyBytes) and answers with X-Content-Type-Options: nosniff,
// Referrer-Policy: no-referrer and Cache-Control: no-store.
func New(client *ent.Client, authn *auth.Service, cfg Config) http.Handler {
	cfg.HandlerConfig = cfg.HandlerConfig.WithDefaults()
	if cfg.Ready == nil {
		cfg.Ready = func(context.Context) error { return nil }
	}
	o := &origins{db: client}
	if cfg.SocketOrigins == nil { // the origins CORS allows may open a GraphQL WebSocket too
		cfg.SocketOrigins = func(r *http.Request, origin string) bool { return o.allowed(r.Context(), origin) }
	}
	api := graph.NewHandler(client, authn, cfg.HandlerConfig)

	mux := http.NewServeMux()
	mux.Handle("/graphql", withCORS(o, authenticate(authn, cfg.Portal, cfg.TrustedProxies, api.Present, api)))
	// CSV exports and the face sheet: staff's bearer token, as for /graphql.
	exports := authenticate(authn, cfg.Portal, cfg.TrustedProxies, api.Present, export.New(client, api.Present))
	mux.Handle("/exports/", exports)
	mux.Handle("/clients/{id}/face-sheet", exports)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.Handle("/healthz", onlyGET("/healthz"))
	mux.Handle("GET /readyz", readiness(cfg.Ready))
	mux.Handle("/readyz", onlyGET("/readyz"))
	if cfg.GraphiQL {
		mux.Handle("GET /{$}", noFraming(playground.Handler("kith", "/graphql")))
		mux.Handle("/{$}", onlyGET("/"))
	}
	if cfg.Webhooks != nil {
		mux.Handle("/webhooks/", knownPaths(cfg.Webhooks))
	}
	mux.HandleFunc("/", notFound)
	h := withAccessLog(cfg.Logger, cfg.Metrics, routed(mux, withSecurityHeaders(withBodyLimit(cfg.MaxBodyBytes, cfg.BodyLimit, mux))))
	return withServerSpan(cfg.TracerProvider, h)
}

// readiness answers /readyz: "ready" when ready says so within two
// seconds, else 503 UNAVAILABLE.
func readiness(ready func(context.Context) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := ready(ctx); err != nil {
			graph.WriteError(r.Context(), w, &graph.RequestError{Status: http.StatusServiceUnavailable, Code: CodeUnavailable,
				Message: "kith is not ready (starting, shutting down, or its database or job queue does not answer); try again shortly"})
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
}

// isProbe reports whether r is a health probe (/healthz, /readyz), which
// comes every few seconds and is not traced.
func isProbe(r *http.Request) bool {
	return r.URL.Path == "/healthz" || r.URL.Path == "/readyz"
}

// notFound answers a path kith serves nothing at, with a coded error. The
// path is not repeated: a mistyped link could carry a token.
func notFound(w http.ResponseWriter, r *http.Request) {
	graph.WriteError(r.Context(), w, &graph.RequestError{Status: http.StatusNotFound, Code: graph.CodeNotFound,
		Message: "kith serves nothing at this path; the GraphQL API is at /graphql"})
}

// onlyGET answers 405, with a coded error, a request to path (a route that
// answers GET and HEAD) with another method.
func onlyGET(path string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "GET, HEAD")
		graph.WriteError(r.Context(), w, &graph.RequestError{Status: http.StatusMethodNotAllowed, Code: graph.CodeMethodNotAllowed,
			Message: path + " answers GET and HEAD only, not " + strconv.Quote(r.Method)})
	})
}

// knownPaths answers, in place of the plain text of h when it is a
// ServeMux (as the webhooks are), notFound for a path it has no handler
// for and a coded 405, with Allow, for a method it does not take there.
func knownPaths(h http.Handler) http.Handler {
	m, ok := h.(interface {
		Handler(*http.Request) (http.Handler, string)
	})
	if !ok {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := m.Handler(r); pattern != "" {
			h.ServeHTTP(w, r)
			return
		}
		var allow []string
		for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			other := r.Clone(r.Context())
			other.Method = method
			if _, pattern := m.Handler(other); pattern != "" {
				allow = append(allow, method)
			}
		}
		if len(allow) == 0 {
			notFound(w, r)
			return
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		graph.WriteError(r.Context(), w, &graph.RequestError{Status: http.StatusMethodNotAllowed, Code: graph.CodeMethodNotAllowed,
			Message: "this webhook answers " + strings.Join(allow, ", ") + " only, not " + strconv.Quote(r.Method)})
	})
}
