package booking_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/booking"
	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/ent/scheduleexception"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// bundle is a practice (America/Toronto) with a practitioner and a
// 60-minute service, and the owner's context.
type bundle struct {
	ctx    context.Context
	store  *database.DB
	db     *ent.Client
	org    *ent.Organization
	prac   *ent.Staff
	svc    *ent.Service
	client *ent.ClientProfile
}

// setup makes a practice whose practitioner works in zone every day from
// 09:00 to 17:00, with a 60-minute service on a 30-minute grid and no notice
// rules in the way (they are tested on their own).
func setup(t testing.TB, zone string) *bundle {
	t.Helper()
	return setupCounting(t, zone, nil)
}

// setupCounting is setup on a database that counts its statements in
// statements (when not nil).
func setupCounting(t testing.TB, zone string, statements *atomic.Int64) *bundle {
	t.Helper()
	db := kithtest.DB(t, statements)
	p := kithtest.NewPractice(t, db, "practice")
	ctx := viewer.NewContext(context.Background(), viewer.Staff{OrgID: p.Org.ID, StaffID: p.Owner.ID, Role: viewer.RoleOwner})
	c := db.Client
	org, err := booking.UpdateRules(ctx, c, p.Org.ID, booking.RulesInput{
		BookingMinNoticeMinutes: ptr(0), SlotIntervalMinutes: ptr(30), BookingMaxAdvanceDays: ptr(730),
	})
	require.NoError(t, err)
	prac, err := c.Staff.Create().SetName("Dr Ada").SetEmail("ada@practice.example").SetTimeZone(zone).Save(ctx)
	require.NoError(t, err)
	svc, err := c.Service.Create().SetName("Session").SetDurationMinutes(60).SetBookableOnline(true).Save(ctx)
	require.NoError(t, err)
	require.NoError(t, booking.SetPractitioners(ctx, c, svc.ID, []pulid.ID{prac.ID}))
	var week []booking.Interval
	for d := range 7 {
		week = append(week, booking.Interval{Weekday: d, Start: "09:00", End: "17:00"})
	}
	_, err = booking.SetWorkingHours(ctx, c, prac.ID, week)
	require.NoError(t, err)
	client, err := c.ClientProfile.Create().SetFirstName("Sam").SetLastName("Lee").SetEmail("sam@example.com").Save(ctx)
	require.NoError(t, err)
	return &bundle{ctx: ctx, store: db, db: c, org: org, prac: prac, svc: svc, client: client}
}

func ptr[T any](v T) *T { return &v }

// local is a wall-clock time in zone.
func local(t testing.TB, zone, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	require.NoError(t, err)
	at, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	require.NoError(t, err)
	return at
}

// book adds an appointment of the practitioner from start for minutes.
func (b *bundle) book(t testing.TB, start time.Time, minutes int) *ent.Appointment {
	t.Helper()
	a, err := transaction.Run(b.ctx, b.db, func(ctx context.Context, db *ent.Client) (*ent.Appointment, error) {
		return db.Appointment.Create().SetClientID(b.client.ID).SetPractitionerID(b.prac.ID).
			SetStartsAt(start).SetEndsAt(start.Add(time.Duration(minutes) * time.Minute)).Save(ctx)
	})
	require.NoError(t, err)
	return a
}

// slots returns the free starts of the bundle's service, as "2006-01-02 15:04" in zone.
func (b *bundle) slots(t testing.TB, zone string, from, to time.Time, now time.Time) []string {
	t.Helper()
	got, err := booking.Slots(b.ctx, b.db, booking.Query{OrgID: b.org.ID, ServiceID: b.svc.ID, From: from, To: to, TimeZone: zone, Now: now})
	require.NoError(t, err)
	out := []string{}
	for _, s := range got {
		require.Equal(t, zone, s.Start.Location().String())
		require.Equal(t, b.prac.ID, s.PractitionerID)
		out = append(out, s.Start.Format("2006-01-02 15:04 MST"))
	}
	return out
}

