package notifier_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/schematype"
)

const (
	createScheduled = `mutation($in: CreateScheduledMessageInput!){ createScheduledMessage(input: $in) { id status } }`
	updateScheduled = `mutation($id: ID!, $in: UpdateScheduledMessageInput!){ updateScheduledMessage(id: $id, input: $in) { id status } }`
	cancelScheduled = `mutation($id: ID!){ cancelScheduledMessage(id: $id) { id status reason } }`
	moveAppointment = `mutation($id: ID!, $s: Time!, $e: Time!){ rescheduleAppointment(id: $id, startsAt: $s, endsAt: $e) { id } }`
)

// scheduledOut is a scheduled message as the API shows it.
type scheduledOut struct {
	ID, Status string
	Reason     string
	SentAt     *time.Time
}

type scheduledNote struct {
	RecipientName, Channel, Status, Subject, Text string
	ScheduledMessage                              struct{ ID string }
}

// schedule creates a scheduled message from input and returns its ID.
func (b *queueBundle) schedule(t *testing.T, input map[string]any) string {
	t.Helper()
	var out struct{ CreateScheduledMessage struct{ ID, Status string } }
	b.api.OK(b.token, createScheduled, map[string]any{"in": input}, &out)
	require.Equal(t, "PENDING", out.CreateScheduledMessage.Status)
	return out.CreateScheduledMessage.ID
}

// scheduled reads a scheduled message.
func (b *queueBundle) scheduled(t *testing.T, id string) scheduledOut {
	t.Helper()
	var out struct{ Node scheduledOut }
	b.api.OK(b.token, `query($id: ID!){ node(id: $id) { ... on ScheduledMessage { id status reason sentAt } } }`, map[string]any{"id": id}, &out)
	return out.Node
}

// scheduledNotes lists the notifications of scheduled message id, sorted.
func (b *queueBundle) scheduledNotes(t *testing.T, id string) []scheduledNote {
	t.Helper()
	var out struct {
		Notifications struct {
			Edges []struct{ Node scheduledNote }
		}
	}
	b.api.OK(b.token, `query($s: ID!){ notifications(first: 100, where: {scheduledMessageID: $s}) { edges { node {
		recipientName channel status subject text scheduledMessage { id } } } } }`, map[string]any{"s": id}, &out)
	notes := make([]scheduledNote, 0, len(out.Notifications.Edges))
	for _, e := range out.Notifications.Edges {
		notes = append(notes, e.Node)
	}
	sort.Slice(notes, func(i, j int) bool {
		return notes[i].RecipientName+notes[i].Channel < notes[j].RecipientName+notes[j].Channel
	})
	return notes
}

// familyClient creates Sam, whose parent Alex receives scheduled messages
// and whose parent Jo does not, and returns Sam's ID.
func (b *queueBundle) familyClient(t *testing.T) string {
	t.Helper()
	var c struct{ CreateClient struct{ ID string } }
	b.api.OK(b.token, `mutation { createClient(input: {firstName: "Sam", lastName: "Lee", email: "sam@example.com", mobilePhone: "+14165550100",
		smsConsent: true, preferredContactMethod: BOTH, notifyConfirmations: false},
		contacts: [
		  {contact: {firstName: "Alex", lastName: "Lee", email: "alex@example.com"}, relationship: PARENT, notifyScheduled: true, allowDuplicate: true},
		  {contact: {firstName: "Jo", lastName: "Lee", email: "jo@example.com"}, relationship: PARENT, allowDuplicate: true}
		]) { id } }`, nil, &c)
	return c.CreateClient.ID
}

func in(d time.Duration) string { return time.Now().Add(d).UTC().Format(time.RFC3339Nano) }

