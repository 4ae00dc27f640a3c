package notifier_test

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// reminderJobStatements is how many SQL statements ent runs for one
// reminder job, however many appointments it reminds, its transaction's
// begin and commit included: the appointments with their clients,
// organisations, links, contacts, practitioners and locations (one query
// each), the reminders already written, the suppressed addresses, the
// organisation's templates and one insert of every notification. A job
// reminded one appointment, in 12, before RemindNow put 100 in one job.
const reminderJobStatements = 13

// TestReminderJobStatements: a reminder job of several appointments runs
// as many statements as one of a single appointment, writes the reminders
// of each still at the start it was queued for, and a job run again (or a second job of the same appointments
// and due time) writes nothing more.
func TestReminderJobStatements(t *testing.T) {
	t.Parallel()
	var statements atomic.Int64
	db := kithtest.BareDB(t, &statements)
	ctx := context.Background()
	q, err := notifier.NewQueue(ctx, db, notifier.Config{NoQuietHours: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	ids := seedDue(t, db, 6)
	sys := viewer.SystemContext(ctx)
	as, err := db.Client.Appointment.Query().Where(appointment.IDIn(ids...)).All(sys)
	require.NoError(t, err)
	due := time.Now().UTC().Add(-time.Minute)
	reminders := func() int {
		n, err := db.Client.Notification.Query().Where(notification.KindEQ(schematype.MessageKindReminder)).Count(sys)
		require.NoError(t, err)
		return n
	}
	work := func(as []notifier.RemindedAppointment) int64 {
		before := statements.Load()
		require.NoError(t, q.WorkReminders(ctx, notifier.ReminderArgs{DueAt: due, Appointments: as}))
		return statements.Load() - before
	}
	reminded := make([]notifier.RemindedAppointment, len(as))
	for i, a := range as {
		reminded[i] = notifier.RemindedAppointment{ID: a.ID, StartsAt: a.StartsAt}
	}
	one := work(reminded[:1])
	require.Equal(t, 3, reminders(), "the client and its two contacts")
	moved := reminded[5]
	moved.StartsAt = moved.StartsAt.Add(time.Hour) // queued for another start
	five := work(append(reminded[1:5:5], moved))
	require.Equal(t, 15, reminders(), "not the moved appointment's")
	require.Equal(t, one, five, "a job of five runs the statements of a job of one")
	require.LessOrEqual(t, five, int64(reminderJobStatements+1), "PostgreSQL runs one more (the appointments' lock)")
	work(reminded)
	require.Equal(t, 18, reminders(), "the last appointment's at its start; nothing twice")
}
