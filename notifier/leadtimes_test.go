package notifier_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/notifier/notifiertest"
	"github.com/kith-health/kith/schematype"
)

// reminderJob is a reminder job in River's table: the start it reminds of
// and when it is scheduled.
type reminderJob struct {
	StartsAt, ScheduledAt time.Time
}

// reminderJobs lists the reminder jobs of appointmentID in River's table.
func reminderJobs(t *testing.T, env *notifiertest.Env, appointmentID string) []reminderJob {
	t.Helper()
	args := "args"
	if env.DB.Dialect == dialect.SQLite {
		args = "json(args)" // River keeps SQLite's as JSONB
	}
	rows, err := env.DB.SQL.Query(`SELECT ` + args + `, scheduled_at FROM river_job WHERE kind = 'kith_reminder'`)
	require.NoError(t, err)
	defer rows.Close()
	var out []reminderJob
	for rows.Next() {
		var (
			raw []byte
			at  any
		)
		require.NoError(t, rows.Scan(&raw, &at))
		var a struct {
			AppointmentID string    `json:"appointment_id"`
			StartsAt      time.Time `json:"starts_at"`
		}
		require.NoError(t, json.Unmarshal(raw, &a), string(raw))
		if a.AppointmentID != appointmentID {
			continue
		}
		j := reminderJob{StartsAt: a.StartsAt}
		switch v := at.(type) {
		case time.Time:
			j.ScheduledAt = v
		case string:
			j.ScheduledAt, err = time.Parse("2006-01-02 15:04:05.999999999-07:00", v)
			if err != nil {
				j.ScheduledAt, err = time.Parse(time.RFC3339Nano, v)
			}
			require.NoError(t, err, v)
		default:
			t.Fatalf("scheduled_at is a %T", at)
		}
		out = append(out, j)
	}
	require.NoError(t, rows.Err())
	return out
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
			var out []time.Time
			for _, j := range reminderJobs(t, env, id) {
				if j.StartsAt.Equal(start) {
					out = append(out, j.ScheduledAt.UTC().Truncate(time.Second))
				}
			}
			slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
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
		require.Len(t, reminderJobs(t, env, id), 2*len(leads))
	}
}
