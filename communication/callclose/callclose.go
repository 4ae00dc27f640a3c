// Package callclose owns the closing of calls nobody ended: a River
// periodic job that, every five minutes, closes each OPEN call whose end
// (or, with no end reported, whose start) is older than its
// organisation's callAutoCloseHours, so that none stays open forever.
package callclose

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/communication"
	"github.com/kith-health/kith/ent/organization"
	"github.com/kith-health/kith/ent/predicate"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// Interval is how often the job runs.
const Interval = 5 * time.Minute

// DefaultBatch is how many calls one transaction closes when Closer.Batch is zero.
const DefaultBatch = 100

// Closer closes the calls nobody ended. Register it with the job client
// (notifier.Config.Jobs): River runs its periodic job on its leader only,
// one process at a time, and each close is conditional on the call still
// being OPEN, so a call ended meanwhile, or closed by a second process,
// is closed once.
type Closer struct {
	db *ent.Client
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Batch is how many calls one transaction closes; default DefaultBatch.
	Batch int
}

// New returns the Closer of db.
func New(db *ent.Client) *Closer { return &Closer{db: db} }

// Args are the arguments of the periodic job (none).
type Args struct{}

// Kind is the job's kind in River's table.
func (Args) Kind() string { return "kith_call_close" }

// Register adds the worker to workers and returns its periodic job, every
// Interval and once at start (notifier.Jobs).
func (c *Closer) Register(workers *river.Workers) ([]*river.PeriodicJob, map[string]river.QueueConfig) {
	river.AddWorker(workers, &worker{c: c})
	job := river.NewPeriodicJob(river.PeriodicInterval(Interval),
		func() (river.JobArgs, *river.InsertOpts) { return Args{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
	return []*river.PeriodicJob{job}, nil
}

type worker struct {
	river.WorkerDefaults[Args]
	c *Closer
}

// Work closes the calls due.
func (w *worker) Work(ctx context.Context, _ *river.Job[Args]) error {
	_, err := w.c.Close(ctx)
	return err
}

// Close closes, as kith, every OPEN call of every organisation whose end
// (else start, else when it happened) is older than the organisation's
// call_auto_close_hours: CLOSED, closed now, closedAutomatically, through
// ent, so that staff watching calls hear of it. It returns how many it
// closed. An organisation that fails does not stop the others.
func (c *Closer) Close(ctx context.Context) (int, error) {
	sys := viewer.SystemContext(ctx)
	var orgs []string
	err := c.db.Communication.Query().Where(communication.StatusEQ(communication.StatusOpen)).
		GroupBy(communication.FieldOrganizationID).Scan(sys, &orgs)
	if err != nil {
		return 0, fmt.Errorf("finding the organisations with open calls: %w", err)
	}
	total := 0
	var errs []error
	for _, id := range orgs {
		n, err := c.closeIn(ctx, pulid.ID(id))
		total += n
		if err != nil {
			errs = append(errs, fmt.Errorf("closing the calls of organisation %s: %w", id, err))
		}
	}
	return total, errors.Join(errs...)
}

// closeIn closes the organisation's calls due, a batch per transaction.
func (c *Closer) closeIn(ctx context.Context, orgID pulid.ID) (int, error) {
	sys := viewer.NewContext(ctx, viewer.System{OrgID: orgID})
	org, err := c.db.Organization.Query().Where(organization.ID(orgID)).Select(organization.FieldCallAutoCloseHours).Only(sys)
	if err != nil {
		return 0, fmt.Errorf("reading the organisation: %w", err)
	}
	now := c.now()
	cutoff := now.Add(-time.Duration(org.CallAutoCloseHours) * time.Hour)
	batch := c.Batch
	if batch <= 0 {
		batch = DefaultBatch
	}
	total := 0
	for {
		ids, err := c.db.Communication.Query().
			Where(communication.OrganizationID(orgID), communication.StatusEQ(communication.StatusOpen), due(cutoff)).
			Order(ent.Asc(communication.FieldID)).Limit(batch).IDs(sys)
		if err != nil {
			return total, fmt.Errorf("finding the calls due: %w", err)
		}
		if len(ids) == 0 {
			return total, nil
		}
		n, err := transaction.Run(sys, c.db, func(ctx context.Context, db *ent.Client) (int, error) {
			closed := 0
			for _, id := range ids {
				err := db.Communication.UpdateOneID(id).Where(communication.StatusEQ(communication.StatusOpen)).
					SetStatus(communication.StatusClosed).SetClosedAt(now).SetClosedAutomatically(true).SetUpdatedAt(now).
					Exec(ctx)
				switch {
				case ent.IsNotFound(err): // ended by staff, or closed by another process, meanwhile
				case err != nil:
					return 0, fmt.Errorf("closing call %s: %w", id, err)
				default:
					closed++
				}
			}
			return closed, nil
		})
		total += n
		if err != nil {
			return total, err
		}
		if len(ids) < batch {
			return total, nil
		}
	}
}

// due is the condition of an open call being due at cutoff: it ended
// before it or, with no end reported, started (else happened) before it.
func due(cutoff time.Time) predicate.Communication {
	return communication.Or(
		communication.EndedAtLT(cutoff),
		communication.And(communication.EndedAtIsNil(), communication.StartedAtLT(cutoff)),
		communication.And(communication.EndedAtIsNil(), communication.StartedAtIsNil(), communication.OccurredAtLT(cutoff)),
	)
}

func (c *Closer) now() time.Time {
	if c.Now != nil {
		return c.Now().UTC()
	}
	return time.Now().UTC()
}