func TestScheduledMessageGoesToFlaggedRecipients(t *testing.T) {
	t.Parallel()
	b := setupQueue(t)
	client := b.familyClient(t)
	id := b.schedule(t, map[string]any{"clientID": client, "sendAt": in(1500 * time.Millisecond),
		"subject": "Forms for [ClientName]", "body": "Hi [RecipientFirstName], please bring [ClientFirstName]'s forms.\nThank you."})
	require.Empty(t, b.scheduledNotes(t, id), "nothing goes before its time")

	require.Eventually(t, func() bool { return b.scheduled(t, id).Status == "SENT" }, 15*time.Second, 50*time.Millisecond)
	notes := b.scheduledNotes(t, id)
	var who []string
	for _, n := range notes {
		status := n.Status
		if status == "SENT" {
			status = "QUEUED" // the running queue may have sent it already
		}
		who = append(who, n.RecipientName+" "+n.Channel+" "+status)
	}
	require.Equal(t, []string{"Alex Lee EMAIL QUEUED", "Alex Lee SMS SKIPPED", "Sam Lee EMAIL QUEUED", "Sam Lee SMS QUEUED"}, who,
		"Jo's scheduled-messages flag is off; Alex has no phone")
	for _, n := range notes {
		require.Equal(t, id, n.ScheduledMessage.ID, "each notification links back to its message")
	}
	require.Equal(t, "Forms for Sam Lee", notes[0].Subject, "the message's subject replaces the template's")
	require.Contains(t, notes[0].Text, "Hi Alex, please bring Sam's forms.\nThank you.", "placeholders filled for each recipient")
	require.Contains(t, notes[2].Text, "Hi Sam, please bring Sam's forms.")
	require.Contains(t, notes[3].Text, "please bring Sam's forms.", "the SMS carries the body in the template")
	require.NotNil(t, b.scheduled(t, id).SentAt)

	require.Eventually(t, func() bool { return len(b.email.Sent()) == 2 && len(b.sms.Sent()) == 1 }, 10*time.Second, 20*time.Millisecond)
	time.Sleep(300 * time.Millisecond)
	require.Len(t, b.email.Sent(), 2, "sent once")

	err := b.api.Fail(b.token, updateScheduled, map[string]any{"id": id, "in": map[string]any{"body": "Too late"}})
	require.Equal(t, "BAD_USER_INPUT", err.Code())
	require.Equal(t, "id", err.Field())
	require.Equal(t, "the message was already sent and can no longer change", err.Message)
	err = b.api.Fail(b.token, cancelScheduled, map[string]any{"id": id})
	require.Equal(t, "BAD_USER_INPUT", err.Code())
}

func TestScheduledMessageEditAndCancel(t *testing.T) {
	t.Parallel()
	b := setupQueue(t)
	client := b.familyClient(t)
	soon := func() string { return in(time.Second) }
	later := in(time.Hour)

	postponed := b.schedule(t, map[string]any{"clientID": client, "sendAt": soon(), "body": "Postponed"})
	b.api.OK(b.token, updateScheduled, map[string]any{"id": postponed, "in": map[string]any{"sendAt": later}}, nil)
	brought := b.schedule(t, map[string]any{"clientID": client, "sendAt": later, "body": "First"})
	b.api.OK(b.token, updateScheduled, map[string]any{"id": brought, "in": map[string]any{"sendAt": soon(), "body": "Brought forward"}}, nil)
	cancelled := b.schedule(t, map[string]any{"clientID": client, "sendAt": soon(), "body": "Cancelled"})
	var out struct{ CancelScheduledMessage scheduledOut }
	b.api.OK(b.token, cancelScheduled, map[string]any{"id": cancelled}, &out)
	require.Equal(t, "CANCELLED", out.CancelScheduledMessage.Status)
	require.Empty(t, out.CancelScheduledMessage.Reason, "staff cancelled it")

	require.Eventually(t, func() bool { return b.scheduled(t, brought).Status == "SENT" }, 15*time.Second, 50*time.Millisecond)
	require.Contains(t, b.scheduledNotes(t, brought)[0].Text, "Brought forward", "the edited body goes")
	time.Sleep(time.Second) // past the other two's first times
	require.Equal(t, "PENDING", b.scheduled(t, postponed).Status, "its old job sends nothing")
	require.Empty(t, b.scheduledNotes(t, postponed))
	require.Equal(t, "CANCELLED", b.scheduled(t, cancelled).Status)
	require.Empty(t, b.scheduledNotes(t, cancelled))
	var failed int
	require.NoError(t, b.db.SQL.QueryRowContext(context.Background(),
		"SELECT count(*) FROM river_job WHERE kind = 'kith_scheduled' AND state = 'retryable'").Scan(&failed))
	require.Zero(t, failed, "the jobs of edited and cancelled messages end quietly, not in retries")

	err := b.api.Fail(b.token, cancelScheduled, map[string]any{"id": cancelled})
	require.Equal(t, "BAD_USER_INPUT", err.Code())
	require.Equal(t, "the message was already cancelled and can no longer change", err.Message)
}

