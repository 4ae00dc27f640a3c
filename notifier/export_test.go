package notifier

import (
	"context"
	"encoding/json"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/kith-health/kith/ratelimit"
	"github.com/kith-health/kith/schematype"
)

// Limiter is the send rate of channel ch, nil when it has none.
func (q *Queue) Limiter(ch schematype.Channel) *ratelimit.Limiter { return q.handover.Limiter(ch) }

// FormReminderJob is a form reminder job as River keeps it.
type FormReminderJob struct {
	ID          int64
	Args        FormReminderArgs
	ScheduledAt time.Time
	State       string
}

// FormReminderJobs lists the form reminder jobs, in every state.
func (q *Queue) FormReminderJobs(ctx context.Context) ([]FormReminderJob, error) {
	res, err := q.river.JobList(ctx, river.NewJobListParams().Kinds(FormReminderArgs{}.Kind()).First(100))
	if err != nil {
		return nil, err
	}
	out := make([]FormReminderJob, len(res.Jobs))
	for i, j := range res.Jobs {
		out[i] = FormReminderJob{ID: j.ID, ScheduledAt: j.ScheduledAt, State: string(j.State)}
		if err := json.Unmarshal(j.EncodedArgs, &out[i].Args); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RunNow makes River's job id available at once, as though it fell due
// (River's JobRetry; a completed job runs again).
func (q *Queue) RunNow(ctx context.Context, id int64) error {
	_, err := q.river.JobRetry(ctx, id)
	return err
}

// WorkReminders works a reminder job of args at once, as River would.
func (q *Queue) WorkReminders(ctx context.Context, args ReminderArgs) error {
	return (&reminderWorker{q: q}).Work(ctx, &river.Job[ReminderArgs]{JobRow: &rivertype.JobRow{}, Args: args})
}

// ReminderJob is a reminder job as River keeps it.
type ReminderJob struct {
	ID          int64
	Args        ReminderArgs
	ScheduledAt time.Time
	State       string
}

// ReminderJobs lists the reminder jobs, in every state, in the order River
// inserted them.
func (q *Queue) ReminderJobs(ctx context.Context) ([]ReminderJob, error) {
	res, err := q.river.JobList(ctx, river.NewJobListParams().Kinds(ReminderArgs{}.Kind()).First(10000))
	if err != nil {
		return nil, err
	}
	out := make([]ReminderJob, len(res.Jobs))
	for i, j := range res.Jobs {
		out[i] = ReminderJob{ID: j.ID, ScheduledAt: j.ScheduledAt, State: string(j.State)}
		if err := json.Unmarshal(j.EncodedArgs, &out[i].Args); err != nil {
			return nil, err
		}
	}
	return out, nil
}
