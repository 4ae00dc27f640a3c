package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/ent/webhookevent"
	"github.com/kith-health/kith/event"
	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/notifier/notifiertest"
	"github.com/kith-health/kith/server"
	"github.com/kith-health/kith/viewer"
)

// receiver is an integrator's webhook endpoint on loopback: it answers
// each delivered with the next of its answers (204 once they run out) and hands
// the posts to the test.
type receiver struct {
	srv     *httptest.Server
	mu      sync.Mutex
	answers []int
	posts   chan delivered
}

// delivered is one post the receiver got.
type delivered struct {
	header http.Header
	body   []byte
	event  struct {
		Type      string
		Timestamp time.Time
		Data      map[string]any
	}
}

func newReceiver(t *testing.T, answers ...int) *receiver {
	t.Helper()
	r := &receiver{answers: answers, posts: make(chan delivered, 100)}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		p := delivered{header: req.Header.Clone(), body: body}
		_ = json.Unmarshal(body, &p.event)
		r.mu.Lock()
		status := http.StatusNoContent
		if len(r.answers) > 0 {
			status, r.answers = r.answers[0], r.answers[1:]
		}
		r.mu.Unlock()
		r.posts <- p
		w.WriteHeader(status)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// answer queues the receiver's next answers.
func (r *receiver) answer(codes ...int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.answers = append(r.answers, codes...)
}

// next is the next delivered, failing the test after wait.
func (r *receiver) next(t *testing.T, wait time.Duration) delivered {
	t.Helper()
	select {
	case p := <-r.posts:
		return p
	case <-time.After(wait):
		t.Fatalf("no webhook arrived within %s", wait)
		return delivered{}
	}
}

// none checks that nothing arrives for wait.
func (r *receiver) none(t *testing.T, wait time.Duration) {
	t.Helper()
	select {
	case p := <-r.posts:
		t.Fatalf("unexpected webhook %s", p.body)
	case <-time.After(wait):
	}
}

// verify checks p's signature with the specification's reference library,
// an implementation independent of kith's.
func verify(t *testing.T, secret string, p delivered) {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	require.NoError(t, err)
	require.NoError(t, wh.Verify(p.body, p.header), "the reference library verifies the signature")
}

// webhooks is a practice whose notifier queue (and with it the webhook
// deliveries) runs, with a client to book for.
type webhooks struct {
	env    *notifiertest.Env
	api    *kithtest.API
	p      kithtest.Practice
	client string
}

func setupWebhooks(t *testing.T) *webhooks {
	t.Helper()
	env := notifiertest.New(t)
	require.NoError(t, env.Queue.Start(context.Background()))
	w := &webhooks{env: env, api: env.API, p: env.Practice(t, "maple")}
	w.client = env.Client(t, w.p, map[string]any{"firstName": "Sam", "lastName": "Rivera", "email": "sam@example.com"})
	return w
}

const createEndpoint = `mutation($in: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $in) { endpoint { id url eventTypes enabled } secret } }`

// endpoint registers url for types and returns its id and secret.
func (w *webhooks) endpoint(t *testing.T, url string, types ...string) (string, string) {
	t.Helper()
	var out struct {
		CreateWebhookEndpoint struct {
			Endpoint struct {
				ID, URL    string
				EventTypes []string
				Enabled    bool
			}
			Secret string
		}
	}
	w.api.OK(w.p.Token, createEndpoint, map[string]any{"in": map[string]any{"url": url, "description": "EHR sync", "eventTypes": types}}, &out)
	got := out.CreateWebhookEndpoint
	require.True(t, strings.HasPrefix(got.Secret, "whsec_"), "the secret is shown once, whsec_ and base64")
	require.True(t, got.Endpoint.Enabled)
	require.Equal(t, url, got.Endpoint.URL)
	return got.Endpoint.ID, got.Secret
}

type endpointState struct {
	Enabled        bool
	DisabledReason *string
	FailingSince   *time.Time
}

func (w *webhooks) state(t *testing.T, id string) endpointState {
	t.Helper()
	var out struct{ Node endpointState }
	w.api.OK(w.p.Token, `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { enabled disabledReason failingSince } } }`, map[string]any{"id": id}, &out)
	return out.Node
}

type deliveryRow struct {
	ID, EventType, Status string
	Attempts              int
	ResponseCode          *int
	LastError             string
	Event                 struct{ ID, Payload string }
}

func (w *webhooks) deliveries(t *testing.T, endpoint string) []deliveryRow {
	t.Helper()
	var out struct {
		WebhookDeliveries struct {
			Edges []struct{ Node deliveryRow }
		}
	}
	w.api.OK(w.p.Token, `query($id: ID!) { webhookDeliveries(endpointId: $id, first: 20) { edges { node { id eventType status attempts responseCode lastError event { id payload } } } } }`,
		map[string]any{"id": endpoint}, &out)
	var rows []deliveryRow
	for _, e := range out.WebhookDeliveries.Edges {
		rows = append(rows, e.Node)
	}
	return rows
}

// eventually polls cond every 100 ms for up to wait.
func eventually(t *testing.T, wait time.Duration, cond func() bool, msg string) {
	t.Helper()
	require.Eventually(t, cond, wait, 100*time.Millisecond, msg)
}

// TestWebhookStaffAndWidgetBookings: a receiver subscribed to
// appointment.booked gets a signed, thin event for a staff booking and for
// a booking through the widget.
func TestWebhookStaffAndWidgetBookings(t *testing.T) {
	t.Parallel()
	b := setupBookings(t)
	require.NoError(t, b.env.Queue.Start(context.Background()))
	w := &webhooks{env: b.env, api: b.api, p: b.p}
	rx := newReceiver(t)
	_, secret := w.endpoint(t, rx.srv.URL+"/kith", "appointment.booked")

	staffBooked := b.env.Book(t, b.p, b.sam, 72*time.Hour)
	p := rx.next(t, 20*time.Second)
	verify(t, secret, p)
	require.Equal(t, "appointment.booked", p.event.Type)
	require.Equal(t, staffBooked, p.event.Data["id"])
	require.Equal(t, string(b.p.Org.ID), p.event.Data["organizationId"])
	require.Equal(t, b.sam, p.event.Data["clientId"])
	require.Equal(t, "STAFF", p.event.Data["actor"])
	require.NotEmpty(t, p.header.Get("webhook-id"))
	for _, key := range []string{"notes", "location", "address", "telehealthUrl", "cancellationReason"} {
		require.NotContains(t, p.event.Data, key, "thin payloads carry no %s", key)
	}

	// The widget: a visitor asks for a code and books with it.
	var ok struct{ RequestBookingCode bool }
	b.api.OK("", codeMutation, map[string]any{"in": map[string]any{"organization": "maple", "email": "vic@visitor.example", "firstName": "Vic", "lastName": "Tor"}}, &ok)
	code := b.api.Outbox.Last(t, "vic@visitor.example").Code
	var out struct{ BookAsVisitor struct{ ID string } }
	b.api.OK("", visitMutation, map[string]any{"in": map[string]any{"organization": "maple", "email": "vic@visitor.example", "code": code,
		"firstName": "Vic", "lastName": "Tor", "phone": "416 555 0142", "serviceId": b.service, "practitionerId": b.practitioner,
		"startsAt": b.at(10, 0), "idempotencyKey": "wh-1"}}, &out)
	p = rx.next(t, 20*time.Second)
	verify(t, secret, p)
	require.Equal(t, "appointment.booked", p.event.Type)
	require.Equal(t, out.BookAsVisitor.ID, p.event.Data["id"])
	require.Equal(t, "WIDGET", p.event.Data["bookedVia"])
	require.Equal(t, "CLIENT", p.event.Data["actor"])
	rx.none(t, 300*time.Millisecond) // one endpoint, one delivered per event
}

// TestWebhookRetryAndGone: a 500 is retried with the same webhook-id and
// the delivery records both attempts; a 410 disables the endpoint, its
// pending deliveries stop, and the owners are emailed.
func TestWebhookRetryAndGone(t *testing.T) {
	t.Parallel()
	w := setupWebhooks(t)
	rx := newReceiver(t, http.StatusInternalServerError)
	id, secret := w.endpoint(t, rx.srv.URL, "appointment.booked", "appointment.cancelled")

	appt := w.env.Book(t, w.p, w.client, 72*time.Hour)
	first := rx.next(t, 20*time.Second)
	verify(t, secret, first)
	eventually(t, 10*time.Second, func() bool {
		rows := w.deliveries(t, id)
		return len(rows) == 1 && rows[0].Attempts == 1 && rows[0].ResponseCode != nil && *rows[0].ResponseCode == 500
	}, "the failed attempt is recorded")
	require.NotNil(t, w.state(t, id).FailingSince, "the endpoint is failing")
	retry := rx.next(t, 30*time.Second) // about 5 s later
	verify(t, secret, retry)
	require.Equal(t, first.header.Get("webhook-id"), retry.header.Get("webhook-id"), "a retry keeps the webhook-id")
	require.Equal(t, first.body, retry.body)
	eventually(t, 10*time.Second, func() bool {
		rows := w.deliveries(t, id)
		return rows[0].Status == "SUCCEEDED" && rows[0].Attempts == 2
	}, "the retry succeeded")
	require.Nil(t, w.state(t, id).FailingSince, "a success ends the failing")

	// 410 Gone: the endpoint is disabled and the owners hear of it.
	rx.answer(http.StatusGone)
	w.api.OK(w.p.Token, `mutation($id: ID!) { cancelAppointment(id: $id, reason: "Unwell") { id } }`, map[string]any{"id": appt}, nil)
	gone := rx.next(t, 20*time.Second)
	require.Equal(t, "appointment.cancelled", gone.event.Type)
	eventually(t, 10*time.Second, func() bool { return !w.state(t, id).Enabled }, "410 disables the endpoint")
	st := w.state(t, id)
	require.NotNil(t, st.DisabledReason)
	require.Equal(t, "GONE", *st.DisabledReason)
	eventually(t, 15*time.Second, func() bool {
		for _, m := range w.env.Email.Sent() {
			if m.To == w.p.Owner.Email && strings.Contains(m.Subject, "webhook endpoint was disabled") {
				return true
			}
		}
		return false
	}, "the owner is emailed")
	w.env.Book(t, w.p, w.client, 96*time.Hour)
	rx.none(t, time.Second) // a disabled endpoint gets nothing

	// Enabled again, it receives again; a redelivery keeps the webhook-id.
	w.api.OK(w.p.Token, `mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: {enabled: true}) { id } }`, map[string]any{"id": id}, nil)
	require.Nil(t, w.state(t, id).DisabledReason)
	rows := w.deliveries(t, id)
	var redelivered struct{ RedeliverWebhook struct{ ID, Status string } }
	w.api.OK(w.p.Token, `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id status } }`, map[string]any{"id": rows[len(rows)-1].ID}, &redelivered)
	again := rx.next(t, 20*time.Second)
	require.Equal(t, first.header.Get("webhook-id"), again.header.Get("webhook-id"), "a redelivery keeps the webhook-id")
}

// TestWebhookRotation: after rotateWebhookSecret both secrets sign, so a
// receiver with either verifies.
func TestWebhookRotation(t *testing.T) {
	t.Parallel()
	w := setupWebhooks(t)
	rx := newReceiver(t)
	id, old := w.endpoint(t, rx.srv.URL, "appointment.booked")
	var out struct {
		RotateWebhookSecret struct {
			Secret   string
			Endpoint struct{ PreviousSecretExpiresAt time.Time }
		}
	}
	w.api.OK(w.p.Token, `mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret endpoint { previousSecretExpiresAt } } }`, map[string]any{"id": id}, &out)
	fresh := out.RotateWebhookSecret.Secret
	require.NotEqual(t, old, fresh)
	require.WithinDuration(t, time.Now().Add(24*time.Hour), out.RotateWebhookSecret.Endpoint.PreviousSecretExpiresAt, time.Minute)

	var sent struct{ SendTestWebhook struct{ ID string } }
	w.api.OK(w.p.Token, `mutation($id: ID!) { sendTestWebhook(endpointId: $id) { id } }`, map[string]any{"id": id}, &sent)
	p := rx.next(t, 20*time.Second)
	require.Equal(t, "webhook.test", p.event.Type, "a test event goes whatever the endpoint subscribes to")
	require.Len(t, strings.Fields(p.header.Get("webhook-signature")), 2, "one signature per secret")
	verify(t, old, p)
	verify(t, fresh, p)
}

// TestWebhookRollback: an event is written in the transaction of its
// change: a mutation that fails after booking sends nothing and leaves no
// event.
func TestWebhookRollback(t *testing.T) {
	t.Parallel()
	w := setupWebhooks(t)
	rx := newReceiver(t)
	w.endpoint(t, rx.srv.URL, "appointment.booked")
	practitioner := w.env.Practitioner(t, w.p, w.client)
	at := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Minute)
	in := func(start time.Time) map[string]any {
		return map[string]any{"clientID": w.client, "practitionerID": string(practitioner),
			"startsAt": start.Format(time.RFC3339), "endsAt": start.Add(50 * time.Minute).Format(time.RFC3339)}
	}
	// The second booking overlaps the first: the mutation fails whole.
	res := w.api.Do(w.p.Token, `mutation($a: CreateAppointmentInput!, $b: CreateAppointmentInput!) {
		a: createAppointment(input: $a) { id } b: createAppointment(input: $b) { id } }`,
		map[string]any{"a": in(at), "b": in(at.Add(10 * time.Minute))})
	require.NotEmpty(t, res.Errors)
	rx.none(t, 2*time.Second)
	n, err := w.env.DB.Client.WebhookEvent.Query().Where(webhookevent.Type("appointment.booked")).
		Count(viewer.NewContext(context.Background(), viewer.System{OrgID: w.p.Org.ID}))
	require.NoError(t, err)
	require.Zero(t, n, "a rolled-back booking leaves no event")
}

