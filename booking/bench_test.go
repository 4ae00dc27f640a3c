package booking_test

import (
	"context"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/booking"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/server"
)

// seedBusy gives the bundle's practitioner hours 08:00–22:00 every day and
// 500 appointments of 30 minutes over the 30 days from start (17 a day, 40
// minutes apart), with a 15-minute interval and 10-minute buffers.
func seedBusy(tb testing.TB, b *bundle, start time.Time) {
	tb.Helper()
	_, err := booking.SetWorkingHours(b.ctx, b.db, b.prac.ID, everyDay("08:00", "22:00"))
	require.NoError(tb, err)
	_, err = booking.UpdateRules(b.ctx, b.db, b.org.ID, booking.RulesInput{SlotIntervalMinutes: ptr(15), BufferBeforeMinutes: ptr(10), BufferAfterMinutes: ptr(10)})
	require.NoError(tb, err)
	// In a transaction: appointments send their confirmations (the notifier).
	_, err = transaction.Run(b.ctx, b.db, func(ctx context.Context, db *ent.Client) (struct{}, error) {
		creates := make([]*ent.AppointmentCreate, 0, 500)
		for i := range 500 {
			at := start.AddDate(0, 0, i/17).Add(8*time.Hour + time.Duration(i%17)*40*time.Minute)
			creates = append(creates, db.Appointment.Create().SetClientID(b.client.ID).SetPractitionerID(b.prac.ID).
				SetStartsAt(at).SetEndsAt(at.Add(30*time.Minute)))
		}
		return struct{}{}, db.Appointment.CreateBulk(creates...).Exec(ctx)
	})
	require.NoError(tb, err)
	// As autovacuum would soon after: PostgreSQL plans by the tables'
	// statistics, and a table never analysed reads as nearly empty.
	if b.db.Dialect() == dialect.Postgres {
		_, err = b.db.ExecContext(b.ctx, "ANALYZE")
		require.NoError(tb, err)
	}
}

// BenchmarkAvailableSlots is availableSlots for one practitioner over 30
// days with 500 existing appointments, in the Go API. On SQLite by
// default; on PostgreSQL with TEST_DATABASE_URL. Goal: under 1 ms per call,
// in two statements (TestSlotsStatements).
func BenchmarkAvailableSlots(b *testing.B) {
	b.Cleanup(server.TuneGC(server.DefaultMemoryLimit)) // as kith serve collects
	bd := setup(b, "America/Toronto")
	start := local(b, "America/Toronto", "2026-06-01 00:00")
	seedBusy(b, bd, start)
	b.SetParallelism(1)
	q := booking.Query{OrgID: bd.org.ID, ServiceID: bd.svc.ID, PractitionerID: bd.prac.ID,
		From: start, To: start.AddDate(0, 0, 30), TimeZone: "Europe/London", Now: longAgo}
	slots, err := booking.Slots(bd.ctx, bd.db, q)
	require.NoError(b, err)
	require.NotEmpty(b, slots)
	b.ReportAllocs()
	cpu, n := kithtest.CPUTime(), 0
	for b.Loop() {
		if _, err := booking.Slots(bd.ctx, bd.db, q); err != nil {
			b.Fatal(err)
		}
		n++
	}
	// CPU time per call, the process's (the garbage collector's too): less
	// disturbed than ns/op by other work on the machine.
	b.ReportMetric(float64(kithtest.CPUTime()-cpu)/float64(n), "cpu-ns/op")
	b.ReportMetric(float64(len(slots)), "slots")
}