// longAgo is a "now" far enough back that notice rules never bite.
var longAgo = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func TestSlotsAcrossDaylightSaving(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, prac, asker string
		hours             []booking.Interval // replaces every day's 09:00–17:00 when set
		from, to          string             // local dates in the asker's zone
		want              []string
	}{
		{
			name: "Toronto spring forward keeps 09:00", prac: "America/Toronto", asker: "America/Toronto",
			hours: everyDay("09:00", "10:30"), from: "2026-03-07 00:00", to: "2026-03-10 00:00",
			want: []string{"2026-03-07 09:00 EST", "2026-03-07 09:30 EST", "2026-03-08 09:00 EDT", "2026-03-08 09:30 EDT", "2026-03-09 09:00 EDT", "2026-03-09 09:30 EDT"},
		},
		{
			name: "Toronto fall back keeps 09:00", prac: "America/Toronto", asker: "America/Toronto",
			hours: everyDay("09:00", "10:00"), from: "2026-10-31 00:00", to: "2026-11-03 00:00",
			want: []string{"2026-10-31 09:00 EDT", "2026-11-01 09:00 EST", "2026-11-02 09:00 EST"},
		},
		{
			name: "hours spanning the skipped hour are an hour shorter", prac: "America/Toronto", asker: "America/Toronto",
			hours: everyDay("00:00", "04:00"), from: "2026-03-08 00:00", to: "2026-03-08 12:00",
			want: []string{"2026-03-08 00:00 EST", "2026-03-08 00:30 EST", "2026-03-08 01:00 EST", "2026-03-08 01:30 EST", "2026-03-08 03:00 EDT"},
		},
		{
			name: "hours spanning the repeated hour are an hour longer", prac: "America/Toronto", asker: "America/Toronto",
			hours: everyDay("00:00", "03:00"), from: "2026-11-01 00:00", to: "2026-11-01 12:00",
			want: []string{"2026-11-01 00:00 EDT", "2026-11-01 00:30 EDT", "2026-11-01 01:00 EDT", "2026-11-01 01:30 EDT", "2026-11-01 01:00 EST", "2026-11-01 01:30 EST", "2026-11-01 02:00 EST"},
		},
		{
			name: "London spring forward keeps 09:00", prac: "Europe/London", asker: "Europe/London",
			hours: everyDay("09:00", "10:00"), from: "2026-03-28 00:00", to: "2026-03-31 00:00",
			want: []string{"2026-03-28 09:00 GMT", "2026-03-29 09:00 BST", "2026-03-30 09:00 BST"},
		},
		{
			name: "London practitioner seen from Toronto while only America has changed", prac: "Europe/London", asker: "America/Toronto",
			hours: everyDay("09:00", "10:00"), from: "2026-03-07 00:00", to: "2026-03-10 00:00",
			want: []string{"2026-03-07 04:00 EST", "2026-03-08 05:00 EDT", "2026-03-09 05:00 EDT"},
		},
		{
			name: "Sydney autumn change seen from London", prac: "Australia/Sydney", asker: "Europe/London",
			hours: everyDay("09:00", "10:00"), from: "2026-04-03 00:00", to: "2026-04-06 00:00",
			// Sydney leaves AEDT (UTC+11) on 5 April 2026 at 03:00; London is on BST (UTC+1).
			want: []string{"2026-04-03 23:00 BST", "2026-04-05 00:00 BST"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tc.prac)
			_, err := booking.SetWorkingHours(b.ctx, b.db, b.prac.ID, tc.hours)
			require.NoError(t, err)
			got := b.slots(t, tc.asker, local(t, tc.asker, tc.from), local(t, tc.asker, tc.to), longAgo)
			require.Equal(t, tc.want, got)
		})
	}
}

func everyDay(start, end string) []booking.Interval {
	var out []booking.Interval
	for d := range 7 {
		out = append(out, booking.Interval{Weekday: d, Start: start, End: end})
	}
	return out
}

