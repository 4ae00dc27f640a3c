package notifier_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/notifier/fake"
	"github.com/kith-health/kith/notifier/provider"
	"github.com/kith-health/kith/schematype"
)

// queueBundle is a practice with its API and a running queue whose senders record.
type queueBundle struct {
	db    *database.DB
	api   *kithtest.API
	token string
	email *fake.Sender
	sms   *fake.Sender
	queue *notifier.Queue
}

func setupQueue(t *testing.T, leads ...time.Duration) *queueBundle {
	return setupQueueWith(t, func(c *notifier.Config) { c.Leads = leads; c.NoQuietHours = true })
}

func setupQueueWith(t *testing.T, configure func(*notifier.Config)) *queueBundle {
	t.Helper()
	db := kithtest.BareDB(t, nil) // its own queue below
	p := kithtest.NewPractice(t, db, "maple")
	b := &queueBundle{db: db, token: p.Token,
		email: fake.New(schematype.ChannelEmail), sms: fake.New(schematype.ChannelSMS)}
	ctx := context.Background()
	cfg := notifier.Config{
		Senders:      []provider.Sender{b.email, b.sms},
		PollInterval: 50 * time.Millisecond,
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	configure(&cfg)
	q, err := notifier.NewQueue(ctx, db, cfg)
	require.NoError(t, err)
	require.NoError(t, q.Start(ctx))
	b.queue = q
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = q.Stop(stop)
	})
	b.api = kithtest.NewAPI(t, db)
	return b
}

type note struct {
	RecipientName, Kind, Channel, Status, Address, Reason string
}

// notes lists an appointment's notifications, sorted for comparison.
func (b *queueBundle) notes(t *testing.T, appointmentID, kind string) []note {
	t.Helper()
	var out struct {
		Notifications struct{ Edges []struct{ Node note } }
	}
	b.api.OK(b.token, `query($a: ID!){ notifications(first: 100, where: {appointmentID: $a}) { edges { node { recipientName kind channel status address reason } } } }`,
		map[string]any{"a": appointmentID}, &out)
	var notes []note
	for _, e := range out.Notifications.Edges {
		if kind == "" || e.Node.Kind == kind {
			notes = append(notes, e.Node)
		}
	}
	sort.Slice(notes, func(i, j int) bool {
		return notes[i].RecipientName+notes[i].Channel < notes[j].RecipientName+notes[j].Channel
	})
	return notes
}

