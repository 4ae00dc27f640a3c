package mailimport

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	entmailbox "github.com/kith-health/kith/ent/mailbox"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// ScheduleArgs is the periodic job (every Config.Interval, on River's
// leader only) that queues one ImportArgs per active mailbox.
type ScheduleArgs struct{}

// Kind implements river.JobArgs.
func (ScheduleArgs) Kind() string { return "kith_mailbox_schedule" }

// InsertOpts runs it on the mailbox queue, once: the next tick is the retry.
func (ScheduleArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: 1}
}

// ImportArgs is the job that imports one mailbox (Service.Import).
type ImportArgs struct {
	MailboxID pulid.ID `json:"mailbox_id"`
}

// Kind implements river.JobArgs.
func (ImportArgs) Kind() string { return "kith_mailbox_import" }

// InsertOpts keeps at most one import of a mailbox waiting or running, on
// every instance together (unique by args over the states before
// completion): a slow import is never joined by a second one. It runs once;
// the next minute is the retry.
func (ImportArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: 1, UniqueOpts: river.UniqueOpts{
		ByArgs: true,
		ByState: []rivertype.JobState{
			rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
			rivertype.JobStateRetryable, rivertype.JobStateScheduled,
		},
	}}
}

// Register implements notifier.Jobs: the two workers, the periodic
// schedule and the mailbox queue with Config.Workers workers. Without a key
// nothing is scheduled (the workers stay registered, for jobs queued
// before).
func (s *Service) Register(workers *river.Workers) ([]*river.PeriodicJob, map[string]river.QueueConfig) {
	river.AddWorker(workers, &scheduleWorker{s: s})
	river.AddWorker(workers, &importWorker{s: s})
	queues := map[string]river.QueueConfig{Queue: {MaxWorkers: s.cfg.Workers}}
	if !s.Configured() {
		return nil, queues
	}
	periodic := river.NewPeriodicJob(river.PeriodicInterval(s.cfg.Interval),
		func() (river.JobArgs, *river.InsertOpts) { return ScheduleArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true, ID: ScheduleArgs{}.Kind()})
	return []*river.PeriodicJob{periodic}, queues
}

type scheduleWorker struct {
	river.WorkerDefaults[ScheduleArgs]
	s *Service
}

// Work queues an import of every active mailbox, skipping those whose
// import still waits or runs.
func (w *scheduleWorker) Work(ctx context.Context, _ *river.Job[ScheduleArgs]) error {
	if !w.s.Configured() {
		return nil
	}
	ids, err := w.s.db.Mailbox.Query().Where(entmailbox.Active(true)).IDs(viewer.SystemContext(ctx))
	if err != nil {
		return fmt.Errorf("listing mailboxes to import: %w", err)
	}
	if len(ids) == 0 {
		return nil
	}
	jobs := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		jobs[i] = river.InsertManyParams{Args: ImportArgs{MailboxID: id}}
	}
	client, err := river.ClientFromContextSafely[*sql.Tx](ctx)
	if err != nil {
		return fmt.Errorf("queueing mailbox imports: %w", err)
	}
	if _, err := client.InsertMany(ctx, jobs); err != nil {
		return fmt.Errorf("queueing mailbox imports: %w", err)
	}
	return nil
}

type importWorker struct {
	river.WorkerDefaults[ImportArgs]
	s *Service
}

// Work imports the mailbox, without waiting with IDLE while other
// mailboxes' imports wait for a worker on the queue.
func (w *importWorker) Work(ctx context.Context, job *river.Job[ImportArgs]) error {
	_, err := w.s.importMailbox(ctx, job.Args.MailboxID, othersWaiting)
	return err
}

// othersWaiting reports whether an import is available on Queue, waiting
// for a worker (one indexed query; false when it cannot tell).
func othersWaiting(ctx context.Context) bool {
	client, err := river.ClientFromContextSafely[*sql.Tx](ctx)
	if err != nil {
		return false
	}
	res, err := client.JobList(ctx, river.NewJobListParams().Queues(Queue).Kinds(ImportArgs{}.Kind()).
		States(rivertype.JobStateAvailable).First(1))
	return err == nil && len(res.Jobs) > 0
}