func TestSlotsHonourAppointmentsRulesAndExceptions(t *testing.T) {
	t.Parallel()
	const zone = "America/Toronto"
	day := func(t testing.TB, hm string) time.Time { return local(t, zone, "2026-06-01 "+hm) } // a Monday
	for _, tc := range []struct {
		name    string
		arrange func(t *testing.T, b *bundle)
		now     string
		want    []string
	}{
		{name: "free day", want: []string{"09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00"}},
		{name: "back to back with an appointment", arrange: func(t *testing.T, b *bundle) {
			b.book(t, day(t, "10:00"), 60)
		}, want: []string{"09:00", "11:00", "11:30", "12:00"}},
		{name: "cancelled and completed appointments do not block", arrange: func(t *testing.T, b *bundle) {
			a := b.book(t, day(t, "10:00"), 60)
			_, err := transaction.Run(b.ctx, b.db, func(ctx context.Context, db *ent.Client) (*ent.Appointment, error) {
				return db.Appointment.UpdateOne(a).SetStatus(appointment.StatusCancelled).SetCancellationReason("ill").Save(ctx)
			})
			require.NoError(t, err)
		}, want: []string{"09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00"}},
		{name: "buffers before and after", arrange: func(t *testing.T, b *bundle) {
			b.book(t, day(t, "10:00"), 60)
			b.setService(t, func(u *ent.ServiceUpdateOne) { u.SetBufferBeforeMinutes(15).SetBufferAfterMinutes(30) })
		}, want: []string{"11:30", "12:00"}},
		{name: "organisation buffers, service interval", arrange: func(t *testing.T, b *bundle) {
			b.book(t, day(t, "10:00"), 60)
			_, err := booking.UpdateRules(b.ctx, b.db, b.org.ID, booking.RulesInput{BufferAfterMinutes: ptr(15), BufferBeforeMinutes: ptr(15)})
			require.NoError(t, err)
			b.setService(t, func(u *ent.ServiceUpdateOne) { u.SetSlotIntervalMinutes(15) })
		}, want: []string{"11:15", "11:30", "11:45", "12:00"}},
		{name: "minimum notice", now: "09:10", arrange: func(t *testing.T, b *bundle) {
			b.setService(t, func(u *ent.ServiceUpdateOne) { u.SetBookingMinNoticeMinutes(120) })
		}, want: []string{"11:30", "12:00"}},
		{name: "maximum advance", now: "2026-05-31 10:00", arrange: func(t *testing.T, b *bundle) {
			_, err := booking.UpdateRules(b.ctx, b.db, b.org.ID, booking.RulesInput{BookingMaxAdvanceDays: ptr(1)})
			require.NoError(t, err)
		}, want: []string{"09:00", "09:30"}},
		{name: "time off", arrange: func(t *testing.T, b *bundle) {
			_, err := booking.AddException(b.ctx, b.db, booking.Exception{StaffID: b.prac.ID, Kind: scheduleexception.KindTimeOff,
				StartsAt: ptr(day(t, "10:30")), EndsAt: ptr(day(t, "11:00"))})
			require.NoError(t, err)
		}, want: []string{"09:00", "09:30", "11:00", "11:30", "12:00"}},
		{name: "other hours that date", arrange: func(t *testing.T, b *bundle) {
			_, err := booking.AddException(b.ctx, b.db, booking.Exception{StaffID: b.prac.ID, Kind: scheduleexception.KindHours,
				Date: "2026-06-01", Start: "12:00", End: "14:00"})
			require.NoError(t, err)
		}, want: []string{"12:00"}},
		{name: "closed that date", arrange: func(t *testing.T, b *bundle) {
			_, err := booking.AddException(b.ctx, b.db, booking.Exception{StaffID: b.prac.ID, Kind: scheduleexception.KindHours, Date: "2026-06-01"})
			require.NoError(t, err)
		}, want: []string{}},
		{name: "changed weekly hours, two intervals", arrange: func(t *testing.T, b *bundle) {
			_, err := booking.SetWorkingHours(b.ctx, b.db, b.prac.ID, []booking.Interval{{Weekday: 1, Start: "08:00", End: "09:30"}, {Weekday: 1, Start: "12:30", End: "13:30"}})
			require.NoError(t, err)
		}, want: []string{"08:00", "08:30"}},
		{name: "adjacent intervals join", arrange: func(t *testing.T, b *bundle) {
			_, err := booking.SetWorkingHours(b.ctx, b.db, b.prac.ID, []booking.Interval{{Weekday: 1, Start: "09:00", End: "09:30"}, {Weekday: 1, Start: "09:30", End: "10:00"}})
			require.NoError(t, err)
		}, want: []string{"09:00"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, zone)
			if tc.arrange != nil {
				tc.arrange(t, b)
			}
			now := longAgo
			switch {
			case len(tc.now) > 5:
				now = local(t, zone, tc.now)
			case tc.now != "":
				now = day(t, tc.now)
			}
			// Ask for the morning only: 09:00–13:00 of hours 09:00–17:00 → starts up to 12:00.
			got := b.slots(t, zone, day(t, "00:00"), day(t, "12:01"), now)
			want := []string{}
			for _, w := range tc.want {
				want = append(want, day(t, w).Format("2006-01-02 15:04 MST"))
			}
			require.Equal(t, want, got)
		})
	}
}