// TestWebhookEndpointInput: bad input is refused with its field and
// changes nothing; other staff may not manage endpoints; another
// organisation's endpoint reads as missing.
func TestWebhookEndpointInput(t *testing.T) {
	t.Parallel()
	w := setupWebhooks(t)
	for _, c := range []struct {
		in    map[string]any
		field string
	}{
		{map[string]any{"url": "http://receiver.example/kith", "eventTypes": []string{"appointment.booked"}}, ""},
		{map[string]any{"url": "receiver.example/kith", "eventTypes": []string{"appointment.booked"}}, "url"},
		{map[string]any{"url": "https://user:pw@receiver.example/kith", "eventTypes": []string{"appointment.booked"}}, "url"},
		{map[string]any{"url": "https://receiver.example/kith", "eventTypes": []string{}}, "eventTypes"},
		{map[string]any{"url": "https://receiver.example/kith", "eventTypes": []string{"appointment.exploded"}}, "eventTypes"},
		{map[string]any{"url": "https://receiver.example/" + strings.Repeat("a", 2100), "eventTypes": []string{"appointment.booked"}}, "url"},
	} {
		if c.field == "" {
			continue // plain http is allowed here (KITH_WEBHOOK_ALLOW_PRIVATE in tests); TestWebhookPrivateAddresses refuses it
		}
		e := w.api.Fail(w.p.Token, createEndpoint, map[string]any{"in": c.in})
		require.Equal(t, "BAD_USER_INPUT", e.Code(), "%v", c.in)
		require.Equal(t, c.field, e.Field(), "%v", c.in)
		require.NotContains(t, e.Message, "ent:")
	}
	var list struct{ WebhookEndpoints []struct{ ID string } }
	w.api.OK(w.p.Token, `{ webhookEndpoints { id } }`, nil, &list)
	require.Empty(t, list.WebhookEndpoints, "refused input wrote nothing")

	id, _ := w.endpoint(t, "https://receiver.example/kith", "client.created", "client.created", "appointment.booked")
	var types struct{ Node struct{ EventTypes []string } }
	w.api.OK(w.p.Token, `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { eventTypes } } }`, map[string]any{"id": id}, &types)
	require.Equal(t, []string{"appointment.booked", "client.created"}, types.Node.EventTypes, "kept without repeats, in the documented order")

	for i := 1; i < 20; i++ {
		w.endpoint(t, fmt.Sprintf("https://receiver.example/%d", i), "client.created")
	}
	e := w.api.Fail(w.p.Token, createEndpoint, map[string]any{"in": map[string]any{"url": "https://receiver.example/21", "eventTypes": []string{"client.created"}}})
	require.Equal(t, "BAD_USER_INPUT", e.Code(), "at most 20 endpoints")

	other := w.env.Practice(t, "birch")
	e = w.api.Fail(other.Token, `mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }`, map[string]any{"id": id})
	require.Equal(t, "NOT_FOUND", e.Code(), "another organisation's endpoint does not exist for it")
	e = w.api.Fail(other.Token, `query($id: ID!) { webhookDeliveries(endpointId: $id) { totalCount } }`, map[string]any{"id": id})
	require.Equal(t, "NOT_FOUND", e.Code())
}

