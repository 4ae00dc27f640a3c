package notifier_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/notifier/provider"
	"github.com/kith-health/kith/observe"
	"github.com/kith-health/kith/schematype"
)

// TestObserved: each job worked is a span and a count by kind and
// outcome, each hand-over a span under its job, and each message a count
// by channel and status once its outcome is recorded; the queue's depth is
// read on scrape.
func TestObserved(t *testing.T) {
	t.Parallel()
	m := observe.NewMetrics()
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	b := setupQueueWith(t, func(c *notifier.Config) { c.NoQuietHours = true; c.Metrics = m; c.TracerProvider = tp })
	m.CollectQueueDepth(b.queue.Depth)
	b.sms.FailNext(1, provider.Permanent("21610", "the recipient has opted out (STOP)", nil))
	id := b.book(t, 72*time.Hour) // Sam by email and SMS, Alex by SMS: two send jobs

	scrape := func() string {
		rec := httptest.NewRecorder()
		observe.AdminHandler(m).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		return rec.Body.String()
	}
	require.Eventually(t, func() bool {
		for _, n := range notifications(t, b.db, id, schematype.ChannelSMS) {
			if n.Status == notification.StatusQueued {
				return false
			}
		}
		return strings.Contains(scrape(), `kith_jobs_total{kind="kith_send",outcome="completed"} 2`)
	}, 10*time.Second, 20*time.Millisecond, scrape())
	text := scrape()
	for _, want := range []string{
		`kith_messages_total{channel="SMS",status="sent"} 1`,
		`kith_messages_total{channel="SMS",status="failed"} 1`,
		`kith_messages_total{channel="EMAIL",status="sent"} 1`,
		`kith_job_duration_seconds_count{kind="kith_send"} 2`,
		`kith_queue_jobs{state="available"}`,
		`kith_queue_jobs{state="running"}`,
	} {
		require.Contains(t, text, want)
	}

	jobs := map[string]bool{}
	var sends int
	for _, s := range spans.GetSpans() {
		if s.Name == "job kith_send" {
			jobs[s.SpanContext.SpanID().String()] = true
		}
	}
	for _, s := range spans.GetSpans() {
		if strings.HasPrefix(s.Name, "send ") {
			sends++
			require.True(t, jobs[s.Parent.SpanID().String()], "a hand-over is a child of its job")
		}
	}
	require.Len(t, jobs, 2)
	require.Equal(t, 3, sends)
}

// TestDepth counts the jobs waiting by state.
func TestDepth(t *testing.T) {
	t.Parallel()
	b := setupQueue(t)
	b.book(t, 72*time.Hour)
	require.Eventually(t, func() bool {
		d, err := b.queue.Depth(context.Background())
		require.NoError(t, err)
		return d["available"] == 0 && d["running"] == 0 && d["retryable"] == 0
	}, 10*time.Second, 20*time.Millisecond)
	d, err := b.queue.Depth(context.Background())
	require.NoError(t, err)
	require.Len(t, d, 4)
	require.Positive(t, d["scheduled"], "the reminder waits for its time")
}
