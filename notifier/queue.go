package notifier

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"entgo.io/ent/dialect"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/notifier/provider"
	"github.com/kith-health/kith/observe"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/ratelimit"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// Config tunes a Queue.
type Config struct {
	// Senders deliver the channels, one Sender per channel. A message on a
	// channel without one fails with that reason.
	Senders []provider.Sender
	// Links are the public addresses messages point to. Default: none.
	Links compose.Links
	// Workers is how many messages are handed over at once. Default 10.
	Workers int
	// NoQuietHours sends SMS at any hour, whatever the organisations' quiet
	// hours say (for tests and deployments that must). Default false.
	NoQuietHours bool
	// Leads are how long before an appointment reminders go for
	// organisations that set none. Default compose.DefaultLeads (24 hours).
	Leads []time.Duration
	// Rates cap how many messages a second each channel hands to its
	// provider (Twilio's long codes take about one a second), for all the
	// kith processes of a PostgreSQL database together (see package
	// ratelimit). Default: no cap.
	Rates map[schematype.Channel]float64
	// PollInterval is how often idle workers look for due jobs. Default 1s.
	PollInterval time.Duration
	// RescueAfter is how long messages a crashed process was handing over
	// wait before another process takes them over (sending again those it
	// had not recorded as sent). Default 1 hour.
	RescueAfter time.Duration
	// JobTimeout is how long one job (one batch of messages) may run before
	// it is cancelled; at most RescueAfter. Default DefaultJobTimeout, or
	// RescueAfter when that is shorter.
	JobTimeout time.Duration
	// Logger receives the queue's logs. Default slog.Default().
	Logger *slog.Logger
	// Metrics counts jobs and messages. Default: none, nothing is counted.
	Metrics *observe.Metrics
	// TracerProvider gives each job and each hand-over to a provider a
	// span. Default: the global provider, otel.GetTracerProvider(), a
	// no-op until one is set.
	TracerProvider trace.TracerProvider
	// Jobs are work beside messages that runs on the queue's job client:
	// closing calls nobody ended, importing mailboxes. Default: none.
	Jobs []Jobs
}

// Jobs is a kind of work beside messages run by the queue's job client
// (River), such as the communications log's.
type Jobs interface {
	// Register adds the jobs' workers to workers and returns their
	// periodic jobs (River runs each on one process at a time, its
	// leader) and the queues they need beside the default one.
	Register(workers *river.Workers) (periodic []*river.PeriodicJob, queues map[string]river.QueueConfig)
}

// DefaultJobTimeout is how long one job may run when Config.JobTimeout is zero.
const DefaultJobTimeout = time.Minute

// Queue sends messages durably: each copy is a Notification row and a River
// job in kith's own database, written in the same transaction as the change
// that caused it, so a crash or restart loses nothing.
type Queue struct {
	db    *database.DB
	river *river.Client[*sql.Tx]
	cfg   Config
	// handover hands every message to its provider: the workers' and the
	// one-time emails' (deliverAfterCommit).
	handover *provider.Handover
	// background counts one-time emails being handed over (deliverAfterCommit).
	background sync.WaitGroup
	// started and stopping say where the queue is, for Ready.
	started, stopping atomic.Bool
}

