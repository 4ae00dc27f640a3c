package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/webhook"
)

// receiver is an endpoint on loopback that verifies each attempt with the
// specification's library and answers with answer.
type receiver struct {
	srv      *httptest.Server
	hits     atomic.Int32
	verified atomic.Int32
	lastID   atomic.Value
}

func newReceiver(t *testing.T, secret string, answer http.HandlerFunc) *receiver {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	require.NoError(t, err)
	r := &receiver{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.hits.Add(1)
		body, _ := io.ReadAll(req.Body)
		if wh.Verify(body, req.Header) == nil {
			r.verified.Add(1)
		}
		r.lastID.Store(req.Header.Get("webhook-id"))
		answer(w, req)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

type sendBundle struct {
	secret string
	msg    webhook.Message
	open   *webhook.Sender // allows loopback, as in development
	guard  *webhook.Sender // the production default
}

func setupSend(t *testing.T) sendBundle {
	t.Helper()
	secret, err := webhook.NewSecret()
	require.NoError(t, err)
	body, err := webhook.Payload(schematype.EventAppointmentBooked, time.Now(), "ap01", "or01", webhook.Data{"startsAt": "2026-12-03T15:00:00Z"})
	require.NoError(t, err)
	return sendBundle{
		secret: secret,
		msg:    webhook.Message{ID: "ev01", Body: body, Secrets: []string{secret}},
		open:   webhook.NewSender(webhook.SenderConfig{AllowPrivate: true, Timeout: 2 * time.Second}),
		guard:  webhook.NewSender(webhook.SenderConfig{Timeout: 2 * time.Second}),
	}
}

func TestSendOutcomes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupSend(t)

	ok := newReceiver(t, b.secret, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	res := b.open.Send(ctx, ok.srv.URL, b.msg, time.Now())
	require.Equal(t, webhook.Delivered, res.Outcome)
	require.Equal(t, 204, res.StatusCode)
	require.Empty(t, res.Problem)
	require.EqualValues(t, 1, ok.verified.Load(), "the reference library accepts the signature")
	require.Equal(t, "ev01", ok.lastID.Load())

	failing := newReceiver(t, b.secret, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) })
	for range 2 {
		res = b.open.Send(ctx, failing.srv.URL, b.msg, time.Now())
		require.Equal(t, webhook.Failed, res.Outcome)
		require.Equal(t, 500, res.StatusCode)
		require.Equal(t, "the endpoint answered 500", res.Problem)
	}
	require.Equal(t, "ev01", failing.lastID.Load(), "a retry carries the same webhook-id")
	require.EqualValues(t, 2, failing.verified.Load())

	gone := newReceiver(t, b.secret, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusGone) })
	res = b.open.Send(ctx, gone.srv.URL, b.msg, time.Now())
	require.Equal(t, webhook.Gone, res.Outcome)

	busy := newReceiver(t, b.secret, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	res = b.open.Send(ctx, busy.srv.URL, b.msg, time.Now())
	require.Equal(t, webhook.Failed, res.Outcome)
	require.Equal(t, 2*time.Minute, res.RetryAfter)
}

func TestSendDoesNotFollowRedirects(t *testing.T) {
	t.Parallel()
	b := setupSend(t)
	target := newReceiver(t, b.secret, func(w http.ResponseWriter, _ *http.Request) {})
	redirect := newReceiver(t, b.secret, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.srv.URL, http.StatusTemporaryRedirect)
	})
	res := b.open.Send(context.Background(), redirect.srv.URL, b.msg, time.Now())
	require.Equal(t, webhook.Failed, res.Outcome)
	require.Equal(t, http.StatusTemporaryRedirect, res.StatusCode)
	require.Contains(t, res.Problem, "redirect")
	require.Zero(t, target.hits.Load(), "the redirect's target is never reached")
}