func (b *bundle) setService(t testing.TB, change func(*ent.ServiceUpdateOne)) {
	t.Helper()
	u := b.db.Service.UpdateOne(b.svc)
	change(u)
	svc, err := u.Save(b.ctx)
	require.NoError(t, err)
	b.svc = svc
}

func TestSlotsSeveralPractitioners(t *testing.T) {
	t.Parallel()
	b := setup(t, "America/Toronto")
	bea, err := b.db.Staff.Create().SetName("Bea").SetEmail("bea@practice.example").Save(b.ctx) // the organisation's zone
	require.NoError(t, err)
	require.NoError(t, booking.SetPractitioners(b.ctx, b.db, b.svc.ID, []pulid.ID{b.prac.ID, bea.ID}))
	_, err = booking.SetWorkingHours(b.ctx, b.db, bea.ID, []booking.Interval{{Weekday: 1, Start: "09:00", End: "10:00"}})
	require.NoError(t, err)
	from := local(t, "America/Toronto", "2026-06-01 09:00")
	all, err := booking.Slots(b.ctx, b.db, booking.Query{OrgID: b.org.ID, ServiceID: b.svc.ID, From: from, To: from.Add(time.Minute), Now: longAgo})
	require.NoError(t, err)
	require.Len(t, all, 2)
	require.Equal(t, "Bea", all[0].PractitionerName)
	require.Equal(t, "Dr Ada", all[1].PractitionerName)
	one, err := booking.Slots(b.ctx, b.db, booking.Query{OrgID: b.org.ID, ServiceID: b.svc.ID, PractitionerID: bea.ID, From: from, To: from.Add(2 * time.Hour), Now: longAgo})
	require.NoError(t, err)
	require.Len(t, one, 1)
	require.Equal(t, bea.ID, one[0].PractitionerID)

	// A practitioner no longer active gives no slots, and asking for her
	// by ID reads as not found.
	_, err = b.db.Staff.UpdateOneID(bea.ID).SetActive(false).Save(b.ctx)
	require.NoError(t, err)
	all, err = booking.Slots(b.ctx, b.db, booking.Query{OrgID: b.org.ID, ServiceID: b.svc.ID, From: from, To: from.Add(time.Minute), Now: longAgo})
	require.NoError(t, err)
	require.Len(t, all, 1)
	require.Equal(t, "Dr Ada", all[0].PractitionerName)
	_, err = booking.Slots(b.ctx, b.db, booking.Query{OrgID: b.org.ID, ServiceID: b.svc.ID, PractitionerID: bea.ID, From: from, To: from.Add(2 * time.Hour), Now: longAgo})
	var nf *kith.NotFoundError
	require.ErrorAs(t, err, &nf)
	require.Equal(t, "practitionerId", nf.Field)
}

func TestSlotsBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t, "America/Toronto")
	other := kithtest.NewPractice(t, b.store, "other")
	from := local(t, "America/Toronto", "2026-06-01 00:00")
	for _, tc := range []struct {
		name  string
		q     booking.Query
		field string
		found bool
	}{
		{name: "range too long", q: booking.Query{To: from.Add(63 * 24 * time.Hour)}, field: "to"},
		{name: "end before start", q: booking.Query{To: from.Add(-time.Hour)}, field: "to"},
		{name: "unknown zone", q: booking.Query{TimeZone: "Mars/Olympus", To: from.Add(time.Hour)}, field: "timeZone"},
		{name: "unknown practitioner", q: booking.Query{PractitionerID: "stnope", To: from.Add(time.Hour)}, field: "practitionerId", found: true},
		{name: "another organisation's service", q: booking.Query{OrgID: other.Org.ID, To: from.Add(time.Hour)}, field: "serviceId", found: true},
	} {
		q := tc.q
		q.From, q.ServiceID = from, b.svc.ID
		if q.OrgID == "" {
			q.OrgID = b.org.ID
		}
		_, err := booking.Slots(b.ctx, b.db, q)
		if tc.found {
			var nf *kith.NotFoundError
			require.ErrorAs(t, err, &nf, tc.name)
			require.Equal(t, tc.field, nf.Field, tc.name)
			continue
		}
		var ve *kith.ValidationError
		require.ErrorAs(t, err, &ve, tc.name)
		require.Equal(t, tc.field, ve.Field, tc.name)
	}
	_, err := booking.SetWorkingHours(b.ctx, b.db, b.prac.ID, []booking.Interval{{Weekday: 1, Start: "09:00", End: "12:00"}, {Weekday: 1, Start: "11:00", End: "13:00"}})
	var ve *kith.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "intervals.1.start", ve.Field)
	_, err = booking.SetWorkingHours(b.ctx, b.db, b.prac.ID, []booking.Interval{{Weekday: 7, Start: "09:00", End: "12:00"}})
	require.ErrorAs(t, err, &ve)
	_, err = booking.SetWorkingHours(b.ctx, b.db, b.prac.ID, []booking.Interval{{Weekday: 1, Start: "12:00", End: "9:00"}})
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "intervals.0.end", ve.Field)
}

