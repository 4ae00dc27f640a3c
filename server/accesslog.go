package server

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/kith-health/kith/observe"
	"github.com/kith-health/kith/viewer"
)

// noteViewer records in req who the request came from, as authenticate found them.
func noteViewer(req *observe.Request, v viewer.Viewer) {
	if req == nil {
		return
	}
	req.Viewer = viewerKind(v)
	req.Organization, _ = v.Organization()
	if s, ok := v.(viewer.Staff); ok && s.IsAPIKey() {
		req.APIKey = s.APIKeyName + " (" + string(s.APIKeyID) + ")"
	}
}

// viewerKind names v's kind for logs: staff, api_key, portal, system or
// anonymous.
func viewerKind(v viewer.Viewer) string {
	switch v := v.(type) {
	case viewer.Staff:
		if v.IsAPIKey() {
			return "api_key"
		}
		return "staff"
	case viewer.Portal:
		return "portal"
	case viewer.System:
		return "system"
	default:
		return "anonymous"
	}
}

// safeRequestID is how an ID a client sends looks when it is safe to echo
// and log: X-Request-ID, and X-Kith-Client (see authenticate).
var safeRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// withAccessLog gives every request an ID (the caller's X-Request-ID when
// it is safe to echo: at most 64 letters, digits, dots, dashes and
// underscores), returns it in the X-Request-ID header, and when the request
// is over writes one line about it to log and counts it in m. The line has
// the request ID, method, route (the pattern that served it: never the
// path, which a mistyped link may fill with a token, nor the query
// string), status, duration, the GraphQL operation (its bounded label and
// the client's name for it), the viewer's kind and organisation (and an API
// key's name and ID, never its secret), and the
// codes of the errors answered; never a body, variables, header or token.
// Health probes (/healthz, /readyz) that succeed are logged at debug
// level, everything else at info. It also names the request's HTTP span by
// its method and route.
func withAccessLog(log *slog.Logger, m *observe.Metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-ID")
		if !safeRequestID.MatchString(id) {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-ID", id)
		info := &observe.Request{ID: id, Viewer: "anonymous"}
		aw := &accessWriter{ResponseWriter: w}
		ctx := observe.NewRequestContext(r.Context(), info)
		panicked := true
		defer func() {
			status := aw.status
			if panicked {
				status = http.StatusInternalServerError
			} else if status == 0 {
				status = http.StatusOK
			}
			logRequest(ctx, log, m, r, info, status, time.Since(start))
		}()
		next.ServeHTTP(aw, r.WithContext(ctx))
		panicked = false
	})
}

// logRequest writes the access-log line of a request, counts it, and names its span.
func logRequest(ctx context.Context, log *slog.Logger, m *observe.Metrics, r *http.Request, info *observe.Request, status int, d time.Duration) {
	route := info.Route
	if route == "" {
		route = "unmatched"
	}
	path := route
	if _, p, ok := strings.Cut(route, " "); ok { // "GET /healthz": the path of a method's pattern
		path = p
	}
	if span := trace.SpanFromContext(ctx); span.IsRecording() {
		span.SetName(method(r) + " " + path)
		span.SetAttributes(attribute.String("http.route", path), attribute.String("kith.request_id", info.ID),
			attribute.Int("http.response.status_code", status))
		if status >= http.StatusInternalServerError {
			span.SetStatus(codes.Error, http.StatusText(status))
		}
	}
	m.HTTPRequest(path, status)
	isGraphQL := path == "/graphql" && r.Method != http.MethodOptions
	if isGraphQL {
		m.GraphQLRequest(cmp.Or(info.Operation, "invalid"), info.Codes, d)
	}
	level := slog.LevelInfo
	if (path == "/healthz" || path == "/readyz") && status < 400 {
		level = slog.LevelDebug
	}
	attrs := []slog.Attr{
		slog.String("request_id", info.ID),
		slog.String("method", method(r)),
		slog.String("route", path),
		slog.Int("status", status),
		slog.Duration("duration", d),
		slog.String("viewer", info.Viewer),
	}
	if info.Organization != "" {
		attrs = append(attrs, slog.String("organization", string(info.Organization)))
	}
	if info.APIKey != "" {
		attrs = append(attrs, slog.String("api_key", info.APIKey))
	}
	if isGraphQL {
		attrs = append(attrs, slog.String("operation", cmp.Or(info.Operation, "invalid")))
		if info.OperationName != "" {
			attrs = append(attrs, slog.String("operation_name", info.OperationName))
		}
	}
	if len(info.Codes) > 0 {
		attrs = append(attrs, slog.Any("codes", info.Codes))
	}
	log.LogAttrs(ctx, level, "request", attrs...)
}

// accessWriter remembers the status a handler answered.
type accessWriter struct {
	http.ResponseWriter
	status int
}

// WriteHeader implements http.ResponseWriter.
func (w *accessWriter) WriteHeader(code int) {
	if w.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) { // 101: a WebSocket
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write implements http.ResponseWriter.
func (w *accessWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *accessWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush implements http.Flusher when the connection's writer does.
func (w *accessWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// routed records the pattern of mux that will serve the request, then has next serve it.
func routed(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info := observe.RequestFrom(r.Context()); info != nil {
			_, info.Route = mux.Handler(r)
		}
		next.ServeHTTP(w, r)
	})
}
