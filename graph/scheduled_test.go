package graph_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	createScheduled = `mutation($in: CreateScheduledMessageInput!){ createScheduledMessage(input: $in){ id status subject body sendAt minutesBeforeStart client { id } appointment { id } } }`
	updateScheduled = `mutation($id: ID!, $in: UpdateScheduledMessageInput!){ updateScheduledMessage(id: $id, input: $in){ id status body sendAt minutesBeforeStart } }`
	cancelScheduled = `mutation($id: ID!){ cancelScheduledMessage(id: $id){ id status } }`
)

type scheduledOut struct {
	ID, Status, Subject, Body string
	SendAt                    *time.Time
	MinutesBeforeStart        *int
	Client                    struct{ ID string }
	Appointment               *struct{ ID string }
}

func TestScheduledMessages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.createClient(t, map[string]any{"firstName": "Ana", "lastName": "Silva", "email": "ana@example.com"}, nil)
	other := b.createClient(t, map[string]any{"firstName": "Ben", "lastName": "Okafor", "email": "ben@example.com"}, nil)
	start := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)
	var appt struct{ CreateAppointment struct{ ID string } }
	b.api.OK(b.token, createAppointment, map[string]any{"in": map[string]any{"clientID": c.ID, "practitionerID": string(b.p.Owner.ID),
		"startsAt": start.Format(time.RFC3339), "endsAt": start.Add(50 * time.Minute).Format(time.RFC3339)}}, &appt)
	a := appt.CreateAppointment.ID
	sendAt := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)

	var created struct{ CreateScheduledMessage scheduledOut }
	b.api.OK(b.token, createScheduled, map[string]any{"in": map[string]any{"clientID": c.ID, "appointmentID": a,
		"minutesBeforeStart": 120, "subject": "Before [AppointmentDate]", "body": "Hi [RecipientFirstName],\nplease arrive early."}}, &created)
	m := created.CreateScheduledMessage
	require.Equal(t, "PENDING", m.Status)
	require.Equal(t, 120, *m.MinutesBeforeStart)
	require.Nil(t, m.SendAt)
	require.Equal(t, a, m.Appointment.ID)

	var updated struct{ UpdateScheduledMessage scheduledOut }
	b.api.OK(b.token, updateScheduled, map[string]any{"id": m.ID, "in": map[string]any{
		"sendAt": sendAt.Format(time.RFC3339), "clearMinutesBeforeStart": true, "body": "Please arrive early."}}, &updated)
	require.True(t, sendAt.Equal(*updated.UpdateScheduledMessage.SendAt))
	require.Nil(t, updated.UpdateScheduledMessage.MinutesBeforeStart)
	require.Equal(t, "Please arrive early.", updated.UpdateScheduledMessage.Body)

	var lists struct {
		Node struct {
			ScheduledMessages struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
	}
	for _, id := range []string{c.ID, a} {
		b.api.OK(b.token, `query($id: ID!){ node(id: $id) { ... on Client { scheduledMessages { edges { node { id } } } }
			... on Appointment { scheduledMessages { edges { node { id } } } } } }`, map[string]any{"id": id}, &lists)
		require.Len(t, lists.Node.ScheduledMessages.Edges, 1, id)
		require.Equal(t, m.ID, lists.Node.ScheduledMessages.Edges[0].Node.ID)
	}

	// Another organisation sees nothing, and can neither change nor cancel it.
	beta := kithtestPractice(t, b, "beta")
	for _, q := range []struct {
		query string
		vars  map[string]any
	}{
		{updateScheduled, map[string]any{"id": m.ID, "in": map[string]any{"body": "Hijacked"}}},
		{cancelScheduled, map[string]any{"id": m.ID}},
	} {
		err := b.api.Fail(beta, q.query, q.vars)
		require.Equal(t, "NOT_FOUND", err.Code(), q.query)
	}
	err := b.api.Fail(beta, createScheduled, map[string]any{"in": map[string]any{"clientID": c.ID, "sendAt": sendAt.Format(time.RFC3339), "body": "Hi"}})
	require.Equal(t, "NOT_FOUND", err.Code())
	require.Equal(t, "clientID", err.Field())
	var none struct{ ScheduledMessages struct{ TotalCount int } }
	b.api.OK(beta, `{ scheduledMessages { totalCount } }`, nil, &none)
	require.Zero(t, none.ScheduledMessages.TotalCount)

	var cancelled struct{ CancelScheduledMessage scheduledOut }
	b.api.OK(b.token, cancelScheduled, map[string]any{"id": m.ID}, &cancelled)
	require.Equal(t, "CANCELLED", cancelled.CancelScheduledMessage.Status)
	for _, q := range []struct {
		query string
		vars  map[string]any
	}{
		{updateScheduled, map[string]any{"id": m.ID, "in": map[string]any{"body": "Changed my mind"}}},
		{cancelScheduled, map[string]any{"id": m.ID}},
	} {
		err := b.api.Fail(b.token, q.query, q.vars)
		require.Equal(t, "BAD_USER_INPUT", err.Code(), q.query)
		require.Equal(t, "id", err.Field())
		require.Equal(t, "the message was already cancelled and can no longer change", err.Message)
	}

	// Bad input names the field, and writes nothing.
	at := sendAt.Format(time.RFC3339)
	for _, tc := range []struct {
		name, field, says string
		input             map[string]any
	}{
		{"no time", "sendAt", "give either sendAt or minutesBeforeStart", map[string]any{"clientID": c.ID, "body": "Hi"}},
		{"both times", "sendAt", "give either sendAt or minutesBeforeStart", map[string]any{"clientID": c.ID, "appointmentID": a, "sendAt": at, "minutesBeforeStart": 60, "body": "Hi"}},
		{"relative without appointment", "minutesBeforeStart", "needs an appointment", map[string]any{"clientID": c.ID, "minutesBeforeStart": 60, "body": "Hi"}},
		{"negative minutes", "minutesBeforeStart", "negative", map[string]any{"clientID": c.ID, "appointmentID": a, "minutesBeforeStart": -5, "body": "Hi"}},
		{"empty body", "body", "empty", map[string]any{"clientID": c.ID, "sendAt": at, "body": "  "}},
		{"unknown placeholder", "body", "unknown placeholder [FirstName]", map[string]any{"clientID": c.ID, "sendAt": at, "body": "Hi [FirstName]"}},
		{"unknown placeholder in subject", "subject", "[ClientNam]", map[string]any{"clientID": c.ID, "sendAt": at, "body": "Hi", "subject": "For [ClientNam]"}},
		{"another client's appointment", "appointmentID", "not one of the client's", map[string]any{"clientID": other.ID, "appointmentID": a, "sendAt": at, "body": "Hi"}},
	} {
		err := b.api.Fail(b.token, createScheduled, map[string]any{"in": tc.input})
		require.Equal(t, "BAD_USER_INPUT", err.Code(), tc.name)
		require.Equal(t, tc.field, err.Field(), tc.name)
		require.Contains(t, err.Message, tc.says, tc.name)
	}
	require.Equal(t, 1, b.count(t, "scheduled_messages"))
}
