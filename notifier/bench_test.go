package notifier_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/notifier/fake"
	"github.com/kith-health/kith/notifier/provider"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// BenchmarkRemindersFallingDue: KITH_BENCH_APPOINTMENTS appointments
// (default 10,000), each client with two contacts, whose reminders all fall
// due at once (Queue.RemindNow; with KITH_BENCH_REMINDERS=scheduled, the
// reminder jobs booking scheduled, made due together, as at 9:00 on a busy
// morning, for appointments booked KITH_BENCH_PRACTITIONERS (default 100)
// at a time, one an hour per practitioner, so that theirs share due times):
// the time from the queue starting to the last of the 3 emails
// per appointment being handed to the provider mock, as msgs/s, and the peak
// heap meanwhile, and the SQL statements ent ran meanwhile per appointment
// (River's own are not counted). Run once: -benchtime 1x. TEST_DATABASE_URL runs it on
// PostgreSQL.
func BenchmarkRemindersFallingDue(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("KITH_BENCH_APPOINTMENTS")); err == nil && v > 0 {
		n = v
	}
	scheduled := os.Getenv("KITH_BENCH_REMINDERS") == "scheduled"
	together := 1
	if scheduled {
		together = 100
		if v, err := strconv.Atoi(os.Getenv("KITH_BENCH_PRACTITIONERS")); err == nil && v > 0 {
			together = v
		}
	}
	for range b.N {
		b.StopTimer()
		var statements atomic.Int64           // ent's, not River's
		db := kithtest.BareDB(b, &statements) // its own queue below
		email := fake.New(schematype.ChannelEmail)
		ctx := context.Background()
		q, err := notifier.NewQueue(ctx, db, notifier.Config{
			Senders:      []provider.Sender{email, fake.New(schematype.ChannelSMS)},
			NoQuietHours: true,
			Workers:      50,
			PollInterval: 50 * time.Millisecond,
			Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		require.NoError(b, err)
		ids := seedAppointments(b, db, n, together)
		// The seed's confirmations and reminder jobs are not what is
		// measured. On PostgreSQL TRUNCATE leaves no dead rows and the
		// tables' statistics as a fresh database's (a VACUUM would record
		// them empty, and the planner would pick plans for empty tables).
		clear := "DELETE FROM river_job; DELETE FROM notifications"
		if db.Dialect != dialect.SQLite {
			clear = "TRUNCATE river_job, notifications"
		}
		if scheduled {
			// The reminder jobs booking scheduled, all made due at once
			// (when the last was queued).
			clear = "DELETE FROM river_job WHERE kind <> 'kith_reminder'; DELETE FROM notifications; " +
				"UPDATE river_job SET scheduled_at = (SELECT max(created_at) FROM river_job)"
		}
		for stmt := range strings.SplitSeq(clear, "; ") {
			_, err = db.SQL.ExecContext(ctx, stmt)
			require.NoError(b, err)
		}
		if scheduled {
			var jobs int
			require.NoError(b, db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM river_job").Scan(&jobs))
			require.Positive(b, jobs, "scheduled reminder jobs")
			b.ReportMetric(float64(jobs), "scheduled-jobs")
		} else {
			require.NoError(b, q.RemindNow(ctx, ids...)) // all fall due at once
		}

		var peak atomic.Uint64
		done := make(chan struct{})
		go samplePeakHeap(&peak, done)
		b.StartTimer()
		before := statements.Load()
		start := time.Now()
		require.NoError(b, q.Start(ctx))
		for len(email.Sent()) < 3*n {
			time.Sleep(10 * time.Millisecond)
		}
		elapsed := time.Since(start)
		b.StopTimer()
		ran := statements.Load() - before
		close(done)
		require.NoError(b, q.Stop(ctx))
		b.ReportMetric(float64(3*n)/elapsed.Seconds(), "msgs/s")
		b.ReportMetric(elapsed.Seconds(), "s-to-last")
		b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(ran)/float64(n), "stmts/appt")
	}
}

// seedDue books n appointments from a day ahead for n clients who, with their
// two contacts each, take reminders by email, one an hour with the
// practice's owner, and returns their IDs.
func seedDue(b testing.TB, db *database.DB, n int) []pulid.ID {
	b.Helper()
	return seedAppointments(b, db, n, 1)
}

// seedAppointments is seedDue with together practitioners (the owner and
// more staff) seeing a client each hour: together appointments start at
// each hour, and their reminders fall due together.
func seedAppointments(b testing.TB, db *database.DB, n, together int) []pulid.ID {
	b.Helper()
	return seedAppointmentsAt(b, db, n, together, time.Now().Add(25*time.Hour)) // the first reminder (24 hours before) still ahead
}

// seedAppointmentsAt is seedAppointments from at.
func seedAppointmentsAt(b testing.TB, db *database.DB, n, together int, at time.Time) []pulid.ID {
	b.Helper()
	p := kithtest.NewPractice(b, db, "bench")
	ctx := viewer.NewContext(context.Background(), viewer.System{OrgID: p.Org.ID})
	tx, err := db.Client.Tx(ctx)
	require.NoError(b, err)
	ctx = transaction.With(ctx, tx) // the hooks of its writes find it
	c := tx.Client()
	seeing := []pulid.ID{p.Owner.ID}
	for i := 1; i < together; i++ {
		dr, err := c.Staff.Create().SetName(fmt.Sprintf("Dr %03d", i)).SetEmail(fmt.Sprintf("dr%03d@bench.example", i)).
			SetRole(staff.RolePractitioner).Save(ctx)
		require.NoError(b, err)
		seeing = append(seeing, dr.ID)
	}
	ids := make([]pulid.ID, 0, n)
	for i := range n {
		cl, err := c.ClientProfile.Create().SetFirstName(fmt.Sprintf("Client%05d", i)).SetLastName("Bench").
			SetEmail(fmt.Sprintf("c%d@example.com", i)).Save(ctx)
		require.NoError(b, err)
		for j := range 2 {
			ct, err := c.Contact.Create().SetFirstName(fmt.Sprintf("Parent%d", j)).
				SetEmail(fmt.Sprintf("p%d.%d@example.com", i, j)).Save(ctx)
			require.NoError(b, err)
			require.NoError(b, c.ClientContact.Create().SetClientID(cl.ID).SetContactID(ct.ID).
				SetRelationship(clientcontact.RelationshipParent).SetNotifyReminders(true).Exec(ctx))
		}
		start := at.Add(time.Duration(i/together) * time.Hour) // a practitioner never twice at once
		a, err := c.Appointment.Create().SetClientID(cl.ID).SetPractitionerID(seeing[i%together]).
			SetStartsAt(start).SetEndsAt(start.Add(50 * time.Minute)).Save(ctx)
		require.NoError(b, err)
		ids = append(ids, a.ID)
	}
	require.NoError(b, tx.Commit())
	return ids
}

func samplePeakHeap(peak *atomic.Uint64, done <-chan struct{}) {
	var m runtime.MemStats
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		runtime.ReadMemStats(&m)
		if m.HeapAlloc > peak.Load() {
			peak.Store(m.HeapAlloc)
		}
		select {
		case <-done:
			return
		case <-t.C:
		}
	}
}
