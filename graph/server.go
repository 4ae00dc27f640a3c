package graph

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/rules"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"

	"github.com/kith-health/kith"

	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/observe"
	"github.com/kith-health/kith/payment"
	"github.com/kith-health/kith/portal"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/ratelimit"
	"github.com/kith-health/kith/viewer"
)

// HandlerConfig tunes the HTTP handler.
type HandlerConfig struct {
	// Introspection lets clients read the schema. Default false; kith serve turns it on unless told not to.
	Introspection bool
	// GraphiQL serves the GraphiQL IDE at /. Default false; kith serve turns it on unless told not to.
	GraphiQL bool
	// MaxPageSize caps first and last on connections. Default 100.
	MaxPageSize int
	// MaxComplexity caps an operation's cost (see limits). Default 10000.
	MaxComplexity int
	// MaxIntrospectionCost caps the size of what an operation's
	// introspection (__schema, __type) answers, in fields and list
	// elements, measured exactly on the schema. Default
	// DefaultMaxIntrospectionCost.
	MaxIntrospectionCost int
	// MaxTokens caps the tokens in a query document. Default 10000.
	MaxTokens int
	// MaxDepth caps how deep an operation's fields nest, through fragments. Default 15.
	MaxDepth int
	// MaxFields caps the fields (aliases included) one selection set asks for. Default 100.
	MaxFields int
	// Logger receives request errors. Default slog.Default().
	Logger *slog.Logger
	// Ready reports whether kith takes work (not shutting down, the store
	// and the job queue answer), for /readyz. Default: always ready.
	Ready func(context.Context) error
	// PublicURL is where the portal and booking widget live, for links in
	// messages. Default: none, and link placeholders render empty.
	PublicURL string
	// Webhooks serves the providers' webhooks under /webhooks/ (see
	// notifier/twilio and notifier/sendgrid). Default: none.
	Webhooks http.Handler
	// Portal runs the client portal's invitations, sign-ins and sessions.
	// Default: none, and portal fields answer INTERNAL.
	Portal *portal.Service
	// Payments is the card payment provider. Default: none, and paying or
	// saving a card answers INTERNAL.
	Payments payment.Provider
	// MaxBodyBytes caps the body of a request on every route; a larger one
	// answers 413 PAYLOAD_TOO_LARGE. The webhooks keep their own, smaller
	// caps under it. Default DefaultMaxBodyBytes (1 MiB).
	MaxBodyBytes int64
	// WidgetLimit caps the booking widget's public fields per IP address. Default DefaultWidgetLimit.
	WidgetLimit ratelimit.Limit
	// Limits keeps the counts of WidgetLimit: ratelimit.Open shares them
	// between the kith processes of one PostgreSQL database. Default: a
	// ratelimit.Memory of this handler's own.
	Limits ratelimit.Store
	// TrustedProxies are the networks of the reverse proxies in front of
	// kith, whose X-Forwarded-For header says who the client is; everybody
	// else's is ignored. Default none: the connection's address is the
	// client's.
	TrustedProxies []netip.Prefix
	// Metrics counts requests, operations, errors and rate-limit refusals.
	// Default: none, nothing is counted.
	Metrics *observe.Metrics
	// TracerProvider gives each request (withServerSpan) and each GraphQL
	// operation a span. Default: the global provider,
	// otel.GetTracerProvider(), a no-op until one is set.
	TracerProvider trace.TracerProvider
}

