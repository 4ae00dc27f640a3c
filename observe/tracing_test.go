package observe_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/observe"
)

// TestTracingOff: without an OTLP endpoint, tracing is a no-op.
func TestTracingOff(t *testing.T) {
	t.Parallel()
	for _, vars := range []map[string]string{
		{},
		{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1", "OTEL_SDK_DISABLED": "true"},
		{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:1", "OTEL_TRACES_EXPORTER": "none"},
	} {
		tp, stop, err := observe.Tracing(context.Background(), func(k string) string { return vars[k] })
		require.NoError(t, err)
		_, span := tp.Tracer("test").Start(context.Background(), "nothing")
		require.False(t, span.IsRecording(), "%v", vars)
		span.End()
		require.NoError(t, stop(context.Background()))
	}
}

// TestTracingExports: with OTEL_EXPORTER_OTLP_ENDPOINT set, spans go to
// it over OTLP/HTTP, and stopping flushes those still buffered. (Not
// parallel: the exporter reads the process's environment.)
func TestTracingExports(t *testing.T) {
	var posts atomic.Int64
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v1/traces" {
			posts.Add(1)
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer collector.Close()
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.URL)
	t.Setenv("OTEL_SERVICE_NAME", "kith-test")

	tp, stop, err := observe.Tracing(context.Background(), func(k string) string {
		return map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": collector.URL}[k]
	})
	require.NoError(t, err)
	_, span := tp.Tracer("test").Start(context.Background(), "exported")
	require.True(t, span.IsRecording())
	span.End()
	require.Zero(t, posts.Load(), "batched until flushed")
	require.NoError(t, stop(context.Background()))
	require.Positive(t, posts.Load(), "stopping flushes")
}