func TestScheduledMessageFollowsItsAppointment(t *testing.T) {
	t.Parallel()
	b := setupQueue(t)
	startIn := func(d time.Duration) (string, string) {
		at := time.Now().Add(d).UTC().Truncate(time.Second)
		return at.Format(time.RFC3339), at.Add(50 * time.Minute).Format(time.RFC3339)
	}
	const lead = 61 // minutes before the start

	// Due in two hours, until the appointment moves to an hour from now.
	pulled := b.book(t, 3*time.Hour+lead*time.Minute)
	pulledMsg := b.schedule(t, map[string]any{"clientID": b.clientOf(t, pulled), "appointmentID": pulled, "minutesBeforeStart": lead, "body": "See you at [AppointmentTime]"})
	// Due in three seconds, until the appointment moves three hours later.
	pushed := b.book(t, lead*time.Minute+3*time.Second)
	pushedMsg := b.schedule(t, map[string]any{"clientID": b.clientOf(t, pushed), "appointmentID": pushed, "minutesBeforeStart": lead, "body": "Pushed"})
	s, e := startIn(3*time.Hour + lead*time.Minute)
	b.api.OK(b.token, moveAppointment, map[string]any{"id": pushed, "s": s, "e": e}, nil)
	s, e = startIn(lead*time.Minute + 2*time.Second)
	b.api.OK(b.token, moveAppointment, map[string]any{"id": pulled, "s": s, "e": e}, nil)
	// Due in an hour, but the appointment is cancelled.
	called := b.book(t, 3*time.Hour)
	calledMsg := b.schedule(t, map[string]any{"clientID": b.clientOf(t, called), "appointmentID": called, "sendAt": in(time.Hour), "body": "Called off"})
	b.api.OK(b.token, `mutation($id: ID!){ cancelAppointment(id: $id, reason: "Sick") { id } }`, map[string]any{"id": called}, nil)
	c := b.scheduled(t, calledMsg)
	require.Equal(t, "CANCELLED", c.Status)
	require.Equal(t, "the appointment was cancelled", c.Reason)

	require.Eventually(t, func() bool { return b.scheduled(t, pulledMsg).Status == "SENT" }, 15*time.Second, 50*time.Millisecond)
	notes := b.scheduledNotes(t, pulledMsg)
	require.Len(t, notes, 2, "Sam by email and SMS")
	var moved struct {
		Node struct{ StartsAt, TimeZone string }
	}
	b.api.OK(b.token, `query($id: ID!){ node(id: $id) { ... on Appointment { startsAt timeZone } } }`, map[string]any{"id": pulled}, &moved)
	start, err := time.Parse(time.RFC3339, moved.Node.StartsAt)
	require.NoError(t, err)
	require.Contains(t, notes[0].Text, "See you at "+compose.FormatTime(start, schematype.Location(moved.Node.TimeZone), "en"), "[AppointmentTime] is the new time")
	time.Sleep(time.Second)
	require.Equal(t, "PENDING", b.scheduled(t, pushedMsg).Status, "it moved with its appointment")
	require.Empty(t, b.scheduledNotes(t, pushedMsg))

	var lists struct {
		Node struct {
			ScheduledMessages struct{ TotalCount int }
			Client            struct {
				ScheduledMessages struct{ TotalCount int }
			}
		}
	}
	b.api.OK(b.token, `query($id: ID!){ node(id: $id) { ... on Appointment { scheduledMessages { totalCount } client { scheduledMessages { totalCount } } } } }`,
		map[string]any{"id": pulled}, &lists)
	require.Equal(t, 1, lists.Node.ScheduledMessages.TotalCount)
	require.Equal(t, 1, lists.Node.Client.ScheduledMessages.TotalCount)
}

// clientOf returns the client of an appointment.
func (b *queueBundle) clientOf(t *testing.T, appointmentID string) string {
	t.Helper()
	var out struct {
		Node struct{ Client struct{ ID string } }
	}
	b.api.OK(b.token, `query($id: ID!){ node(id: $id) { ... on Appointment { client { id } } } }`, map[string]any{"id": appointmentID}, &out)
	return out.Node.Client.ID
}