func (c *HandlerConfig) defaults() {
	if c.MaxPageSize == 0 {
		c.MaxPageSize = 100
	}
	if c.MaxComplexity == 0 {
		c.MaxComplexity = 10000
	}
	if c.MaxIntrospectionCost == 0 {
		c.MaxIntrospectionCost = DefaultMaxIntrospectionCost
	}
	if c.MaxTokens == 0 {
		c.MaxTokens = 10000
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.MaxDepth == 0 {
		c.MaxDepth = 15
	}
	if c.MaxFields == 0 {
		c.MaxFields = 100
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.TracerProvider == nil {
		c.TracerProvider = otel.GetTracerProvider()
	}
	if c.Ready == nil {
		c.Ready = func(context.Context) error { return nil }
	}
}

// NewHandler returns kith's HTTP handler: /graphql, GraphiQL at / when
// enabled, /healthz, /readyz, and the webhooks when configured. Every
// route caps its request body (MaxBodyBytes) and answers with
// X-Content-Type-Options: nosniff, Referrer-Policy: no-referrer and
// Cache-Control: no-store.
func NewHandler(client *ent.Client, authn *auth.Service, cfg HandlerConfig) http.Handler {
	h, _ := newHandler(client, authn, cfg)
	return h
}

// handlerCaches are a handler's caches, for tests to count what they hold.
type handlerCaches struct {
	parsed    *boundedCache[*ast.QueryDocument]
	persisted *boundedCache[string]
}

// newHandler is NewHandler, with its caches.
func newHandler(client *ent.Client, authn *auth.Service, cfg HandlerConfig) (http.Handler, handlerCaches) {
	cfg.defaults()
	es := NewExecutableSchema(Config{Resolvers: &Resolver{
		DB: client, Auth: authn, Links: compose.Links{PortalURL: cfg.PublicURL}, Portal: cfg.Portal,
		Payments: cfg.Payments,
	}})
	srv := handler.New(es)
	present := presenter(cfg.Logger, cfg.Metrics)
	srv.AddTransport(getTransport{present: present})
	srv.AddTransport(postTransport{maxBody: cfg.MaxBodyBytes, present: present})
	srv.AddTransport(otherMethods{})
	caches := handlerCaches{parsed: queryCache[*ast.QueryDocument](), persisted: persistedQueries()}
	parsed := caches.parsed
	srv.SetQueryCache(parsed)
	srv.SetParserTokenLimit(cfg.MaxTokens)
	// gqlparser's MaxIntrospectionDepth walks a fragment once per spread, so
	// fragments spreading the one before twice made it run for ever; limits
	// measures introspection exactly instead (see introspector).
	srv.SetValidationRulesFn(func() *rules.Rules {
		r := rules.NewDefaultRules()
		r.RemoveRule(rules.MaxIntrospectionDepth.Name)
		return r
	})
	srv.Use(operationTracer{tracer: observe.Tracer(cfg.TracerProvider, "graph")})
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(persistedQuery{cache: caches.persisted})
	srv.Use(limits{maxPage: cfg.MaxPageSize, maxCost: cfg.MaxComplexity, maxDepth: cfg.MaxDepth, maxFields: cfg.MaxFields,
		maxTokens: cfg.MaxTokens, maxIntro: cfg.MaxIntrospectionCost, schema: es.Schema(), parsed: parsed})
	srv.Use(argumentCheck{})
	srv.Use(audience{})
	srv.Use(newWidgetLimit(cfg.Limits, cfg.WidgetLimit))
	srv.SetErrorPresenter(present)
	srv.SetRecoverFunc(recoverer(cfg.Logger))
	srv.Use(transactioner{client: client, presenter: present, log: cfg.Logger})
	srv.Use(sessionViewer{})

	mux := http.NewServeMux()
	mux.Handle("/graphql", withCORS(client, authenticate(authn, cfg.Portal, cfg.TrustedProxies, present, srv)))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.Handle("/healthz", onlyGET("/healthz"))
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := cfg.Ready(ctx); err != nil {
			writeRequestError(w, mediaJSON, &requestError{status: http.StatusServiceUnavailable, code: CodeUnavailable,
				message: "kith is not ready (starting, shutting down, or its database or job queue does not answer); try again shortly"})
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	mux.Handle("/readyz", onlyGET("/readyz"))
	if cfg.GraphiQL {
		mux.Handle("GET /{$}", noFraming(playground.Handler("kith", "/graphql")))
		mux.Handle("/{$}", onlyGET("/"))
	}
	if cfg.Webhooks != nil {
		mux.Handle("/webhooks/", knownPaths(cfg.Webhooks))
	}
	mux.HandleFunc("/", notFound)
	h := withAccessLog(cfg.Logger, cfg.Metrics, routed(mux, withSecurityHeaders(withBodyLimit(cfg.MaxBodyBytes, mux))))
	return withServerSpan(cfg.TracerProvider, h), caches
}

// isProbe reports whether r is a health probe (/healthz, /readyz), which
// comes every few seconds and is not traced.
func isProbe(r *http.Request) bool {
	return r.URL.Path == "/healthz" || r.URL.Path == "/readyz"
}

// notFound answers a path kith serves nothing at, with a coded error. The
// path is not repeated: a mistyped link could carry a token.
func notFound(w http.ResponseWriter, _ *http.Request) {
	writeRequestError(w, mediaJSON, &requestError{status: http.StatusNotFound, code: CodeNotFound,
		message: "kith serves nothing at this path; the GraphQL API is at /graphql"})
}

// onlyGET answers 405, with a coded error, a request to path (a route that
// answers GET and HEAD) with another method.
func onlyGET(path string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "GET, HEAD")
		writeRequestError(w, mediaJSON, &requestError{status: http.StatusMethodNotAllowed, code: CodeMethodNotAllowed,
			message: path + " answers GET and HEAD only, not " + strconv.Quote(r.Method)})
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
		writeRequestError(w, mediaJSON, &requestError{status: http.StatusMethodNotAllowed, code: CodeMethodNotAllowed,
			message: "this webhook answers " + strings.Join(allow, ", ") + " only, not " + strconv.Quote(r.Method)})
	})
}

