package notifier_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// TestDueJobs: the appointments of an organisation booked at the same
// start share one scheduled reminder job, due 24 hours before; run, it
// queues a batch job of those still on at that start, which reminds each
// of their recipients once. An appointment moved after booking is reminded
// by its new start's job alone, a cancelled one by none, and the due job
// and its batch run again (a crash after their commits) send nothing more.
func TestDueJobs(t *testing.T) {
	t.Parallel()
	db := kithtest.BareDB(t, nil)
	ctx := context.Background()
	q, err := notifier.NewQueue(ctx, db, notifier.Config{NoQuietHours: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	// Due in a moment: a batch's reminders are written after its due time,
	// which is what keeps a batch run again from writing them twice.
	const soon = 1500 * time.Millisecond
	ids := seedAppointmentsAt(t, db, 6, 6, time.Now().Add(24*time.Hour+soon))
	sys := viewer.SystemContext(ctx)
	as, err := db.Client.Appointment.Query().Where(appointment.IDIn(ids...)).Order(appointment.ByID()).All(sys)
	require.NoError(t, err)
	start := as[0].StartsAt
	due := start.Add(-24 * time.Hour).UTC().Truncate(time.Microsecond)

	jobs := func() []notifier.ReminderJob {
		js, err := q.ReminderJobs(ctx)
		require.NoError(t, err)
		return js
	}
	js := jobs()
	require.Len(t, js, 1, "six appointments at one start, one job")
	dueJob := js[0].Args
	require.Equal(t, notifier.ReminderArgs{OrganizationID: as[0].OrganizationID, DueAt: due, Lead: 24 * time.Hour}, dueJob)
	require.WithinDuration(t, due, js[0].ScheduledAt, time.Millisecond, "scheduled for its due time")

	moved, cancelled := as[4], as[5]
	movedTo := start.Add(time.Hour)
	inTx(t, db, moved.OrganizationID, func(ctx context.Context, c *ent.Client) error {
		return c.Appointment.UpdateOneID(moved.ID).SetStartsAt(movedTo).SetEndsAt(movedTo.Add(50 * time.Minute)).Exec(ctx)
	})
	inTx(t, db, moved.OrganizationID, func(ctx context.Context, c *ent.Client) error {
		return c.Appointment.UpdateOneID(cancelled.ID).SetStatus(appointment.StatusCancelled).SetCancellationReason("Client asked").SetCancelledAt(time.Now()).Exec(ctx)
	})
	js = jobs()
	require.Len(t, js, 2, "the moved appointment's new start has its own job")
	movedJob := js[1].Args
	require.Equal(t, due.Add(time.Hour), movedJob.DueAt)

	batches := func(of notifier.ReminderArgs) []notifier.ReminderArgs {
		var out []notifier.ReminderArgs
		for _, j := range jobs() {
			if len(j.Args.Appointments) > 0 && j.Args.DueAt.Equal(of.DueAt) {
				out = append(out, j.Args)
			}
		}
		return out
	}
	reminded := func() map[pulid.ID][]string {
		ns, err := db.Client.Notification.Query().Where(notification.KindEQ(schematype.MessageKindReminder)).All(sys)
		require.NoError(t, err)
		out := map[pulid.ID][]string{}
		for _, n := range ns {
			out[n.AppointmentID] = append(out[n.AppointmentID], n.Address)
		}
		return out
	}

	time.Sleep(time.Until(due.Add(10 * time.Millisecond))) // the job falls due
	require.NoError(t, q.WorkReminders(ctx, dueJob))
	bs := batches(dueJob)
	require.Len(t, bs, 1)
	var want []notifier.RemindedAppointment
	for _, a := range as[:4] {
		want = append(want, notifier.RemindedAppointment{ID: a.ID, StartsAt: a.StartsAt.UTC()})
	}
	require.Equal(t, want, bs[0].Appointments, "those still on at the start, not the moved or cancelled one")
	require.Empty(t, reminded(), "the batch job sends")
	require.NoError(t, q.WorkReminders(ctx, bs[0]))
	got := reminded()
	require.Len(t, got, 4)
	for _, a := range as[:4] {
		require.Len(t, got[a.ID], 3, "the client and its two contacts")
		require.ElementsMatch(t, uniq(got[a.ID]), got[a.ID], "each recipient once")
	}

	// Run again: River skips the same batch, and the batch run again
	// finds its reminders written since the due time.
	require.NoError(t, q.WorkReminders(ctx, dueJob))
	require.Len(t, batches(dueJob), 1, "no second batch")
	require.NoError(t, q.WorkReminders(ctx, bs[0]))
	require.Equal(t, got, reminded(), "nothing twice")

	require.NoError(t, q.WorkReminders(ctx, movedJob))
	mb := batches(movedJob)
	require.Len(t, mb, 1)
	require.Equal(t, []notifier.RemindedAppointment{{ID: moved.ID, StartsAt: movedTo.UTC().Truncate(time.Microsecond)}},
		truncated(mb[0].Appointments), "the moved appointment, at its new start")
	require.NoError(t, q.WorkReminders(ctx, mb[0]))
	got = reminded()
	require.Len(t, got[moved.ID], 3, "reminded at its new time")
	require.NotContains(t, got, cancelled.ID, "cancelled: not reminded")
}

// TestOldReminderJobs: a reminder job queued in the shape of one
// appointment, before due jobs, still reminds it.
func TestOldReminderJobs(t *testing.T) {
	t.Parallel()
	db := kithtest.BareDB(t, nil)
	ctx := context.Background()
	q, err := notifier.NewQueue(ctx, db, notifier.Config{NoQuietHours: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	ids := seedDue(t, db, 1)
	sys := viewer.SystemContext(ctx)
	a, err := db.Client.Appointment.Get(sys, ids[0])
	require.NoError(t, err)
	old := notifier.ReminderArgs{AppointmentID: a.ID, StartsAt: a.StartsAt, DueAt: time.Now().Add(-time.Minute)}
	require.NoError(t, q.WorkReminders(ctx, old))
	require.NoError(t, q.WorkReminders(ctx, old))
	n, err := db.Client.Notification.Query().Where(notification.KindEQ(schematype.MessageKindReminder)).Count(sys)
	require.NoError(t, err)
	require.Equal(t, 3, n, "once each, the client and its two contacts")
}

// inTx runs write in a transaction of db as kith's system confined to org,
// as the notifier's hooks require, and commits it.
func inTx(t *testing.T, db *database.DB, org pulid.ID, write func(context.Context, *ent.Client) error) {
	t.Helper()
	ctx := viewer.NewContext(context.Background(), viewer.System{OrgID: org})
	tx, err := db.Client.Tx(ctx)
	require.NoError(t, err)
	ctx = transaction.With(ctx, tx) // the hooks of its writes find it
	if err := write(ctx, tx.Client()); err != nil {
		_ = tx.Rollback()
		require.NoError(t, err)
	}
	require.NoError(t, tx.Commit())
}

// uniq is ss without repeats.
func uniq(ss []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// truncated is as with starts to the microsecond, as stored.
func truncated(as []notifier.RemindedAppointment) []notifier.RemindedAppointment {
	out := make([]notifier.RemindedAppointment, len(as))
	for i, a := range as {
		out[i] = notifier.RemindedAppointment{ID: a.ID, StartsAt: a.StartsAt.UTC().Truncate(time.Microsecond)}
	}
	return out
}

// TestDueJobsAcrossDaylightSaving: a whole-day lead keeps the wall-clock
// time in the appointment's zone, so the reminder of Sunday 9:00 after
// clocks spring forward falls due 23 hours before; that due job reminds it,
// and not the appointment an hour later whose reminder is due then plus an
// hour.
func TestDueJobsAcrossDaylightSaving(t *testing.T) {
	t.Parallel()
	db := kithtest.BareDB(t, nil)
	ctx := context.Background()
	q, err := notifier.NewQueue(ctx, db, notifier.Config{NoQuietHours: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	toronto, err := time.LoadLocation("America/Toronto")
	require.NoError(t, err)
	nine := time.Date(2027, time.March, 14, 9, 0, 0, 0, toronto) // clocks went forward at 2:00
	if time.Until(nine) < 48*time.Hour {
		t.Skip("the spring of 2027 has passed")
	}
	p := kithtest.NewPractice(t, db, "dst")
	var ids []pulid.ID
	inTx(t, db, p.Org.ID, func(ctx context.Context, c *ent.Client) error {
		for i, start := range []time.Time{nine, nine.Add(time.Hour)} {
			dr, err := c.Staff.Create().SetName("Dr DST").SetEmail(fmt.Sprintf("dr%d@dst.example", i)).SetRole(staff.RolePractitioner).Save(ctx)
			if err != nil {
				return err
			}
			cl, err := c.ClientProfile.Create().SetFirstName(fmt.Sprintf("Client%d", i)).SetLastName("DST").
				SetEmail(fmt.Sprintf("c%d@example.com", i)).Save(ctx)
			if err != nil {
				return err
			}
			a, err := c.Appointment.Create().SetClientID(cl.ID).SetPractitionerID(dr.ID).SetTimeZone("America/Toronto").
				SetStartsAt(start).SetEndsAt(start.Add(50 * time.Minute)).Save(ctx)
			if err != nil {
				return err
			}
			ids = append(ids, a.ID)
		}
		return nil
	})
	js, err := q.ReminderJobs(ctx)
	require.NoError(t, err)
	require.Len(t, js, 2)
	saturdayNine := time.Date(2027, time.March, 13, 9, 0, 0, 0, toronto)
	first := js[0].Args
	require.True(t, first.DueAt.Equal(saturdayNine), "due Saturday 9:00, 23 hours before: %s", first.DueAt)
	require.Equal(t, 24*time.Hour, first.Lead)
	require.True(t, js[1].Args.DueAt.Equal(saturdayNine.Add(time.Hour)), "the 10:00 one at Saturday 10:00: %s", js[1].Args.DueAt)

	require.NoError(t, q.WorkReminders(ctx, first))
	js, err = q.ReminderJobs(ctx)
	require.NoError(t, err)
	require.Len(t, js, 3)
	require.Equal(t, []notifier.RemindedAppointment{{ID: ids[0], StartsAt: nine.UTC()}}, truncated(js[2].Args.Appointments),
		"the 9:00 appointment alone")
}
