package server_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/observe"
	"github.com/kith-health/kith/ratelimit"
	"github.com/kith-health/kith/server"
)

// observed is a practice and kith's handler over a database of its own,
// counting into metrics, tracing into spans and logging into log.
type observed struct {
	db      *database.DB
	p       kithtest.Practice
	api     *kithtest.API
	metrics *observe.Metrics
	spans   *tracetest.InMemoryExporter
	log     *kithtest.LogBuffer
}

func setupObserved(t *testing.T) *observed {
	t.Helper()
	o := &observed{metrics: observe.NewMetrics(), spans: tracetest.NewInMemoryExporter(), log: &kithtest.LogBuffer{}}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(o.spans))
	t.Cleanup(func() { _ = tp.Shutdown(t.Context()) })
	o.db = kithtest.Open(t, kithtest.DBURL(t), database.Options{TracerProvider: tp})
	o.metrics.CollectDB(o.db.SQL)
	o.p = kithtest.NewPractice(t, o.db, "alpha")
	o.api = kithtest.NewAPIConfig(t, o.db, server.Config{HandlerConfig: graph.HandlerConfig{
		Metrics: o.metrics, TracerProvider: tp,
		Logger:      slog.New(slog.NewTextHandler(o.log, &slog.HandlerOptions{Level: slog.LevelInfo})),
		WidgetLimit: ratelimit.Limit{Burst: 1, Every: time.Hour},
	}}, auth.Config{})
	return o
}

// post sends body to /graphql with the headers given, name then value.
func (o *observed) post(t *testing.T, body string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	o.api.Handler.ServeHTTP(rec, req)
	return rec
}

// scrape reads /metrics from the admin handler.
func (o *observed) scrape(t *testing.T) string {
	t.Helper()
	rec := httptest.NewRecorder()
	observe.AdminHandler(o.metrics).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	return rec.Body.String()
}

func query(q string, vars map[string]any) string {
	b, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	return string(b)
}

// TestMetrics: requests through the real handler are counted by a label
// of the schema (never the client's operation name) and code, errors by
// code, rate-limit refusals by the field refused; the pool's statistics
// are there too.
func TestMetrics(t *testing.T) {
	t.Parallel()
	o := setupObserved(t)
	bearer := "Bearer " + o.p.Token
	o.post(t, query(`query ClientChosenName { me { id } }`, nil), "Authorization", bearer)
	o.post(t, query(`{ me { id } organization { slug } }`, nil), "Authorization", bearer)
	o.post(t, query(`{ ...A } fragment A on Query { ...B ...B } fragment B on Query { me { id } __typename }`, nil), "Authorization", bearer)
	o.post(t, query(`{ me { id } }`, nil))                                      // UNAUTHENTICATED
	o.post(t, query(`{ me(`, nil))                                              // does not parse
	o.post(t, query(`{ bookableServices(organization: "alpha") { id } }`, nil)) // the widget's one request
	o.post(t, query(`{ bookableServices(organization: "alpha") { id } }`, nil)) // refused
	o.post(t, query(`{ bookableServices(organization: "alpha") { id } }`, nil)) // refused

	text := o.scrape(t)
	for _, want := range []string{
		`kith_graphql_requests_total{code="OK",operation="query:me"} 2`, // the fragments' one too
		`kith_graphql_requests_total{code="OK",operation="query:me+"} 1`,
		`kith_graphql_requests_total{code="UNAUTHENTICATED",operation="query:me"} 1`,
		`kith_graphql_requests_total{code="GRAPHQL_PARSE_FAILED",operation="invalid"} 1`,
		`kith_graphql_requests_total{code="OK",operation="query:bookableServices"} 1`,
		`kith_graphql_requests_total{code="RATE_LIMITED",operation="query:bookableServices"} 2`,
		`kith_graphql_errors_total{code="RATE_LIMITED",operation="query:bookableServices"} 2`,
		`kith_graphql_request_duration_seconds_count{operation="query:me"} 3`,
		`kith_rate_limited_total{limit="bookableServices"} 2`,
		`kith_http_requests_total{route="/graphql",status="200"} 8`,
		`go_sql_max_open_connections{db_name="kith"}`,
		`go_sql_in_use_connections{db_name="kith"}`,
		`go_goroutines`,
	} {
		require.Contains(t, text, want, kithLines(text))
	}
	require.NotContains(t, text, "ClientChosenName", "operation names are the client's: not a label")
}

