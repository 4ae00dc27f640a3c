package graph

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/rules"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"

	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/billing/cardprocessor"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/event"
	"github.com/kith-health/kith/mailimport"
	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/observe"
	"github.com/kith-health/kith/portal"
	"github.com/kith-health/kith/ratelimit"
)

// HandlerConfig tunes the GraphQL API. Package server embeds it in its
// own Config, and its Logger, Metrics, TracerProvider, Portal and
// MaxBodyBytes serve the HTTP layer in front of the API too.
type HandlerConfig struct {
	// Introspection lets clients read the schema. Default false; kith serve turns it on unless told not to.
	Introspection bool
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
	// PublicURL is where the portal and booking widget live, for links in
	// messages. Default: none, and link placeholders render empty.
	PublicURL string
	// Portal runs the client portal's invitations, sign-ins and sessions.
	// Default: none, and portal fields answer INTERNAL.
	Portal *portal.Service
	// Payments is the card payment provider. Default: none, and paying or
	// saving a card answers INTERNAL.
	Payments cardprocessor.Provider
	// Mailboxes connects, disconnects and lists shared mailboxes (package
	// mailimport). Default: one without key, so connectMailbox answers that
	// mailboxes are not configured.
	Mailboxes *mailimport.Service
	// Events manages webhook endpoints and their deliveries (package
	// event). Default: a service attached to no queue, whose writes fail.
	Events *event.Service
	// MaxBodyBytes caps the body of a request; a larger one answers 413
	// PAYLOAD_TOO_LARGE. Package server caps every route with it but those
	// its Config.BodyLimit lets carry more (SendGrid's Inbound Parse). Default
	// DefaultMaxBodyBytes (1 MiB).
	MaxBodyBytes int64
	// WidgetLimit caps the booking widget's public fields per IP address. Default DefaultWidgetLimit.
	WidgetLimit ratelimit.Limit
	// Limits keeps the counts of WidgetLimit: ratelimit.Open shares them
	// between the kith processes of one PostgreSQL database. Default: a
	// ratelimit.Memory of this handler's own.
	Limits ratelimit.Store
	// Metrics counts requests, operations, errors and rate-limit refusals.
	// Default: none, nothing is counted.
	Metrics *observe.Metrics
	// TracerProvider gives each GraphQL operation (and, in package server,
	// each request) a span. Default: the global provider,
	// otel.GetTracerProvider(), a no-op until one is set.
	TracerProvider trace.TracerProvider
	// SocketOrigins reports whether a page at origin, other than /graphql's
	// own host, may open a GraphQL WebSocket (package server: the origins
	// CORS allows). Default: none but the same origin.
	SocketOrigins func(r *http.Request, origin string) bool
	// SocketRecheck is how often a WebSocket's token is checked again; the
	// socket ends once it no longer holds. Default DefaultSocketRecheck.
	SocketRecheck time.Duration
	// Sockets tracks the open WebSockets, so that a shutdown closes them
	// with CloseServiceRestart (see Sockets.Close). Default: none, they
	// drop when the process exits.
	Sockets *Sockets
}

// WithDefaults is c with every field left zero set to its default: the
// configuration NewHandler runs with.
func (c HandlerConfig) WithDefaults() HandlerConfig {
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
	if c.SocketRecheck <= 0 {
		c.SocketRecheck = DefaultSocketRecheck
	}
	return c
}

// Handler is the GraphQL API over HTTP, at /graphql: kith's transports
// (GET, POST, and WebSocket for subscriptions, see socketTransport),
// then gqlgen's executor with kith's extensions (limits, argument checks,
// audiences, the widget's rate limit, transactions, operation spans). It
// reads who is asking from the request's context, where package server's
// authentication puts the viewer (viewer.NewContext), the client's
// address (WithClientAddress) and the client a portal user acts for
// (WithActingClient); it routes, authenticates and answers CORS for
// nothing itself.
type Handler struct {
	srv     *handler.Server
	present graphql.ErrorPresenterFunc
	caches  handlerCaches
}

// handlerCaches are a handler's caches, for tests to count what they hold.
type handlerCaches struct {
	parsed    *boundedCache[*ast.QueryDocument]
	persisted *boundedCache[string]
}

// NewHandler returns the GraphQL API over client, signing staff in with
// authn, as cfg (WithDefaults) tunes it.
func NewHandler(client *ent.Client, authn *auth.Service, cfg HandlerConfig) *Handler {
	cfg = cfg.WithDefaults()
	es := NewExecutableSchema(Config{Resolvers: &Resolver{
		DB: client, Auth: authn, Links: compose.Links{PortalURL: cfg.PublicURL}, Portal: cfg.Portal,
		Payments: cfg.Payments, Mail: cmp.Or(cfg.Mailboxes, mailimport.New(client, mailimport.Config{})),
		Events: cmp.Or(cfg.Events, event.New(client, event.Config{})),
	}})
	srv := handler.New(es)
	present := presenter(cfg.Logger, cfg.Metrics)
	srv.AddTransport(newSocketTransport(cfg, socketInit(authn, cfg.SocketRecheck, cfg.Logger,
		func(ctx context.Context, err error) string { return present(ctx, err).Message })))
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
	srv.Use(argsOnce{es: es.(*executableSchema)})
	srv.Use(fieldChecks{audience{}, newWidgetLimit(cfg.Limits, cfg.WidgetLimit), sessionViewer{}})
	srv.SetErrorPresenter(present)
	srv.SetRecoverFunc(recoverer(cfg.Logger))
	srv.Use(transactioner{client: client, presenter: present, log: cfg.Logger})
	return &Handler{srv: srv, present: present, caches: caches}
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.srv.ServeHTTP(w, r) }

// Present turns err into the GraphQL error the API answers for it, logged
// and counted as the API's own (INTERNAL with the request ID for anything
// unexpected): for the layers in front of the API that answer in its
// place, such as authentication when the store is down.
func (h *Handler) Present(ctx context.Context, err error) *gqlerror.Error { return h.present(ctx, err) }