func TestCheckBookable(t *testing.T) {
	t.Parallel()
	const zone = "America/Toronto"
	b := setup(t, zone)
	day := func(hm string) time.Time { return local(t, zone, "2026-06-01 "+hm) }
	existing := b.book(t, day("13:00"), 60)
	b.setService(t, func(u *ent.ServiceUpdateOne) { u.SetBufferAfterMinutes(15).SetBookingMinNoticeMinutes(60) })
	check := func(start time.Time, now time.Time, asStaff bool, ignore ...pulid.ID) error {
		return booking.CheckBookable(b.ctx, b.db, b.org, b.svc, b.prac, start, now, asStaff, ignore...)
	}
	require.NoError(t, check(day("09:00"), longAgo, false))
	require.NoError(t, check(day("14:30"), longAgo, false), "after the appointment")
	require.NoError(t, check(day("11:00"), longAgo, false), "ends with its buffer before the next one")
	require.NoError(t, check(day("14:00"), longAgo, false), "starts when the last one ends: back to back")

	taken := check(day("12:30"), longAgo, false)
	require.True(t, errors.Is(taken, booking.ErrSlotTaken), "%v", taken)
	require.ErrorIs(t, check(day("12:00"), longAgo, false), booking.ErrSlotTaken, "its buffer after runs into the next one")
	require.NoError(t, check(day("13:00"), longAgo, false, existing.ID), "rescheduling ignores itself")

	invalid := func(err error) string {
		t.Helper()
		var ve *kith.ValidationError
		require.ErrorAs(t, err, &ve)
		require.False(t, errors.Is(err, booking.ErrSlotTaken))
		return ve.Field
	}
	require.Equal(t, "startsAt", invalid(check(day("08:00"), longAgo, false)), "before hours")
	require.Equal(t, "startsAt", invalid(check(day("16:30"), longAgo, true)), "runs past hours, even for staff")
	require.Equal(t, "startsAt", invalid(check(day("09:10"), longAgo, false)), "off the grid")
	require.NoError(t, check(day("09:10"), longAgo, true), "staff book off the grid")
	require.Equal(t, "startsAt", invalid(check(day("09:30"), day("09:00"), false)), "too little notice")
	require.NoError(t, check(day("09:30"), day("09:00"), true), "staff are not bound by notice")
	require.Equal(t, "startsAt", invalid(check(day("09:00"), day("09:00").AddDate(0, 0, -800), false)), "too far ahead")

	_, err := booking.AddException(b.ctx, b.db, booking.Exception{StaffID: b.prac.ID, Kind: scheduleexception.KindTimeOff, StartsAt: ptr(day("09:30")), EndsAt: ptr(day("10:00"))})
	require.NoError(t, err)
	require.Equal(t, "startsAt", invalid(check(day("09:00"), longAgo, true)), "time off")

	other, err := b.db.Staff.Create().SetName("Other").SetEmail("other@practice.example").Save(b.ctx)
	require.NoError(t, err)
	require.Equal(t, "practitionerId", invalid(booking.CheckBookable(b.ctx, b.db, b.org, b.svc, other, day("09:00"), longAgo, true)))
}

func TestRulesAndServices(t *testing.T) {
	t.Parallel()
	b := setup(t, "America/Toronto")
	r := booking.Effective(b.org, b.svc)
	require.Equal(t, 30, r.SlotIntervalMinutes)
	require.Equal(t, 1440, r.CancelMinNoticeMinutes)
	b.setService(t, func(u *ent.ServiceUpdateOne) { u.SetCancelMinNoticeMinutes(60).SetRequireCancellationReason(true) })
	r = booking.Effective(b.org, b.svc)
	require.Equal(t, 60, r.CancelMinNoticeMinutes)
	start := local(t, "America/Toronto", "2026-06-01 10:00")
	require.Error(t, r.CheckCancel(start, start.Add(-30*time.Minute), "ill", false))
	require.Error(t, r.CheckCancel(start, start.Add(-2*time.Hour), "", false))
	require.NoError(t, r.CheckCancel(start, start.Add(-2*time.Hour), "ill", false))
	require.NoError(t, r.CheckCancel(start, start, "", true))
	require.Error(t, r.CheckReschedule(start, start.Add(-time.Hour), false))

	var ve *kith.ValidationError
	_, err := booking.UpdateRules(b.ctx, b.db, b.org.ID, booking.RulesInput{SlotIntervalMinutes: ptr(0)})
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "slotIntervalMinutes", ve.Field)
	_, err = booking.UpdateRules(b.ctx, b.db, b.org.ID, booking.RulesInput{WidgetAllowedOrigins: []string{"https://maple.example", "ftp://x"}})
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "widgetAllowedOrigins.1", ve.Field)
	org, err := booking.UpdateRules(b.ctx, b.db, b.org.ID, booking.RulesInput{WidgetAllowedOrigins: []string{"https://Maple.example/", "http://localhost:3000", "https://maple.example"}})
	require.NoError(t, err)
	require.Equal(t, []string{"https://maple.example", "http://localhost:3000"}, org.WidgetAllowedOrigins)

	_, err = b.db.Service.Create().SetName("Bad").SetDurationMinutes(0).Save(b.ctx)
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "durationMinutes", ve.Field)
	_, err = b.db.Service.Create().SetName("Priced").SetDurationMinutes(30).SetPriceCents(5000).Save(b.ctx)
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "currency", ve.Field)
	_, err = b.db.Staff.UpdateOne(b.prac).SetTimeZone("Mars/Olympus").Save(b.ctx)
	require.Error(t, err)

	svc, err := booking.Archive(b.ctx, b.db, b.svc.ID, time.Now())
	require.NoError(t, err)
	require.NotNil(t, svc.ArchivedAt)
	list, err := booking.Services(b.ctx, b.db, booking.ServiceList{})
	require.NoError(t, err)
	require.Empty(t, list)
	_, err = booking.Slots(b.ctx, b.db, booking.Query{OrgID: b.org.ID, ServiceID: b.svc.ID, From: start, To: start.Add(time.Hour)})
	require.ErrorIs(t, err, kith.ErrNotFound, "archived")
}