// kithLines are the lines of a scrape about kith's own counters, for messages.
func kithLines(text string) string {
	var out []string
	for line := range strings.Lines(text) {
		if strings.HasPrefix(line, "kith_") && !strings.Contains(line, "_bucket{") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "")
}

// TestTraces: a request is an HTTP span, its operation a child of it named
// by its label, and the statements of its resolvers children of that;
// none carries a variable or the statement's arguments.
func TestTraces(t *testing.T) {
	t.Parallel()
	o := setupObserved(t)
	secret := "var-Secret-7373"
	rec := o.post(t, query(`query Mine($after: Cursor) { me { id } clients(first: 5, after: $after) { totalCount } }`,
		map[string]any{"after": nil}), "Authorization", "Bearer "+o.p.Token)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	o.post(t, query(signInMutation, map[string]any{"in": map[string]any{
		"organization": "alpha", "email": "owner@alpha.example", "password": secret}}))

	spans := o.spans.GetSpans()
	byName := map[string][]tracetest.SpanStub{}
	for _, s := range spans {
		byName[s.Name] = append(byName[s.Name], s)
		for _, a := range s.Attributes {
			require.NotContains(t, a.Value.Emit(), secret, "%s: %s", s.Name, a.Key)
			require.NotContains(t, a.Value.Emit(), o.p.Token, "%s: %s", s.Name, a.Key)
		}
	}
	require.Len(t, byName["POST /graphql"], 2, spanNames(spans))
	httpSpan := byName["POST /graphql"][0]
	require.False(t, httpSpan.Parent.IsValid(), "the request is the root")
	require.Contains(t, httpSpan.Attributes, attribute.String("http.route", "/graphql"))

	require.Len(t, byName["query:me+"], 1, spanNames(spans))
	op := byName["query:me+"][0]
	require.Equal(t, httpSpan.SpanContext.SpanID(), op.Parent.SpanID(), "the operation is a child of the request")
	require.Equal(t, httpSpan.SpanContext.TraceID(), op.SpanContext.TraceID())
	require.Contains(t, op.Attributes, attribute.String("graphql.operation.name", "Mine"))
	require.Contains(t, op.Attributes, attribute.String("graphql.operation.type", "query"))

	var underOp, underRequest int
	for _, s := range byName["SELECT"] {
		switch s.Parent.SpanID() {
		case op.SpanContext.SpanID():
			underOp++
		case httpSpan.SpanContext.SpanID():
			underRequest++ // the token's check, before the operation
		}
		require.Contains(t, s.Attributes, attribute.String("db.operation.name", "SELECT"))
	}
	require.Positive(t, underOp, "the resolvers' statements are children of the operation: %s", spanNames(spans))
	require.Positive(t, underRequest, "authentication's statements are children of the request")

	require.Len(t, byName["mutation:signIn"], 1, spanNames(spans))
}

// TestTracesCarryNoPathOrClient: a request's span has its method, route
// and status, never its path or query string (a mistyped link may carry a
// token), the client's address (anyone's X-Forwarded-For) or user agent;
// an unknown method is _OTHER. (otelhttp recorded all three.)
func TestTracesCarryNoPathOrClient(t *testing.T) {
	t.Parallel()
	o := setupObserved(t)
	for _, target := range []string{"/portal/claim/kith_inv_Secret-4141?token=kith_inv_Secret-4141", "/graphql?token=kith_inv_Secret-4141"} {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.Header.Set("X-Forwarded-For", "6.6.6.6")
		req.Header.Set("User-Agent", "agent-Secret-4141")
		o.api.Handler.ServeHTTP(httptest.NewRecorder(), req)
	}
	o.api.Handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("BREW", "/graphql", nil))
	spans := o.spans.GetSpans()
	require.Len(t, spans, 3, spanNames(spans))
	for _, s := range spans {
		for _, a := range s.Attributes {
			v := a.Value.Emit()
			require.NotContains(t, v, "Secret-4141", "%s: %s", s.Name, a.Key)
			require.NotContains(t, v, "6.6.6.6", "%s: %s", s.Name, a.Key)
		}
	}
	require.Equal(t, "GET /", spans[0].Name) // the catch-all route, not the path
	require.Contains(t, spans[0].Attributes, attribute.Int("http.response.status_code", http.StatusNotFound))
	require.Equal(t, "_OTHER /graphql", spans[2].Name)
}

func spanNames(spans tracetest.SpanStubs) string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name)
	}
	return strings.Join(out, ", ")
}

