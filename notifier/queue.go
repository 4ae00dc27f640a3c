package notifier

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/message"
	"github.com/kith-health/kith/observe"
	"github.com/kith-health/kith/ratelimit"
)

// Config tunes a Queue.
type Config struct {
	// Senders deliver the channels, one Sender per channel. A message on a
	// channel without one fails with that reason.
	Senders []Sender
	// Links are the public addresses messages point to. Default: none.
	Links Links
	// Workers is how many messages are handed over at once. Default 10.
	Workers int
	// NoQuietHours sends SMS at any hour, whatever the organisations' quiet
	// hours say (for tests and deployments that must). Default false.
	NoQuietHours bool
	// Leads are how long before an appointment reminders go for
	// organisations that set none. Default DefaultLeads (24 hours).
	Leads []time.Duration
	// Rates cap how many messages a second each channel hands to its
	// provider (Twilio's long codes take about one a second), for all the
	// kith processes of a PostgreSQL database together (see package
	// ratelimit). Default: no cap.
	Rates map[message.Channel]float64
	// PollInterval is how often idle workers look for due jobs. Default 1s.
	PollInterval time.Duration
	// RescueAfter is how long messages a crashed process was handing over
	// wait before another process takes them over (sending again those it
	// had not recorded as sent). A job taking longer is cancelled. Default 1
	// hour, sends taking at most 1 minute.
	RescueAfter time.Duration
	// Logger receives the queue's logs. Default slog.Default().
	Logger *slog.Logger
	// Metrics counts jobs and messages. Default: none, nothing is counted.
	Metrics *observe.Metrics
	// TracerProvider gives each job and each hand-over to a provider a
	// span. Default: the global provider, otel.GetTracerProvider(), a
	// no-op until one is set.
	TracerProvider trace.TracerProvider
}

// Queue sends messages durably: each copy is a Notification row and a River
// job in kith's own database, written in the same transaction as the change
// that caused it, so a crash or restart loses nothing.
type Queue struct {
	db       *database.DB
	river    *river.Client[*sql.Tx]
	cfg      Config
	senders  map[message.Channel]Sender
	limiters map[message.Channel]*ratelimit.Limiter
	tracer   trace.Tracer
	// background counts portal emails being handed over (SendSecret).
	background sync.WaitGroup
}

// NewQueue migrates River's tables, builds the queue and makes it follow the
// appointments of db's client: confirmations, reschedule, cancellation and
// missed notices go out as appointments change, and reminders are scheduled.
// It follows scheduled messages too: each goes at its time; and portal
// messages: the practice's tell their person by email (followPortalMessages).
// Call Start to begin sending.
func NewQueue(ctx context.Context, db *database.DB, cfg Config) (*Queue, error) {
	if cfg.Workers == 0 {
		cfg.Workers = 10
	}
	if len(cfg.Leads) == 0 {
		cfg.Leads = DefaultLeads
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
	var driver riverdriver.Driver[*sql.Tx] = riverdatabasesql.New(db.SQL)
	if db.Dialect == dialect.SQLite {
		driver = riversqlite.New(db.SQL)
	}
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: cfg.Logger})
	if err != nil {
		return nil, fmt.Errorf("preparing the job tables: %w", err)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return nil, fmt.Errorf("migrating the job tables: %w", err)
	}
	q := &Queue{db: db, cfg: cfg, senders: make(map[message.Channel]Sender), limiters: make(map[message.Channel]*ratelimit.Limiter),
		tracer: observe.Tracer(cfg.TracerProvider, "notifier")}
	for _, s := range cfg.Senders {
		q.senders[s.Channel()] = s
	}
	limits := ratelimit.ForQueue(db) // workers wait for tokens outside transactions
	for ch, perSecond := range cfg.Rates {
		if perSecond > 0 {
			q.limiters[ch] = ratelimit.New(limits, "notifier."+string(ch), ratelimit.Limit{
				Burst: max(1, int(perSecond)), Every: time.Duration(float64(time.Second) / perSecond),
			})
		}
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &sendWorker{q: q})
	river.AddWorker(workers, &reminderWorker{q: q})
	river.AddWorker(workers, &scheduledWorker{q: q})
	q.river, err = river.NewClient(driver, &river.Config{
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}},
		Workers:              workers,
		Logger:               cfg.Logger,
		FetchPollInterval:    cfg.PollInterval,
		FetchCooldown:        min(cfg.PollInterval, 100*time.Millisecond),
		JobTimeout:           min(cfg.RescueAfter, time.Minute),
		RescueStuckJobsAfter: cfg.RescueAfter,
		Middleware:           []rivertype.Middleware{&jobObserver{tracer: q.tracer, metrics: cfg.Metrics}},
	})
	if err != nil {
		return nil, fmt.Errorf("starting the job client: %w", err)
	}
	db.Client.Appointment.Use(q.followAppointments())
	db.Client.ScheduledMessage.Use(q.followScheduledMessages())
	db.Client.PortalMessage.Use(q.followPortalMessages())
	return q, nil
}

// Start begins sending due messages.
func (q *Queue) Start(ctx context.Context) error { return q.river.Start(ctx) }

// Stop finishes the messages being handed over and stops; the rest wait in
// the database for the next start.
func (q *Queue) Stop(ctx context.Context) error {
	err := q.river.Stop(ctx)
	q.background.Wait()
	return err
}