// TestSlotsStatements: the slots of a range read each row once, in two
// statements whatever the range or the number of practitioners, for the
// widget and for staff alike: the service with its organisation and its
// practitioners, and their schedules. Booking checks a time in one
// statement for the schedule too.
func TestSlotsStatements(t *testing.T) {
	t.Parallel()
	var statements atomic.Int64
	b := setupCounting(t, "America/Toronto", &statements)
	bea, err := b.db.Staff.Create().SetName("Bea").SetEmail("bea@practice.example").Save(b.ctx)
	require.NoError(t, err)
	require.NoError(t, booking.SetPractitioners(b.ctx, b.db, b.svc.ID, []pulid.ID{b.prac.ID, bea.ID}))
	_, err = booking.SetWorkingHours(b.ctx, b.db, bea.ID, everyDay("08:00", "12:00"))
	require.NoError(t, err)
	from := local(t, "America/Toronto", "2026-06-01 00:00")
	_, err = booking.AddException(b.ctx, b.db, booking.Exception{StaffID: b.prac.ID, Kind: scheduleexception.KindTimeOff,
		StartsAt: ptr(from.Add(10 * time.Hour)), EndsAt: ptr(from.Add(12 * time.Hour))})
	require.NoError(t, err)
	_, err = booking.AddException(b.ctx, b.db, booking.Exception{StaffID: bea.ID, Kind: scheduleexception.KindHours, Date: "2026-06-02", Start: "13:00", End: "14:00"})
	require.NoError(t, err)
	b.book(t, from.Add(9*time.Hour), 60)

	count := func(f func() ([]booking.Slot, error)) ([]booking.Slot, int64) {
		t.Helper()
		statements.Store(0)
		slots, err := f()
		require.NoError(t, err)
		return slots, statements.Load()
	}
	q := booking.Query{ServiceID: b.svc.ID, From: from, To: from.AddDate(0, 0, 14), TimeZone: "America/Toronto", Now: longAgo}
	public, n := count(func() ([]booking.Slot, error) { return booking.PublicSlots(context.Background(), b.db, "practice", q) })
	require.EqualValues(t, 2, n, "the widget's availableSlots")
	staffQ := q
	staffQ.OrgID = b.org.ID
	staff, n := count(func() ([]booking.Slot, error) { return booking.Slots(b.ctx, b.db, staffQ) })
	require.EqualValues(t, 2, n, "staff's slots")
	require.Equal(t, public, staff)

	// What the one statement read shows in the slots: Ada's appointment
	// (09:00) and time off (10:00–12:00) on the 1st, Bea's other hours on
	// the 2nd.
	starts := map[string][]string{}
	for _, s := range public {
		if d := s.Start.Format(time.DateOnly); d <= "2026-06-02" {
			starts[s.PractitionerName+" "+d] = append(starts[s.PractitionerName+" "+d], s.Start.Format("15:04"))
		}
	}
	require.Equal(t, []string{"12:00", "12:30", "13:00", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00"}, starts["Dr Ada 2026-06-01"])
	require.Equal(t, []string{"08:00", "08:30", "09:00", "09:30", "10:00", "10:30", "11:00"}, starts["Bea 2026-06-01"])
	require.Equal(t, []string{"13:00"}, starts["Bea 2026-06-02"])
}