// TestAccessLog: one line per request, with the caller's request ID when
// safe (else one of kith's, echoed), route, status, duration, operation,
// viewer kind and organisation; never a variable, token or path.
func TestAccessLog(t *testing.T) {
	t.Parallel()
	o := setupObserved(t)
	secret := "pw-Access-Secret-8181"

	rec := o.post(t, query(`query Mine { me { id } }`, nil), "Authorization", "Bearer "+o.p.Token, "X-Request-ID", "req-42.a_b")
	require.Equal(t, "req-42.a_b", rec.Header().Get("X-Request-ID"))
	rec = o.post(t, query(signInMutation, map[string]any{"in": map[string]any{
		"organization": "alpha", "email": "owner@alpha.example", "password": secret}}), "X-Request-ID", "bad id <"+secret+">")
	generated := rec.Header().Get("X-Request-ID")
	require.Regexp(t, `^[0-9a-f]{16}$`, generated, "an unsafe ID is replaced")

	req := httptest.NewRequest(http.MethodGet, "/claim/kith_pi_"+secret+"?token="+secret, nil)
	o.api.Handler.ServeHTTP(httptest.NewRecorder(), req)

	lines := strings.Split(strings.TrimSpace(o.log.String()), "\n")
	require.Len(t, lines, 3, o.log.String())
	field := func(line, key string) string {
		m := regexp.MustCompile(`\b` + key + `=("[^"]*"|\S+)`).FindStringSubmatch(line)
		if m == nil {
			return ""
		}
		return m[1]
	}
	staff := lines[0]
	require.Contains(t, staff, "level=INFO msg=request ")
	for key, want := range map[string]string{
		"request_id": "req-42.a_b", "method": "POST", "route": "/graphql", "status": "200",
		"viewer": "staff", "organization": string(o.p.Org.ID), "operation": "query:me", "operation_name": "Mine",
	} {
		require.Equal(t, want, field(staff, key), "%s in %s", key, staff)
	}
	require.NotEmpty(t, field(staff, "duration"))

	signIn := lines[1]
	require.Equal(t, generated, field(signIn, "request_id"))
	require.Equal(t, "anonymous", field(signIn, "viewer"), "the request's viewer, not the session it starts")
	require.Equal(t, "mutation:signIn", field(signIn, "operation"))
	require.Empty(t, field(signIn, "organization"))

	other := lines[2]
	require.Equal(t, "404", field(other, "status"))
	require.Equal(t, "/", field(other, "route"), "the pattern, never the path")

	require.NotContains(t, o.log.String(), secret)
	require.NotContains(t, o.log.String(), o.p.Token)
	require.NotContains(t, o.log.String(), "owner@alpha.example")
}

// TestAccessLogPortal: a portal session's requests log viewer=portal and
// its organisation, and neither the invitation's token nor the session's.
func TestAccessLogPortal(t *testing.T) {
	t.Parallel()
	o := setupObserved(t)
	var c struct{ CreateClient struct{ ID string } }
	o.api.OK(o.p.Token, `mutation { createClient(input: {firstName: "Sam", lastName: "Lee", email: "sam@example.com"}) { id } }`, nil, &c)
	o.api.OK(o.p.Token, `mutation($id: ID!) { inviteClientToPortal(clientId: $id) { id } }`, map[string]any{"id": c.CreateClient.ID}, nil)
	_, invitation, ok := strings.Cut(o.api.Outbox.Last(t, "sam@example.com").Link, "token=")
	require.True(t, ok)
	var claimed struct{ ClaimPortalInvitation struct{ Token string } }
	o.api.OK("", `mutation($t: String!) { claimPortalInvitation(token: $t) { token } }`, map[string]any{"t": invitation}, &claimed)
	session := claimed.ClaimPortalInvitation.Token
	rec := o.post(t, query(`{ portalViewer { email } }`, nil), "Authorization", "Bearer "+session)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())

	lines := strings.Split(strings.TrimSpace(o.log.String()), "\n")
	last := lines[len(lines)-1]
	require.Contains(t, last, " viewer=portal organization="+string(o.p.Org.ID)+" ")
	require.Contains(t, last, " operation=query:portalViewer")
	require.NotContains(t, o.log.String(), invitation)
	require.NotContains(t, o.log.String(), session)
	require.NotContains(t, o.log.String(), "sam@example.com")
}

// TestAccessLogProbes: health probes that succeed log at debug level only.
func TestAccessLogProbes(t *testing.T) {
	t.Parallel()
	o := setupObserved(t)
	rec := httptest.NewRecorder()
	o.api.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	require.Empty(t, o.log.String())
}