// NewQueue builds the queue on db, whose River tables database.Migrate
// created, and attaches it to db's client as the notifier its schema's
// hooks call (ent/effect, ent/schema/notifier_hooks.go): confirmations,
// reschedule, cancellation and missed notices go out as appointments
// change, and reminders are scheduled; scheduled messages each go at their
// time; the practice's portal messages tell their person by email; a form
// sent emails its addressee and, if unsubmitted, reminds them once. A
// client takes one queue: a second NewQueue on db fails with
// effect.ErrAttached. Call Start to begin sending.
func NewQueue(ctx context.Context, db *database.DB, cfg Config) (*Queue, error) {
	if cfg.Workers == 0 {
		cfg.Workers = 10
	}
	if len(cfg.Leads) == 0 {
		cfg.Leads = compose.DefaultLeads
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.RescueAfter == 0 {
		cfg.RescueAfter = time.Hour
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.TracerProvider == nil {
		cfg.TracerProvider = otel.GetTracerProvider()
	}
	if cfg.JobTimeout == 0 {
		cfg.JobTimeout = min(cfg.RescueAfter, DefaultJobTimeout)
	}
	if cfg.JobTimeout > cfg.RescueAfter {
		return nil, fmt.Errorf("the job timeout (%s) must not be longer than the rescue time (%s)", cfg.JobTimeout, cfg.RescueAfter)
	}
	// On PostgreSQL jobs are fetched and inserted through database/sql, in
	// the transactions of the changes that cause them, and the client hears
	// of new jobs through LISTEN on a pgx connection: an insert's pg_notify
	// is sent as its transaction commits, so a job due now starts at once
	// rather than at the next poll.
	var driver riverdriver.Driver[*sql.Tx]
	switch {
	case db.Dialect == dialect.SQLite:
		driver = riversqlite.New(db.SQL)
	case db.Listener != nil:
		driver = riverdatabasesql.NewWithPgxListener(db.SQL, db.Listener)
	default:
		driver = riverdatabasesql.New(db.SQL)
	}
	var err error
	tracer := observe.Tracer(cfg.TracerProvider, "notifier")
	limits := ratelimit.ForQueue(db) // workers wait for tokens outside transactions
	limiters := make(map[schematype.Channel]*ratelimit.Limiter)
	for ch, perSecond := range cfg.Rates {
		if perSecond > 0 {
			limiters[ch] = ratelimit.New(limits, "notifier."+string(ch), ratelimit.Limit{
				Burst: max(1, int(perSecond)), Every: time.Duration(float64(time.Second) / perSecond),
			})
		}
	}
	q := &Queue{db: db, cfg: cfg, handover: provider.NewHandover(provider.HandoverConfig{
		Senders: cfg.Senders, Limiters: limiters, Tracer: tracer, Metrics: cfg.Metrics,
	})}
	workers := river.NewWorkers()
	river.AddWorker(workers, &sendWorker{q: q})
	river.AddWorker(workers, &reminderWorker{q: q})
	river.AddWorker(workers, &scheduledWorker{q: q})
	river.AddWorker(workers, &formReminderWorker{q: q})
	river.AddWorker(workers, &ownerNoticeWorker{q: q})
	queues := map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}}
	var periodic []*river.PeriodicJob
	for _, j := range cfg.Jobs {
		p, qs := j.Register(workers)
		periodic = append(periodic, p...)
		for name, qc := range qs {
			queues[name] = qc
		}
	}
	q.river, err = river.NewClient(driver, &river.Config{
		Queues:               queues,
		PeriodicJobs:         periodic,
		Workers:              workers,
		Logger:               slog.New(quieter{cfg.Logger.Handler()}),
		FetchPollInterval:    cfg.PollInterval,
		FetchCooldown:        min(cfg.PollInterval, 100*time.Millisecond),
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.RescueAfter,
		Middleware:           []rivertype.Middleware{&jobObserver{tracer: tracer, metrics: cfg.Metrics}},
	})
	if err != nil {
		return nil, fmt.Errorf("starting the job client: %w", err)
	}
	if err := db.Client.Effects.Attach(q); err != nil {
		return nil, fmt.Errorf("attaching the notifier: %w", err)
	}
	return q, nil
}

// Start begins sending due messages. Only ctx's values are kept: its end
// does not stop the queue (River would take it for a hard stop, cancelling
// messages being handed over); call Stop.
func (q *Queue) Start(ctx context.Context) error {
	if err := q.river.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	q.started.Store(true)
	return nil
}

// Stop stops taking jobs and waits for the messages being handed over until
// ctx ends; then it cancels those still going (each is recorded, and goes
// again later if the provider had not taken it) and waits for them to wind
// up. The rest wait in the database for the next start. Give ctx longer
// than Config.JobTimeout, so that no job is cut short.
func (q *Queue) Stop(ctx context.Context) error {
	q.stopping.Store(true)
	err := q.river.Stop(ctx)
	if err != nil && ctx.Err() != nil {
		q.cfg.Logger.Warn("messages still being handed over at the shutdown timeout are cancelled")
		hard, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if herr := q.river.StopAndCancel(hard); herr == nil {
			err = nil
		}
	}
	q.background.Wait()
	return err
}

// ErrNotRunning is Ready's answer for a queue not started, stopping or stopped.
var ErrNotRunning = errors.New("the job queue is not running")

// Ready reports whether the queue takes jobs: started, not stopping, and
// its tables answer. It is for readiness checks.
func (q *Queue) Ready(ctx context.Context) error {
	if !q.started.Load() || q.stopping.Load() {
		return ErrNotRunning
	}
	select {
	case <-q.river.Stopped():
		return ErrNotRunning
	default:
	}
	if _, err := q.river.JobList(ctx, river.NewJobListParams().First(1)); err != nil {
		return fmt.Errorf("reading the job tables: %w", err)
	}
	return nil
}

// quieter is a slog.Handler that logs River's INFO (producers, the leader
// election, maintenance every few seconds) at DEBUG; WARN and ERROR stay.
type quieter struct{ slog.Handler }

// Enabled implements slog.Handler.
func (h quieter) Enabled(ctx context.Context, l slog.Level) bool {
	return h.Handler.Enabled(ctx, demote(l))
}

// Handle implements slog.Handler.
func (h quieter) Handle(ctx context.Context, r slog.Record) error {
	r.Level = demote(r.Level)
	return h.Handler.Handle(ctx, r)
}

// WithAttrs implements slog.Handler.
func (h quieter) WithAttrs(attrs []slog.Attr) slog.Handler {
	return quieter{h.Handler.WithAttrs(attrs)}
}

// WithGroup implements slog.Handler.
func (h quieter) WithGroup(name string) slog.Handler { return quieter{h.Handler.WithGroup(name)} }

// demote turns INFO into DEBUG.
func demote(l slog.Level) slog.Level {
	if l >= slog.LevelInfo && l < slog.LevelWarn {
		return slog.LevelDebug
	}
	return l
}

// systemIn is ctx acting as the system, confined to orgID when it is set:
// what the queue writes is kith's own doing, whoever caused it.
func systemIn(ctx context.Context, orgID pulid.ID) context.Context {
	return viewer.NewContext(ctx, viewer.System{OrgID: orgID})
}
