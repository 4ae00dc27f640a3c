// Package observe owns how kith is watched: its Prometheus metrics (a
// registry of their own, served on the admin address), the OpenTelemetry
// tracer provider the standard OTEL_* variables ask for, and the admin
// handler that serves /metrics and pprof. The parts of kith that count or
// trace something take a *Metrics and a trace.TracerProvider; a nil
// *Metrics counts nothing. Request is the record of one HTTP request
// that the layers it passes fill for its access-log line (written by
// package server).
//
// Every label takes values from a set kith bounds, never from what a
// client writes: GraphQL operations are labelled by their type and first
// top-level field of the schema (see graph), error codes are kith's, and
// everything else is a channel, a job kind or a field name.
package observe

import (
	"context"
	"database/sql"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are kith's Prometheus metrics, registered in a registry of their
// own together with the Go runtime's and the process's. The methods of a
// nil *Metrics do nothing.
type Metrics struct {
	// Registry holds every metric, for Handler and for tests.
	Registry *prometheus.Registry

	graphqlRequests *prometheus.CounterVec
	graphqlDuration *prometheus.HistogramVec
	graphqlErrors   *prometheus.CounterVec
	httpRequests    *prometheus.CounterVec
	messages        *prometheus.CounterVec
	jobs            *prometheus.CounterVec
	jobDuration     *prometheus.HistogramVec
	rateLimited     *prometheus.CounterVec
}

// NewMetrics registers kith's metrics, the Go runtime's and the process's
// in a new registry.
func NewMetrics() *Metrics {
	r := prometheus.NewRegistry()
	r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Metrics{
		Registry: r,
		graphqlRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kith_graphql_requests_total",
			Help: "GraphQL requests by operation (type:first top-level field, or invalid) and code (OK, or the answer's first error code).",
		}, []string{"operation", "code"}),
		graphqlDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "kith_graphql_request_duration_seconds",
			Help:    "How long GraphQL requests took, by operation.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"operation"}),
		graphqlErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kith_graphql_errors_total",
			Help: "Errors in GraphQL answers, by operation and extensions.code.",
		}, []string{"operation", "code"}),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kith_http_requests_total",
			Help: "HTTP requests by route (the pattern that served them) and status.",
		}, []string{"route", "status"}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kith_messages_total",
			Help: "Messages handed to their providers, by channel and what became of them (sent, failed, retry).",
		}, []string{"channel", "status"}),
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kith_jobs_total",
			Help: "River jobs worked, by kind and outcome (completed, retry, discarded, cancelled, snoozed, panic).",
		}, []string{"kind", "outcome"}),
		jobDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "kith_job_duration_seconds",
			Help:    "How long River jobs took to work, by kind.",
			Buckets: []float64{.01, .05, .1, .5, 1, 5, 10, 30, 60},
		}, []string{"kind"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kith_rate_limited_total",
			Help: "Requests a rate limit refused, by limit (the GraphQL field it guards).",
		}, []string{"limit"}),
	}
	r.MustRegister(m.graphqlRequests, m.graphqlDuration, m.graphqlErrors, m.httpRequests,
		m.messages, m.jobs, m.jobDuration, m.rateLimited)
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// CollectDB exports the statistics of pool (open, in use and idle
// connections, waits) as go_sql_* metrics with db_name="kith".
func (m *Metrics) CollectDB(pool *sql.DB) {
	if m == nil {
		return
	}
	m.Registry.MustRegister(collectors.NewDBStatsCollector(pool, "kith"))
}

// CollectQueueDepth exports kith_queue_jobs{state}, the jobs waiting in
// each state, read from depth on every scrape. A depth that fails or takes
// longer than QueueDepthTimeout exports nothing for that scrape.
func (m *Metrics) CollectQueueDepth(depth func(context.Context) (map[string]int64, error)) {
	if m == nil {
		return
	}
	m.Registry.MustRegister(queueCollector{depth: depth})
}

// GraphQLRequest counts a GraphQL request of operation that took d and
// answered codes (none when it succeeded).
func (m *Metrics) GraphQLRequest(operation string, codes []string, d time.Duration) {
	if m == nil {
		return
	}
	operation = bounded(operation)
	code := "OK"
	if len(codes) > 0 {
		code = boundedCode(codes[0])
	}
	m.graphqlRequests.WithLabelValues(operation, code).Inc()
	m.graphqlDuration.WithLabelValues(operation).Observe(d.Seconds())
	for _, c := range codes {
		m.graphqlErrors.WithLabelValues(operation, boundedCode(c)).Inc()
	}
}

// HTTPRequest counts a request route (a pattern of kith's mux) answered with status.
func (m *Metrics) HTTPRequest(route string, status int) {
	if m == nil {
		return
	}
	m.httpRequests.WithLabelValues(route, strconv.Itoa(status)).Inc()
}

// Message counts a message on channel whose hand-over ended as status.
func (m *Metrics) Message(channel, status string) {
	if m == nil {
		return
	}
	m.messages.WithLabelValues(bounded(channel), bounded(status)).Inc()
}

// Job counts a job of kind worked to outcome in d.
func (m *Metrics) Job(kind, outcome string, d time.Duration) {
	if m == nil {
		return
	}
	kind = bounded(kind)
	m.jobs.WithLabelValues(kind, outcome).Inc()
	m.jobDuration.WithLabelValues(kind).Observe(d.Seconds())
}

// RateLimited counts a request refused by limit.
func (m *Metrics) RateLimited(limit string) {
	if m == nil {
		return
	}
	m.rateLimited.WithLabelValues(bounded(limit)).Inc()
}

var (
	labelShape = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_:+.]{0,79}$`)
	codeShape  = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,63}$`)
)

// bounded is label, or "other" when it is not shaped like the names kith
// labels with: a guard, should a caller pass something unbounded.
func bounded(label string) string {
	if labelShape.MatchString(label) {
		return label
	}
	return "other"
}

// boundedCode is code, or "OTHER" when it is not shaped like an error code.
func boundedCode(code string) string {
	if codeShape.MatchString(code) {
		return code
	}
	return "OTHER"
}
