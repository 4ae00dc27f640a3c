package notifier

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/kith-health/kith/observe"
)

// jobObserver is the River worker middleware that gives each job worked a
// span (a root: a job runs apart from the request that queued it) and
// counts it in kith_jobs_total by kind and outcome: completed, retry (it
// failed and will be tried again), discarded (it failed its last attempt),
// cancelled, snoozed, or panic. Spans carry the job's kind, ID and
// attempt, never its arguments.
type jobObserver struct {
	river.WorkerMiddlewareDefaults
	tracer  trace.Tracer
	metrics *observe.Metrics
}

var _ rivertype.WorkerMiddleware = (*jobObserver)(nil)

// Work implements rivertype.WorkerMiddleware.
func (o *jobObserver) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) (err error) {
	start := time.Now()
	ctx, span := o.tracer.Start(ctx, "job "+job.Kind, trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(attribute.String("messaging.system", "river"), attribute.String("kith.job.kind", job.Kind),
			attribute.Int64("kith.job.id", job.ID), attribute.Int("kith.job.attempt", job.Attempt)))
	outcome := "panic"
	defer func() {
		span.SetAttributes(attribute.String("kith.job.outcome", outcome))
		if outcome != "completed" && outcome != "snoozed" {
			span.SetStatus(codes.Error, outcome)
		}
		span.End()
		o.metrics.Job(job.Kind, outcome, time.Since(start))
	}()
	err = doInner(ctx)
	outcome = jobOutcome(job, err)
	return err
}

// jobOutcome names what became of job, whose work returned err.
func jobOutcome(job *rivertype.JobRow, err error) string {
	var (
		cancel *rivertype.JobCancelError
		snooze *rivertype.JobSnoozeError
	)
	switch {
	case err == nil:
		return "completed"
	case errors.As(err, &cancel):
		return "cancelled"
	case errors.As(err, &snooze):
		return "snoozed"
	case job.Attempt >= job.MaxAttempts:
		return "discarded"
	default:
		return "retry"
	}
}

// Depth counts the jobs waiting or running by state (available, scheduled,
// retryable, running), for kith_queue_jobs. It reads River's own table.
func (q *Queue) Depth(ctx context.Context) (map[string]int64, error) {
	states := map[string]int64{"available": 0, "scheduled": 0, "retryable": 0, "running": 0}
	rows, err := q.db.SQL.QueryContext(ctx,
		`SELECT state, count(*) FROM river_job WHERE state IN ('available', 'scheduled', 'retryable', 'running') GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("counting jobs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			state string
			n     int64
		)
		if err := rows.Scan(&state, &n); err != nil {
			return nil, fmt.Errorf("counting jobs: %w", err)
		}
		states[state] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("counting jobs: %w", err)
	}
	return states, nil
}
