package booking_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/booking"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// bookAt is a client's booking of the bundle's service at start.
func (b *bundle) bookAt(start time.Time, key string) booking.Request {
	return booking.Request{ServiceID: b.svc.ID, PractitionerID: b.prac.ID, StartsAt: start, IdempotencyKey: key,
		ClientID: b.client.ID, Via: appointment.BookedViaPortal, Now: start.Add(-72 * time.Hour)}
}

// follow makes sure the bundle's database has a notifier queue (not
// started), so appointment changes write Notification rows: kithtest.DB
// attaches one.
func (b *bundle) follow(t testing.TB) {
	t.Helper()
	require.NotNil(t, kithtest.NotifierOf(t, b.store))
}

// notices counts the notifications of kind about appointment id.
func (b *bundle) notices(t testing.TB, id pulid.ID, kind schematype.MessageKind) int {
	t.Helper()
	n, err := b.db.Notification.Query().Where(notification.AppointmentID(id), notification.KindEQ(kind)).
		Count(viewer.NewContext(context.Background(), viewer.System{OrgID: b.org.ID}))
	require.NoError(t, err)
	return n
}

func TestBookOneSlotManyAtOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, "America/Toronto")
	start := local(t, "America/Toronto", "2030-03-04 09:00")
	const n = 100
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = booking.Book(b.ctx, b.db, b.bookAt(start, fmt.Sprintf("key-%d", i)))
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
			continue
		}
		require.ErrorIs(t, err, kith.ErrSlotTaken)
	}
	require.Equal(t, 1, won)
	count, err := b.db.Appointment.Query().Count(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, count)
}

func TestBookOverlapsBackToBackAndCancel(t *testing.T) {
	t.Parallel()
	b := setup(t, "America/Toronto")
	at := func(s string) time.Time { return local(t, "America/Toronto", "2030-03-04 "+s) }
	nine, err := booking.Book(b.ctx, b.db, b.bookAt(at("09:00"), "a"))
	require.NoError(t, err)
	require.Equal(t, at("10:00").UTC(), nine.EndsAt.UTC(), "ends after the service's duration")
	require.Equal(t, appointment.BookedViaPortal, nine.BookedVia)

	_, err = booking.Book(b.ctx, b.db, b.bookAt(at("09:30"), "b"))
	require.ErrorIs(t, err, kith.ErrSlotTaken, "09:30-10:30 overlaps 09:00-10:00")
	_, err = booking.Book(b.ctx, b.db, b.bookAt(at("10:00"), "c"))
	require.NoError(t, err, "back-to-back")
	_, err = booking.Book(b.ctx, b.db, b.bookAt(at("08:30").Add(0), "d"))
	require.Error(t, err, "outside hours")

	_, err = booking.Cancel(b.ctx, b.db, booking.Change{ID: nine.ID, Reason: "ill", AsStaff: true})
	require.NoError(t, err)
	again, err := booking.Book(b.ctx, b.db, b.bookAt(at("09:00"), "e"))
	require.NoError(t, err, "cancelling frees the slot")
	require.NotEqual(t, nine.ID, again.ID)

	// Staff bypass the offered start times but never the overlap.
	staff := b.bookAt(at("10:30"), "f")
	staff.AsStaff, staff.Via = true, appointment.BookedViaStaff
	_, err = booking.Book(b.ctx, b.db, staff)
	require.ErrorIs(t, err, kith.ErrSlotTaken)
}

func TestDatabaseRefusesOverlapItself(t *testing.T) {
	t.Parallel()
	b := setup(t, "America/Toronto")
	a, err := booking.Book(b.ctx, b.db, b.bookAt(local(t, "America/Toronto", "2030-03-04 09:00"), ""))
	require.NoError(t, err)
	// Copy the row with a new ID and a start 30 minutes later, behind ent's back.
	var cols []string
	for _, c := range appointment.Columns {
		if c != appointment.FieldID && c != appointment.FieldIdempotencyKey && c != appointment.FieldStartsAt {
			cols = append(cols, c)
		}
	}
	shifted := a.StartsAt.Add(30 * time.Minute).UTC().Format("2006-01-02 15:04:05.999999999-07:00")
	copyRow := fmt.Sprintf(`INSERT INTO appointments (id, starts_at, %[1]s) SELECT '%[2]s', '%[3]s', %[1]s FROM appointments WHERE id = '%[4]s'`,
		strings.Join(cols, ", "), pulid.New("ap"), shifted, a.ID)
	_, err = b.store.SQL.ExecContext(context.Background(), copyRow)
	require.Error(t, err, "the database itself refuses an overlapping appointment")
	require.Contains(t, strings.ToLower(err.Error()), "overlap")
	// Back-to-back passes the same way, so the refusal above is the overlap's.
	shifted = a.EndsAt.UTC().Format("2006-01-02 15:04:05.999999999-07:00")
	ends := a.EndsAt.Add(time.Hour).UTC().Format("2006-01-02 15:04:05.999999999-07:00")
	var rest []string
	for _, c := range cols {
		if c != appointment.FieldEndsAt {
			rest = append(rest, c)
		}
	}
	copyRow = fmt.Sprintf(`INSERT INTO appointments (id, starts_at, ends_at, %[1]s) SELECT '%[2]s', '%[3]s', '%[4]s', %[1]s FROM appointments WHERE id = '%[5]s'`,
		strings.Join(rest, ", "), pulid.New("ap"), shifted, ends, a.ID)
	_, err = b.store.SQL.ExecContext(context.Background(), copyRow)
	require.NoError(t, err)
}