// TestWebhookPrivateAddresses: without KITH_WEBHOOK_ALLOW_PRIVATE an
// endpoint must be https, an internal IP address is refused when it is
// registered, and a host name that resolves to one (localhost) is refused
// when kith connects, after DNS: the receiver on loopback gets nothing.
func TestWebhookPrivateAddresses(t *testing.T) {
	t.Parallel()
	db := kithtest.BareDB(t, nil)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	events := event.New(db.Client, event.Config{Timeout: 5 * time.Second, Logger: quiet})
	n := kithtest.AttachNotifier(t, db, notifier.Config{NoQuietHours: true, Logger: quiet,
		Jobs: []notifier.Jobs{events}})
	events.Attach(n.Queue)
	require.NoError(t, n.Queue.Start(context.Background()))
	api := kithtest.NewAPIConfig(t, db, server.Config{HandlerConfig: graph.HandlerConfig{Events: events}}, auth.Config{})
	p := kithtest.NewPractice(t, db, "maple")
	w := &webhooks{api: api, p: p}
	rx := newReceiver(t)
	port := rx.srv.Listener.Addr().(*net.TCPAddr).Port

	for _, url := range []string{
		rx.srv.URL, // http
		fmt.Sprintf("https://127.0.0.1:%d/kith", port),
		"https://10.0.0.8/kith", "https://169.254.169.254/latest/meta-data", "https://[::1]/kith",
	} {
		e := api.Fail(p.Token, createEndpoint, map[string]any{"in": map[string]any{"url": url, "eventTypes": []string{"client.created"}}})
		require.Equal(t, "BAD_USER_INPUT", e.Code(), url)
		require.Equal(t, "url", e.Field(), url)
	}
	id, _ := w.endpoint(t, fmt.Sprintf("https://localhost:%d/kith", port), "client.created")
	var out struct{ SendTestWebhook struct{ ID string } }
	api.OK(p.Token, `mutation($id: ID!) { sendTestWebhook(endpointId: $id) { id } }`, map[string]any{"id": id}, &out)
	eventually(t, 15*time.Second, func() bool {
		rows := w.deliveries(t, id)
		return len(rows) == 1 && rows[0].Attempts == 1
	}, "the attempt is recorded")
	rows := w.deliveries(t, id)
	require.Nil(t, rows[0].ResponseCode)
	require.Contains(t, rows[0].LastError, "internal", "the refusal says why, in a sentence")
	rx.none(t, 500*time.Millisecond)
}