// authenticate puts the viewer of a valid bearer token in the context: a
// staff member (kith_st_…), or a portal user (kith_ps_…) acting for the
// client named in the X-Kith-Client header when they may, checked on this
// very request. A request without a token, or with a bad one, goes on with
// no viewer: public fields such as signIn work, and everything else answers
// UNAUTHENTICATED. When the token cannot be checked at all (the store is
// down), the request ends with INTERNAL rather than pretending the
// credentials were wrong.
func authenticate(authn *auth.Service, portals *portal.Service, trusted []netip.Prefix, present graphql.ErrorPresenterFunc, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), clientIPKey{}, clientAddress(r, trusted))
		header := strings.TrimSpace(r.Header.Get("X-Kith-Client"))
		if header != "" && !safeRequestID.MatchString(header) {
			// Not an ID at all (too long, or bytes no ID has): refused here,
			// before it reaches a query or a log.
			writeErrors(w, mediaJSON, http.StatusBadRequest, gqlerror.List{{
				Message:    "the X-Kith-Client header must be the ID of a client you act for, as portalViewer lists them",
				Extensions: map[string]any{"code": CodeBadUserInput, "field": "X-Kith-Client"},
			}}, nil)
			return
		}
		acting := pulid.ID(header)
		ctx = context.WithValue(ctx, actingKey{}, acting)
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
				infoFrom(ctx).setViewer(v)
			case !errors.Is(err, kith.ErrUnauthenticated):
				writeErrors(w, mediaJSON, http.StatusServiceUnavailable, gqlerror.List{present(ctx, err)}, nil)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

type (
	clientIPKey struct{}
	actingKey   struct{}
)

// clientAddress is the client's address as rate limits count it (see
// remoteIP): the connection's, unless that is one of the trusted proxies;
// then the nearest address in X-Forwarded-For, read from the right, that is
// not a trusted proxy itself. An entry that does not parse ends the walk at
// the last trusted hop, so a client cannot pass for another by writing the
// header itself: only what the trusted proxies appended is believed.
func clientAddress(r *http.Request, trusted []netip.Prefix) string {
	if len(trusted) == 0 {
		return remoteIP(r)
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !inPrefixes(peer, trusted) {
		return remoteIP(r)
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		addr, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		peer = addr
		if !inPrefixes(peer, trusted) {
			break
		}
	}
	return addressKey(peer)
}

// inPrefixes reports whether addr lies in one of prefixes.
func inPrefixes(addr netip.Addr, prefixes []netip.Prefix) bool {
	addr = addr.Unmap().WithZone("")
	for _, p := range prefixes {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// remoteIP is the address the request came from, without its port, as
// rate limits count it: an IPv4 address whole, an IPv6 address by its /64
// network, since one subscriber holds a whole /64 and could otherwise take
// a fresh budget with every address in it.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	return addressKey(addr)
}

// addressKey is how rate limits name addr: an IPv4 address whole, an IPv6
// one by its /64.
func addressKey(addr netip.Addr) string {
	addr = addr.Unmap().WithZone("")
	if addr.Is6() {
		return netip.PrefixFrom(addr, 64).Masked().String()
	}
	return addr.String()
}

// clientIP is the IP address the request came from, for rate limits.
func clientIP(ctx context.Context) string {
	ip, _ := ctx.Value(clientIPKey{}).(string)
	return ip
}

// actingHeader is the client a portal request named in X-Kith-Client.
func actingHeader(ctx context.Context) pulid.ID {
	id, _ := ctx.Value(actingKey{}).(pulid.ID)
	return id
}
