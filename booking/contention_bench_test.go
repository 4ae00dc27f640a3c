package booking_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/booking"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/pulid"
)

// BenchmarkBookingContention is booking throughput under contention: 50
// clients at once booking distinct 30-minute slots of one practitioner
// (every booking checks and writes the same practitioner's calendar), each
// booking in its own transaction with an idempotency key. It reports
// bookings/s and then asserts that every booking succeeded and that no two
// appointments overlap. On SQLite by default; on PostgreSQL with
// TEST_DATABASE_URL (the figure that matters).
func BenchmarkBookingContention(b *testing.B) {
	const clients = 50
	bd := setup(b, "America/Toronto")
	_, err := booking.SetWorkingHours(bd.ctx, bd.db, bd.prac.ID, everyDay("06:00", "22:00"))
	require.NoError(b, err)
	svc, err := bd.db.Service.Create().SetName("Short").SetDurationMinutes(30).SetBookableOnline(true).Save(bd.ctx)
	require.NoError(b, err)
	require.NoError(b, booking.SetPractitioners(bd.ctx, bd.db, svc.ID, []pulid.ID{bd.prac.ID}))
	people := make([]pulid.ID, clients)
	for i := range people {
		c, err := bd.db.ClientProfile.Create().SetFirstName("C").SetLastName(fmt.Sprint(i)).SetEmail(fmt.Sprintf("c%d@example.com", i)).Save(bd.ctx)
		require.NoError(b, err)
		people[i] = c.ID
	}
	first := local(b, "America/Toronto", "2030-01-01 06:00")
	now := first.Add(-24 * time.Hour)
	slot := func(i int) time.Time { return first.AddDate(0, 0, i/32).Add(time.Duration(i%32) * 30 * time.Minute) }

	var next atomic.Int64
	var failed atomic.Int64
	b.ResetTimer()
	began := time.Now()
	var wg sync.WaitGroup
	for w := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				_, err := booking.Book(bd.ctx, bd.db, booking.Request{ServiceID: svc.ID, PractitionerID: bd.prac.ID, StartsAt: slot(i),
					IdempotencyKey: fmt.Sprintf("bench-%d", i), ClientID: people[w], Via: appointment.BookedViaWidget, Now: now})
				if err != nil {
					failed.Add(1)
					b.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(began)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "bookings/s")

	require.Zero(b, failed.Load())
	booked, err := bd.db.Appointment.Query().
		Where(appointment.PractitionerID(bd.prac.ID), appointment.StatusIn(appointment.StatusBooked, appointment.StatusConfirmed)).
		Order(ent.Asc(appointment.FieldStartsAt)).All(bd.ctx)
	require.NoError(b, err)
	require.Len(b, booked, b.N)
	for i := 1; i < len(booked); i++ {
		require.False(b, booked[i].StartsAt.Before(booked[i-1].EndsAt), "%s overlaps %s", booked[i].ID, booked[i-1].ID)
	}
}