func TestBookIdempotency(t *testing.T) {
	t.Parallel()
	b := setup(t, "America/Toronto")
	b.follow(t)
	start := local(t, "America/Toronto", "2030-03-05 11:00")
	first, err := booking.BookOnce(b.ctx, b.db, b.bookAt(start, "same"))
	require.NoError(t, err)
	require.True(t, first.New)
	require.Equal(t, 1, b.notices(t, first.Appointment.ID, schematype.MessageKindConfirmation))

	again, err := booking.BookOnce(b.ctx, b.db, b.bookAt(start, "same"))
	require.NoError(t, err)
	require.False(t, again.New)
	require.Equal(t, first.Appointment.ID, again.Appointment.ID)
	require.Equal(t, 1, b.notices(t, first.Appointment.ID, schematype.MessageKindConfirmation), "notified once")

	_, err = booking.Book(b.ctx, b.db, b.bookAt(start.Add(time.Hour), "same"))
	var conflict *kith.ConflictError
	require.ErrorAs(t, err, &conflict)
	require.Equal(t, "idempotencyKey", conflict.Field)

	// Many at once with one key: one appointment, every caller gets it.
	start = start.Add(3 * time.Hour)
	ids := make([]pulid.ID, 20)
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := booking.Book(b.ctx, b.db, b.bookAt(start, "race"))
			errs[i] = err
			if a != nil {
				ids[i] = a.ID
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "caller %d", i)
	}
	require.Len(t, slices.Compact(ids), 1)
	require.Equal(t, 1, b.notices(t, ids[0], schematype.MessageKindConfirmation))
}

func TestRescheduleAndCancelRules(t *testing.T) {
	t.Parallel()
	b := setup(t, "America/Toronto")
	b.follow(t)
	_, err := booking.UpdateRules(b.ctx, b.db, b.org.ID, booking.RulesInput{
		CancelMinNoticeMinutes: ptr(24 * 60), RescheduleMinNoticeMinutes: ptr(24 * 60), RequireCancellationReason: ptr(true),
	})
	require.NoError(t, err)
	start := local(t, "America/Toronto", "2030-03-05 11:00")
	a, err := booking.Book(b.ctx, b.db, b.bookAt(start, "k"))
	require.NoError(t, err)

	late := start.Add(-2 * time.Hour)
	_, err = booking.Reschedule(b.ctx, b.db, booking.Change{ID: a.ID, StartsAt: start.Add(2 * time.Hour), Now: late})
	requireField(t, err, "id")
	_, err = booking.Cancel(b.ctx, b.db, booking.Change{ID: a.ID, Reason: "ill", Now: late})
	requireField(t, err, "id")
	_, err = booking.Cancel(b.ctx, b.db, booking.Change{ID: a.ID, Now: start.Add(-48 * time.Hour)})
	requireField(t, err, "reason")

	moved, err := booking.Reschedule(b.ctx, b.db, booking.Change{ID: a.ID, StartsAt: start.Add(30 * time.Minute), Now: start.Add(-48 * time.Hour)})
	require.NoError(t, err, "moving onto its own old time is fine: it does not count itself")
	require.Equal(t, start.Add(90*time.Minute).UTC(), moved.EndsAt.UTC())
	require.Equal(t, 1, b.notices(t, a.ID, schematype.MessageKindReschedule))

	// Staff are not bound by the notice.
	_, err = booking.Reschedule(b.ctx, b.db, booking.Change{ID: a.ID, StartsAt: start.Add(4 * time.Hour), Now: late, AsStaff: true})
	require.NoError(t, err)
	cancelled, err := booking.Cancel(b.ctx, b.db, booking.Change{ID: a.ID, Reason: "closed", Now: late, AsStaff: true})
	require.NoError(t, err)
	require.Equal(t, appointment.StatusCancelled, cancelled.Status)
	require.Equal(t, 1, b.notices(t, a.ID, schematype.MessageKindCancellation))
}

func requireField(t *testing.T, err error, field string) {
	t.Helper()
	var ve *kith.ValidationError
	require.True(t, errors.As(err, &ve), "want a ValidationError, got %v", err)
	require.Equal(t, field, ve.Field)
}