// book creates a client with two parents and an appointment starting after start.
func (b *queueBundle) book(t *testing.T, start time.Duration) string {
	t.Helper()
	var c struct{ CreateClient struct{ ID string } }
	b.api.OK(b.token, `mutation { createClient(input: {firstName: "Sam", lastName: "Lee", email: "sam@example.com", mobilePhone: "+14165550100",
		smsConsent: true, preferredContactMethod: BOTH, notifyConfirmations: true},
		contacts: [
		  {contact: {firstName: "Alex", lastName: "Lee", email: "SAM@example.com", phone: "+14165550101"}, relationship: PARENT, notifyConfirmations: true, notifyReminders: true, allowDuplicate: true},
		  {contact: {firstName: "Jo", lastName: "Lee", email: "jo@example.com"}, relationship: PARENT, notifyReminders: true, allowDuplicate: true}
		]) { id } }`, nil, &c)
	at := time.Now().Add(start).UTC().Truncate(time.Second)
	// A practitioner per appointment: one is never booked twice at once.
	var dr struct{ CreateStaff struct{ ID string } }
	b.api.OK(b.token, `mutation($e: String!){ createStaff(input: {name: "Dr Lee", email: $e, role: PRACTITIONER}) { id } }`,
		map[string]any{"e": strings.ToLower(c.CreateClient.ID) + "@dr.example"}, &dr)
	var a struct{ CreateAppointment struct{ ID string } }
	b.api.OK(b.token, `mutation($in: CreateAppointmentInput!){ createAppointment(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"clientID": c.CreateClient.ID, "practitionerID": dr.CreateStaff.ID,
		"startsAt": at.Format(time.RFC3339), "endsAt": at.Add(50 * time.Minute).Format(time.RFC3339)}}, &a)
	return a.CreateAppointment.ID
}

func TestBookingSendsConfirmations(t *testing.T) {
	t.Parallel()
	b := setupQueue(t)
	id := b.book(t, 72*time.Hour)

	require.Eventually(t, func() bool { return len(b.email.Sent())+len(b.sms.Sent()) == 3 }, 10*time.Second, 20*time.Millisecond)
	// The sender has the copies a moment before their rows say SENT.
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, []note{
			{"Alex Lee", "CONFIRMATION", "EMAIL", "SKIPPED", "sam@example.com", "same address as Sam Lee"},
			{"Alex Lee", "CONFIRMATION", "SMS", "SENT", "+14165550101", ""},
			{"Sam Lee", "CONFIRMATION", "EMAIL", "SENT", "sam@example.com", ""},
			{"Sam Lee", "CONFIRMATION", "SMS", "SENT", "+14165550100", ""},
		}, b.notes(t, id, "CONFIRMATION"), "Jo's confirmations flag is off; Alex shares Sam's email")
	}, 5*time.Second, 20*time.Millisecond)
	sent := b.email.Sent()[0]
	require.Equal(t, "sam@example.com", sent.To)
	require.Equal(t, "Maple Practice", sent.FromName)
	require.Contains(t, sent.Text, "Sam")
	time.Sleep(200 * time.Millisecond)
	require.Len(t, b.email.Sent(), 1, "each copy is sent once")

	b.api.OK(b.token, `mutation($id: ID!){ cancelAppointment(id: $id, reason: "Sick") { id } }`, map[string]any{"id": id}, nil)
	require.Eventually(t, func() bool { return len(b.email.Sent())+len(b.sms.Sent()) == 6 }, 10*time.Second, 20*time.Millisecond)
	require.Len(t, b.notes(t, id, "CANCELLATION"), 4)
}

func TestRemindersFollowTheAppointment(t *testing.T) {
	t.Parallel()
	// The reminder falls due two seconds after booking.
	b := setupQueue(t, time.Hour-2*time.Second)
	kept := b.book(t, time.Hour)
	moved := b.book(t, time.Hour)
	b.api.OK(b.token, `mutation($id: ID!, $s: Time!, $e: Time!){ rescheduleAppointment(id: $id, startsAt: $s, endsAt: $e) { id } }`, map[string]any{
		"id": moved, "s": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339), "e": time.Now().Add(49 * time.Hour).UTC().Format(time.RFC3339)}, nil)

	require.Eventually(t, func() bool { return len(b.notes(t, kept, "REMINDER")) > 0 }, 15*time.Second, 50*time.Millisecond)
	reminders := b.notes(t, kept, "REMINDER")
	names := []string{}
	for _, n := range reminders {
		names = append(names, n.RecipientName+" "+n.Channel)
	}
	require.Contains(t, names, "Jo Lee EMAIL", "Jo gets reminders though not confirmations")
	time.Sleep(time.Second)
	require.Empty(t, b.notes(t, moved, "REMINDER"), "the moved appointment's old reminder sends nothing")
	require.Len(t, b.notes(t, moved, "RESCHEDULE"), 4)
}

func TestSendFailures(t *testing.T) {
	t.Parallel()
	b := setupQueue(t)
	b.sms.FailNext(2, provider.Permanent("21610", "the recipient has opted out (STOP)", nil))
	b.email.FailNext(1, provider.Transient("http_503", "SendGrid is unavailable", nil))
	id := b.book(t, 72*time.Hour)
	require.Eventually(t, func() bool {
		return slices.ContainsFunc(b.notes(t, id, "CONFIRMATION"), func(n note) bool { return n.Channel == "EMAIL" && n.Status == "SENT" })
	}, 20*time.Second, 50*time.Millisecond, "a transient failure is retried")
	for _, n := range b.notes(t, id, "CONFIRMATION") {
		if n.Channel == "SMS" {
			require.Equal(t, "FAILED", n.Status)
			require.Equal(t, "the recipient has opted out (STOP)", n.Reason, "a permanent failure says why, at once")
		}
	}
}

func TestOrganisationSettings(t *testing.T) {
	t.Parallel()
	b := setupQueueWith(t, func(*notifier.Config) {})
	for field, input := range map[string]string{
		"quietHoursStart":     `{quietHoursStart: "9pm"}`,
		"reminderLeadMinutes": `{reminderLeadMinutes: [1440, 0]}`,
		"email":               `{email: "front desk"}`,
	} {
		var rsp = b.api.Do(b.token, `mutation { updateOrganization(input: `+input+`) { id } }`, nil)
		require.Len(t, rsp.Errors, 1, field)
		require.Equal(t, field, rsp.Errors[0].Field(), input)
	}

	// Quiet hours from an hour ago to two hours ahead, in the practice's zone:
	// SMS waits for their end, email goes at once.
	toronto, err := time.LoadLocation("America/Toronto")
	require.NoError(t, err)
	now := time.Now().In(toronto)
	b.api.OK(b.token, `mutation($s: String!, $e: String!){ updateOrganization(input: {quietHoursStart: $s, quietHoursEnd: $e}) { id } }`,
		map[string]any{"s": now.Add(-time.Hour).Format("15:04"), "e": now.Add(2 * time.Hour).Format("15:04")}, nil)
	id := b.book(t, 72*time.Hour)
	require.Eventually(t, func() bool { return len(b.email.Sent()) == 1 }, 10*time.Second, 20*time.Millisecond)
	time.Sleep(300 * time.Millisecond)
	require.Empty(t, b.sms.Sent(), "SMS waits for the end of quiet hours")
	for _, n := range b.notes(t, id, "CONFIRMATION") {
		if n.Channel == "SMS" && n.Reason == "" {
			require.Equal(t, "QUEUED", n.Status)
		}
	}
}

// slowSender records what it sends, taking a while over each.
type slowSender struct {
	*fake.Sender
	delay time.Duration
}

func (s slowSender) Send(ctx context.Context, m provider.Outgoing) (provider.Receipt, error) {
	time.Sleep(s.delay)
	return s.Sender.Send(ctx, m)
}

// TestRestartMidBatch stops the queue gracefully in the middle of a batch
// and starts another on the same database: every message goes exactly once.
func TestRestartMidBatch(t *testing.T) {
	t.Parallel()
	dbURL := kithtest.DBURL(t)
	db := kithtest.Open(t, dbURL, database.Options{})
	kithtest.AttachNotifier(t, db, notifier.Config{NoQuietHours: true}) // writes the messages booked below
	p := kithtest.NewPractice(t, db, "maple")
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	// Each queue that sends runs as a process of its own, on its own client
	// of the database.
	newQueue := func(email, sms provider.Sender) *notifier.Queue {
		q, err := notifier.NewQueue(ctx, kithtest.Open(t, dbURL, database.Options{}), notifier.Config{Senders: []provider.Sender{email, sms},
			NoQuietHours: true, Workers: 4, PollInterval: 20 * time.Millisecond, Logger: quiet})
		require.NoError(t, err)
		return q
	}
	first := []slowSender{{fake.New(schematype.ChannelEmail), 15 * time.Millisecond}, {fake.New(schematype.ChannelSMS), 15 * time.Millisecond}}
	q1 := newQueue(first[0], first[1])
	b := &queueBundle{db: db, api: kithtest.NewAPI(t, db), token: p.Token}
	const appointments = 20
	for range appointments {
		b.book(t, 72*time.Hour) // 3 copies each: Sam by email and SMS, Alex by SMS
	}
	const total = 3 * appointments
	sent := func(ss ...slowSender) int {
		n := 0
		for _, s := range ss {
			n += len(s.Sent())
		}
		return n
	}

	require.NoError(t, q1.Start(ctx))
	require.Eventually(t, func() bool { return sent(first...) >= total/4 }, 20*time.Second, 5*time.Millisecond)
	stop, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	require.NoError(t, q1.Stop(stop))
	require.Less(t, sent(first...), total, "the first queue stopped in the middle of the batch")

	second := []slowSender{{fake.New(schematype.ChannelEmail), 0}, {fake.New(schematype.ChannelSMS), 0}}
	q2 := newQueue(second[0], second[1])
	require.NoError(t, q2.Start(ctx))
	t.Cleanup(func() { _ = q2.Stop(context.Background()) })
	require.Eventually(t, func() bool { return sent(first...)+sent(second...) >= total }, 30*time.Second, 20*time.Millisecond)
	time.Sleep(300 * time.Millisecond)

	seen := map[string]int{}
	for _, s := range append(first, second...) {
		for _, m := range s.Sent() {
			seen[m.MessageID]++
		}
	}
	require.Len(t, seen, total, "nothing lost")
	for id, n := range seen {
		require.Equal(t, 1, n, "message %s sent once", id)
	}
}