func TestSendRefusesInternalAddressesAtConnect(t *testing.T) {
	t.Parallel()
	b := setupSend(t)
	inside := newReceiver(t, b.secret, func(w http.ResponseWriter, _ *http.Request) {})
	for _, u := range []string{inside.srv.URL, "http://localhost:" + inside.srv.URL[len("http://127.0.0.1:"):]} {
		res := b.guard.Send(context.Background(), u, b.msg, time.Now())
		require.Equal(t, webhook.Failed, res.Outcome, u)
		require.Zero(t, res.StatusCode)
		require.Contains(t, res.Problem, "private or internal network address")
	}
	require.Zero(t, inside.hits.Load(), "nothing reached the internal server")
}

func TestSendTimesOut(t *testing.T) {
	t.Parallel()
	b := setupSend(t)
	release := make(chan struct{})
	slow := newReceiver(t, b.secret, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(release) })
	s := webhook.NewSender(webhook.SenderConfig{AllowPrivate: true, Timeout: 100 * time.Millisecond})
	res := s.Send(context.Background(), slow.srv.URL, b.msg, time.Now())
	require.Equal(t, webhook.Failed, res.Outcome)
	require.Equal(t, "the endpoint did not answer in time", res.Problem)
}

func TestCheckURL(t *testing.T) {
	t.Parallel()
	for u, allowed := range map[string]bool{
		"https://ehr.example.com/kith?x=1": true,
		"https://93.184.216.34/hook":       true,
		"http://ehr.example.com/kith":      false,
		"ehr.example.com/kith":             false,
		"/kith":                            false,
		"https://user:pw@ehr.example.com/": false,
		"https://127.0.0.1/hook":           false,
		"https://[::1]/hook":               false,
		"https://169.254.169.254/latest":   false,
		"https://10.0.0.5/":                false,
		"ftp://ehr.example.com/":           false,
		"https:ehr.example.com":            false,
	} {
		err := webhook.CheckURL(u, false)
		if allowed {
			require.NoError(t, err, u)
		} else {
			require.ErrorIs(t, err, webhook.ErrURL, u)
		}
	}
	require.NoError(t, webhook.CheckURL("http://127.0.0.1:8080/hook", true), "allowed for development")
	require.ErrorIs(t, webhook.CheckURL("ftp://127.0.0.1/", true), webhook.ErrURL)
}

func TestNextRetry(t *testing.T) {
	t.Parallel()
	for i, step := range webhook.Schedule {
		for range 50 {
			d, ok := webhook.NextRetry(i+1, 0)
			require.True(t, ok)
			require.InDelta(t, float64(step), float64(d), webhook.Jitter*float64(step)+1, "attempt %d", i+1)
		}
	}
	_, ok := webhook.NextRetry(webhook.MaxAttempts, 0)
	require.False(t, ok, "the tenth attempt is the last")
	require.Equal(t, 10, webhook.MaxAttempts)
	d, _ := webhook.NextRetry(1, time.Hour)
	require.Equal(t, time.Hour, d, "Retry-After longer than the step is honoured")
	d, _ = webhook.NextRetry(1, 100*time.Hour)
	require.Equal(t, webhook.MaxRetryAfter, d, "and capped")
}

func TestPayloadIsThin(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 2, 10, 0, 0, 123456789, time.UTC)
	body, err := webhook.Payload(schematype.EventClientUpdated, at, "cl01", "or01", webhook.Data{"changed": []string{"firstName"}})
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(body, &got))
	require.Equal(t, map[string]any{
		"type": "client.updated", "timestamp": "2026-12-02T10:00:00.123Z",
		"data": map[string]any{"id": "cl01", "organizationId": "or01", "changed": []any{"firstName"}},
	}, got)
	_, err = webhook.Payload(schematype.EventClientUpdated, at, "cl01", "or01", webhook.Data{"alert": "allergic"})
	require.ErrorIs(t, err, webhook.ErrClinical)
	_, err = webhook.Payload(schematype.EventClientUpdated, at, "", "or01", nil)
	require.Error(t, err)
}