// TestWebhookClientEvents: events other than appointments go through the
// same path: a new client and a stopped number reach the receiver, thin.
func TestWebhookClientEvents(t *testing.T) {
	t.Parallel()
	w := setupWebhooks(t)
	rx := newReceiver(t)
	_, secret := w.endpoint(t, rx.srv.URL, "client.created", "client.updated")
	id := w.env.Client(t, w.p, map[string]any{"firstName": "Ada", "lastName": "Stone", "email": "ada@example.com", "mobilePhone": "+14165550142"})
	p := rx.next(t, 20*time.Second)
	verify(t, secret, p)
	require.Equal(t, "client.created", p.event.Type)
	require.Equal(t, id, p.event.Data["id"])
	require.NotContains(t, string(p.body), "Ada", "no names in a payload")
	require.NotContains(t, string(p.body), "ada@example.com", "no email addresses")
	require.NotContains(t, string(p.body), "5550142", "no phone numbers")

	w.api.OK(w.p.Token, `mutation($id: ID!) { updateClient(id: $id, input: {lastName: "Stone-Hill"}) { id } }`, map[string]any{"id": id}, nil)
	p = rx.next(t, 20*time.Second)
	require.Equal(t, "client.updated", p.event.Type)
	require.Equal(t, []any{"lastName"}, p.event.Data["changedFields"])
	require.NotContains(t, string(p.body), "Stone-Hill")
}
