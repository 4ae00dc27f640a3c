package notifier_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/notifier/notifiertest"
	"github.com/kith-health/kith/schematype"
)

// reminderJobs lists the scheduled times of the due reminder jobs in
// River's table that stand for an appointment of p starting at start in loc
// (those of p's organisation whose due time is start's reminder of their
// lead), and requires each to be scheduled for its due time; all are all of
// p's due jobs.
func reminderJobs(t *testing.T, env *notifiertest.Env, p kithtest.Practice, start time.Time, loc *time.Location) (dues []time.Time, all int) {
	t.Helper()
	jobs, err := env.Queue.ReminderJobs(context.Background())
	require.NoError(t, err)
	for _, j := range jobs {
		a := j.Args
		require.Equal(t, p.Org.ID, a.OrganizationID, "a due job: %+v", a)
		require.Empty(t, a.AppointmentID)
		require.Empty(t, a.Appointments)
		require.True(t, j.ScheduledAt.Equal(a.DueAt), "scheduled at %s, due at %s", j.ScheduledAt, a.DueAt)
		all++
		at := compose.ReminderTimes(start, loc, []time.Duration{a.Lead})
		if len(at) == 1 && at[0].Truncate(time.Microsecond).Equal(a.DueAt) {
			dues = append(dues, j.ScheduledAt.UTC().Truncate(time.Second))
		}
	}
	slices.SortFunc(dues, time.Time.Compare)
	return dues, all
}

// TestSeveralLeadTimes: with several reminder lead times, booking and
// moving an appointment of a client reached on two channels through three
// recipients succeeds on both databases, and schedules one reminder per
// lead time (PostgreSQL refused the batch; SQLite kept one reminder).
func TestSeveralLeadTimes(t *testing.T) {
	t.Parallel()
	toronto, err := time.LoadLocation("America/Toronto")
	require.NoError(t, err)
	for _, leads := range [][]int{{60, 1440}, {60, 120}, {1440, 10080}, {60, 1440, 10080}} {
		env := notifiertest.New(t)
		p := env.Practice(t, "maple")
		env.API.OK(p.Token, `mutation($l: [Int!]){ updateOrganization(input: {reminderLeadMinutes: $l}) { id } }`,
			map[string]any{"l": leads}, nil)
		client := env.Client(t, p, map[string]any{"firstName": "Nina", "lastName": "Park", "email": "nina@example.com",
			"mobilePhone": "+14165550100", "smsConsent": true, "preferredContactMethod": "BOTH",
			"notifyConfirmations": true, "notifyReminders": true},
			map[string]any{"contact": map[string]any{"firstName": "Kim", "lastName": "Park", "email": "kim@example.com", "phone": "+14165550101"},
				"relationship": "PARENT", "notifyConfirmations": true, "notifyReminders": true, "allowDuplicate": true},
			map[string]any{"contact": map[string]any{"firstName": "Lee", "lastName": "Park", "email": "lee@example.com", "phone": "+14165550102"},
				"relationship": "PARENT", "notifyConfirmations": true, "notifyReminders": true, "allowDuplicate": true})
		id := env.Book(t, p, client, 10*24*time.Hour)

		for _, ch := range schematype.Channels {
			require.Len(t, env.Notifications(t, id, ch), 3, "%v: a confirmation for each recipient on %s", leads, ch)
		}
		start := env.Appointment(t, id).StartsAt
		dues := func() []time.Time {
			out, _ := reminderJobs(t, env, p, start, toronto)
			return out
		}
		want := func() []time.Time {
			var ds []time.Duration
			for _, m := range leads {
				ds = append(ds, time.Duration(m)*time.Minute)
			}
			var out []time.Time
			for _, due := range compose.ReminderTimes(start, toronto, ds) {
				out = append(out, due.UTC().Truncate(time.Second))
			}
			return out
		}
		require.Equal(t, want(), dues(), "%v: one reminder per lead time", leads)

		at := start.Add(48 * time.Hour)
		env.API.OK(p.Token, `mutation($id: ID!, $s: Time!, $e: Time!){ rescheduleAppointment(id: $id, startsAt: $s, endsAt: $e) { id } }`,
			map[string]any{"id": id, "s": at.Format(time.RFC3339), "e": at.Add(50 * time.Minute).Format(time.RFC3339)}, nil)
		start = env.Appointment(t, id).StartsAt
		require.Equal(t, want(), dues(), "%v: moved, one reminder per lead time at the new start", leads)
		_, all := reminderJobs(t, env, p, start, toronto)
		require.Equal(t, 2*len(leads), all, "%v: a due job per lead time, for each start", leads)
	}
}
