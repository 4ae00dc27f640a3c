package observe

import (
	"context"

	"github.com/kith-health/kith/pulid"
)

// Request is what the layers of one HTTP request learn about it, for its
// access-log line, its metrics and its span: the server package's access
// log starts it (ID) and fills the route and the viewer; package graph
// adds the GraphQL operation and the codes of the errors it answers. Every
// write happens on the request's own goroutine. Its methods do nothing on
// a nil *Request (outside the access log).
type Request struct {
	// ID is the request's ID, as the X-Request-ID header answers it.
	ID string
	// Route is the pattern of the mux that served it, "" before one did.
	Route string
	// Operation is graph's bounded label of the GraphQL operation
	// ("query:me"), "" before one was read.
	Operation string
	// OperationName is the operation's name as the client wrote it, when
	// it is safe to log (a GraphQL name of at most 64 characters).
	OperationName string
	// Viewer is who the request came from: staff, api_key, portal, system
	// or anonymous.
	Viewer string
	// APIKey names the API key the request came with, "name (id)"; never
	// its secret. Empty for other viewers.
	APIKey string
	// Organization is the viewer's organisation, if any.
	Organization pulid.ID
	// Codes are the extensions.code of each error answered, UNCODED for one without.
	Codes []string
}

type requestKey struct{}

// NewRequestContext returns ctx carrying r.
func NewRequestContext(ctx context.Context, r *Request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// RequestFrom is the request in ctx, or nil outside the access log.
func RequestFrom(ctx context.Context) *Request {
	r, _ := ctx.Value(requestKey{}).(*Request)
	return r
}

// RequestID is the ID of the request in ctx, or "".
func RequestID(ctx context.Context) string {
	if r := RequestFrom(ctx); r != nil {
		return r.ID
	}
	return ""
}

// SetOperation records the GraphQL operation the request ran: its label
// and, when safe to log, the client's name for it.
func (r *Request) SetOperation(label, name string) {
	if r == nil {
		return
	}
	r.Operation, r.OperationName = label, name
}

// AddCodes records the extensions.code of errors answered to the request.
func (r *Request) AddCodes(codes ...string) {
	if r == nil {
		return
	}
	r.Codes = append(r.Codes, codes...)
}
