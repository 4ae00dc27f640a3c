package event

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/webhook"
)

// Queue is the River queue webhook deliveries run on, apart from messages.
const Queue = "webhook"

// DefaultFailingFor is how long an endpoint may fail every delivery before
// kith disables it, when Config.FailingFor is zero.
const DefaultFailingFor = 5 * 24 * time.Hour

// RotationOverlap is how long the secret a rotation replaces still signs.
const RotationOverlap = 24 * time.Hour

// Config tunes a Service.
type Config struct {
	// AllowPrivate lets endpoints be plain http and on loopback, private,
	// link-local and metadata addresses (KITH_WEBHOOK_ALLOW_PRIVATE), for
	// development and tests only. Default false.
	AllowPrivate bool
	// Timeout bounds one delivery attempt. Default 15 s.
	Timeout time.Duration
	// Workers is how many deliveries each process posts at once. Default 10.
	Workers int
	// FailingFor is how long an endpoint may fail every delivery before
	// it is disabled and the owners are emailed. Default DefaultFailingFor.
	FailingFor time.Duration
	// Retention is how long finished deliveries, and events left with none,
	// are kept before the hourly prune deletes them. Default
	// DefaultRetention (30 days).
	Retention time.Duration
	// UserAgent is the User-Agent of deliveries. Default "kith-webhooks/1".
	UserAgent string
	// Logger receives the deliveries' logs (never a payload or secret).
	// Default slog.Default().
	Logger *slog.Logger
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// Service writes events and delivers them (see the package doc).
type Service struct {
	db     *ent.Client
	cfg    Config
	sender *webhook.Sender
	queue  *notifier.Queue
}

// ErrNotAttached is the error of a change that would write an event or a
// delivery's job before Attach gave the service its queue.
var ErrNotAttached = errors.New("the webhook events are not attached to a job queue")

// New builds the service on db. Register it with the notifier's queue
// (notifier.Config.Jobs), then Attach it to that queue.
func New(db *ent.Client, cfg Config) *Service {
	if cfg.Timeout == 0 {
		cfg.Timeout = 15 * time.Second
	}
	if cfg.Workers == 0 {
		cfg.Workers = 10
	}
	if cfg.FailingFor == 0 {
		cfg.FailingFor = DefaultFailingFor
	}
	if cfg.Retention == 0 {
		cfg.Retention = DefaultRetention
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "kith-webhooks/1"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{db: db, cfg: cfg, sender: webhook.NewSender(webhook.SenderConfig{
		AllowPrivate: cfg.AllowPrivate, Timeout: cfg.Timeout, UserAgent: cfg.UserAgent,
	})}
}

// Register implements notifier.Jobs: the delivery and prune workers, the
// hourly prune and the webhook queue.
func (s *Service) Register(workers *river.Workers) ([]*river.PeriodicJob, map[string]river.QueueConfig) {
	river.AddWorker(workers, &deliverWorker{s: s})
	river.AddWorker(workers, &pruneWorker{s: s})
	prune := river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return PruneArgs{}, nil },
		&river.PeriodicJobOpts{ID: PruneArgs{}.Kind()})
	return []*river.PeriodicJob{prune}, map[string]river.QueueConfig{Queue: {MaxWorkers: s.cfg.Workers}}
}

// Attach gives the service q, the queue it registered with, to write its
// jobs through, and makes it the Events of db's client: from then on the
// schema's hooks write their events through it.
func (s *Service) Attach(q *notifier.Queue) {
	s.queue = q
	s.db.Effects.SetEvents(s)
}

// AllowPrivate implements effect.Events.
func (s *Service) AllowPrivate() bool { return s.cfg.AllowPrivate }

// now is the service's clock, in UTC.
func (s *Service) now() time.Time { return s.cfg.Now().UTC() }

// insert queues the deliveries' jobs in etx.
func (s *Service) insert(ctx context.Context, etx *ent.Tx, deliveries ...*ent.WebhookDelivery) error {
	if s.queue == nil {
		return ErrNotAttached
	}
	jobs := make([]river.InsertManyParams, len(deliveries))
	for i, d := range deliveries {
		jobs[i] = river.InsertManyParams{Args: DeliverArgs{DeliveryID: d.ID}}
	}
	return s.queue.InsertTx(ctx, etx, jobs...)
}
