package server

import (
	"net/http"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/kith-health/kith/observe"
)

// withServerSpan gives each request but the health probes a server span,
// a child of the caller's traceparent when it sends one. The span carries
// the method, and the route and status (set by the access log, which also
// names the span "POST /graphql") only: never the path or query string (a
// link may carry a token), the client's address (anyone's X-Forwarded-For)
// or its user agent, which instrumentation such as otelhttp would record.
func withServerSpan(tp trace.TracerProvider, next http.Handler) http.Handler {
	tracer := observe.Tracer(tp, "server")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isProbe(r) {
			next.ServeHTTP(w, r)
			return
		}
		ctx := observe.Propagator.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		ctx, span := tracer.Start(ctx, "HTTP "+method(r), trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(attribute.String("http.request.method", method(r))))
		defer span.End()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// method is r's method when it is one of HTTP's, else "_OTHER" (as
// OpenTelemetry's conventions say): a span's name and attributes take no
// string the client made up.
func method(r *http.Request) string {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return r.Method
	}
	return "_OTHER"
}
