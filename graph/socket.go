package graph

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
)

// GraphQL over WebSocket, for subscriptions: gqlgen's transport.Websocket
// (graphql-transport-ws, and the older graphql-ws), behind checks of
// kith's own. A socket is a GET /graphql with an Upgrade header; kith
// answers a malformed upgrade with a coded 4xx before gqlgen sees it,
// refuses an Origin that is neither /graphql's own host nor one the
// handler's SocketOrigins allows (the widget origins of CORS), and
// authenticates the socket in connection_init (socketInit). Queries
// and mutations sent over a socket run through the same extensions as over
// HTTP; a mutation's transaction ends with its answer, and a subscription
// holds none. The HTTP server's read and write timeouts do not end a
// socket: net/http clears a connection's deadlines when it is hijacked
// (TestSocketOutlivesServerDeadlines).

// Socket timings.
const (
	// socketInitTimeout is how long a socket may wait before connection_init.
	socketInitTimeout = 10 * time.Second
	// socketKeepAlive is how often the server pings (graphql-transport-ws:
	// a ping the client must answer within twice that; graphql-ws: ka).
	socketKeepAlive = 25 * time.Second
	// DefaultSocketRecheck is how often a socket's token is checked again
	// (see HandlerConfig.SocketRecheck).
	DefaultSocketRecheck = time.Minute
)

// socketTransport is GraphQL over WebSocket at /graphql.
type socketTransport struct {
	ws      transport.Websocket
	origins func(r *http.Request, origin string) bool // nil: same origin only
	sockets *Sockets                                  // nil: not closed at shutdown
}

var _ graphql.Transport = socketTransport{}

// newSocketTransport is the WebSocket transport of a handler configured by cfg.
func newSocketTransport(cfg HandlerConfig, init transport.WebsocketInitFunc) socketTransport {
	limit := cfg.MaxBodyBytes
	return socketTransport{
		ws: transport.Websocket{
			// The Origin is checked by socketTransport.Do, against the
			// configured origins, which coder/websocket's patterns cannot follow.
			Implementation:        socketAccept{transport.CoderWebsocketImplementation{AcceptOptions: websocket.AcceptOptions{InsecureSkipVerify: true}}},
			InitFunc:              init,
			InitTimeout:           socketInitTimeout,
			KeepAlivePingInterval: socketKeepAlive,
			PingPongInterval:      socketKeepAlive,
			PayloadReadLimit:      &limit,
		},
		origins: cfg.SocketOrigins,
		sockets: cfg.Sockets,
	}
}

// Supports implements graphql.Transport: every request that asks to
// upgrade, so that a malformed one gets a coded answer.
func (socketTransport) Supports(r *http.Request) bool { return r.Header.Get("Upgrade") != "" }

// Do implements graphql.Transport.
func (t socketTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	if rerr := checkUpgrade(r); rerr != nil {
		writeRequestError(r.Context(), w, mediaJSON, rerr)
		return
	}
	if origin := r.Header.Get("Origin"); origin != "" && !sameOrigin(r, origin) && (t.origins == nil || !t.origins(r, origin)) {
		writeRequestError(r.Context(), w, mediaJSON, &RequestError{Status: http.StatusForbidden, Code: CodeForbidden,
			Message: "this page's origin may not open a GraphQL WebSocket to kith: only kith's own and the booking widget's allowed origins may"})
		return
	}
	holder := &socketHolder{}
	r = r.WithContext(context.WithValue(r.Context(), socketKey{}, holder))
	t.sockets.serve(w, r, holder, func() { t.ws.Do(w, r, exec) })
}

// socketKey is the context key of a request's socketHolder.
type socketKey struct{}

// socketHolder keeps the connection socketAccept accepted, so that kith
// can close it with a code and reason of its own (see watchSocket).
type socketHolder struct {
	mu     sync.Mutex
	conn   transport.WebsocketConn
	code   int // a close asked for before the connection was accepted
	reason string
}

// close closes the held connection with code and reason, or, before it is
// accepted, as soon as it is.
func (h *socketHolder) close(code int, reason string) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.conn != nil {
		_ = h.conn.WriteClose(code, reason)
	} else if h.code == 0 {
		h.code, h.reason = code, reason
	}
}

// socketAccept is coder/websocket's implementation that also hands the
// connection to the request's socketHolder.
type socketAccept struct {
	transport.CoderWebsocketImplementation
}

// Accept implements transport.WebsocketImplementation.
func (a socketAccept) Accept(w http.ResponseWriter, r *http.Request, opts transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	conn, err := a.CoderWebsocketImplementation.Accept(w, r, opts)
	if h, ok := r.Context().Value(socketKey{}).(*socketHolder); ok && err == nil {
		h.mu.Lock()
		h.conn = conn
		if h.code != 0 {
			_ = conn.WriteClose(h.code, h.reason)
		}
		h.mu.Unlock()
	}
	return conn, err
}

// checkUpgrade is the mistake of a request that cannot be a WebSocket
// handshake, if any.
func checkUpgrade(r *http.Request) *RequestError {
	switch {
	case r.Method != http.MethodGet:
		return &RequestError{Status: http.StatusMethodNotAllowed, Code: CodeMethodNotAllowed,
			Message: "a GraphQL WebSocket opens with GET /graphql, not " + strconv.Quote(r.Method)}
	case !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") || !hasToken(r.Header, "Connection", "upgrade"):
		return badRequest("/graphql upgrades only to a WebSocket: send Upgrade: websocket and Connection: Upgrade")
	case r.Header.Get("Sec-WebSocket-Version") != "13":
		return badRequest("kith speaks WebSocket version 13: send Sec-WebSocket-Version: 13")
	case r.Header.Get("Sec-WebSocket-Key") == "":
		return badRequest("a WebSocket handshake needs a Sec-WebSocket-Key header")
	}
	return nil
}

// hasToken reports whether header name lists token (comma-separated, any case).
func hasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, part := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(part), token) {
				return true
			}
		}
	}
	return false
}

// sameOrigin reports whether origin is the host the request was sent to.
func sameOrigin(r *http.Request, origin string) bool {
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host)
}
