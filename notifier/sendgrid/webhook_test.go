package sendgrid_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/sendgrid/sendgrid-go/helpers/eventwebhook"
	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/emailsuppression"
	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/notifier/inbound"
	"github.com/kith-health/kith/notifier/notifiertest"
	"github.com/kith-health/kith/notifier/sendgrid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/server"
)

// signer holds an ECDSA P-256 key pair, as SendGrid's signed event webhook uses.
type signer struct {
	key    *ecdsa.PrivateKey
	public string // base64 DER, as SendGrid shows it
}

func newSigner(t *testing.T) signer {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	require.NoError(t, err)
	return signer{key: key, public: base64.StdEncoding.EncodeToString(der)}
}

// sign signs as SendGrid does: ECDSA over SHA-256 of the timestamp followed
// by the raw body, ASN.1 DER, base64.
func (s signer) sign(t *testing.T, ts string, body []byte) string {
	t.Helper()
	sum := sha256.Sum256(append([]byte(ts), body...))
	sig, err := ecdsa.SignASN1(rand.Reader, s.key, sum[:])
	require.NoError(t, err)
	return base64.StdEncoding.EncodeToString(sig)
}

// events is a batch as SendGrid posts it: a JSON array, then CRLF.
func events(t *testing.T, evs ...map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(evs)
	require.NoError(t, err)
	return append(b, '\r', '\n')
}

// hooks serves the event webhook as kith serve does: under the API's handler.
type hooks struct {
	env     *notifiertest.Env
	p       kithtest.Practice
	signer  signer
	handler http.Handler
}

func newHooks(t *testing.T) *hooks {
	t.Helper()
	env := notifiertest.New(t)
	s := newSigner(t)
	wh, err := sendgrid.NewWebhook(sendgrid.WebhookConfig{PublicKey: s.public, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, env.Inbound)
	require.NoError(t, err)
	return &hooks{env: env, p: env.Practice(t, "maple"), signer: s,
		handler: server.New(env.DB.Client, kithtest.Auth(env.DB.Client), server.Config{Webhooks: wh})}
}

// post sends body with the given signature and timestamp headers (none when empty).
func (h *hooks) post(body []byte, sig, ts string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, sendgrid.WebhookPath, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if sig != "" {
		req.Header.Set(eventwebhook.VerificationHTTPHeader, sig)
	}
	if ts != "" {
		req.Header.Set(eventwebhook.TimestampHTTPHeader, ts)
	}
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, req)
	return rec
}

// send posts evs signed now and requires 200.
func (h *hooks) send(t *testing.T, evs ...map[string]any) {
	t.Helper()
	body := events(t, evs...)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	rec := h.post(body, h.signer.sign(t, ts, body), ts)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
}

// email writes an email notification of maple that went to address.
func (h *hooks) email(t *testing.T, address string) *ent.Notification {
	t.Helper()
	client := h.env.Client(t, h.p, map[string]any{"firstName": "Sam", "lastName": "Lee", "email": address})
	a := h.env.Book(t, h.p, client, 72*time.Hour)
	return h.env.Sent(t, h.p, a, schematype.MessageKindConfirmation, schematype.ChannelEmail, address, "sg-"+address)
}

func event(kind string, n *ent.Notification, extra ...string) map[string]any {
	ev := map[string]any{
		"event": kind, "email": n.Address, "timestamp": time.Now().Unix(),
		"sg_event_id": "ev-" + kind, "sg_message_id": n.ProviderID + ".filter0001",
		sendgrid.MessageIDArg: string(n.ID),
	}
	for i := 0; i+1 < len(extra); i += 2 {
		ev[extra[i]] = extra[i+1]
	}
	return ev
}

func TestNewWebhook(t *testing.T) {
	t.Parallel()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	rsaDER, err := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		cfg  sendgrid.WebhookConfig
		want string
	}{
		{"valid", sendgrid.WebhookConfig{PublicKey: newSigner(t).public}, ""},
		{"no key", sendgrid.WebhookConfig{}, "public key"},
		{"not base64", sendgrid.WebhookConfig{PublicKey: "not a key!"}, "public key"},
		{"an RSA key", sendgrid.WebhookConfig{PublicKey: base64.StdEncoding.EncodeToString(rsaDER)}, "not a base64 ECDSA public key"},
		{"negative window", sendgrid.WebhookConfig{PublicKey: newSigner(t).public, Window: -time.Second}, "window"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sendgrid.NewWebhook(tc.cfg, &inbound.Service{})
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestWebhookSignature(t *testing.T) {
	t.Parallel()
	h := newHooks(t)
	n := h.email(t, "sam@example.com")
	body := events(t, event("delivered", n))
	now := time.Now()
	ts := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	other := newSigner(t)
	for _, tc := range []struct {
		name    string
		body    []byte
		sig, ts string
		want    int
	}{
		{"missing", body, "", "", http.StatusForbidden},
		{"no timestamp", body, h.signer.sign(t, ts(0), body), "", http.StatusForbidden},
		{"another key", body, other.sign(t, ts(0), body), ts(0), http.StatusForbidden},
		{"another body", events(t, event("bounce", n)), h.signer.sign(t, ts(0), body), ts(0), http.StatusForbidden},
		{"another timestamp", body, h.signer.sign(t, ts(0), body), ts(-time.Second), http.StatusForbidden},
		{"replayed: ten minutes old", body, h.signer.sign(t, ts(-10*time.Minute), body), ts(-10 * time.Minute), http.StatusForbidden},
		{"ten minutes ahead", body, h.signer.sign(t, ts(10*time.Minute), body), ts(10 * time.Minute), http.StatusForbidden},
		{"not a signature", body, "bm90IGEgc2lnbmF0dXJl", ts(0), http.StatusForbidden},
		{"timestamp not a number", body, h.signer.sign(t, "yesterday", body), "yesterday", http.StatusForbidden},
		{"signed, not JSON", []byte("nope"), h.signer.sign(t, ts(0), []byte("nope")), ts(0), http.StatusBadRequest},
		{"valid, four minutes old", body, h.signer.sign(t, ts(-4*time.Minute), body), ts(-4 * time.Minute), http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := h.post(tc.body, tc.sig, tc.ts)
			require.Equal(t, tc.want, rec.Code, rec.Body.String())
		})
	}
	got := h.env.Notification(t, n.ID)
	require.Equal(t, notification.StatusDelivered, got.Status, "only the valid request changed it")
}

func TestWebhookEvents(t *testing.T) {
	t.Parallel()
	h := newHooks(t)
	env, p := h.env, h.p
	ctx := notifiertest.System(p)
	suppressions := func(email string) []*ent.EmailSuppression {
		t.Helper()
		rows, err := env.DB.Client.EmailSuppression.Query().Where(emailsuppression.Email(email)).All(ctx)
		require.NoError(t, err)
		return rows
	}

	t.Run("a late event keeps delivered", func(t *testing.T) {
		n := h.email(t, "late@example.com")
		h.send(t, event("delivered", n))
		delivered := env.Notification(t, n.ID)
		require.Equal(t, notification.StatusDelivered, delivered.Status)
		require.NotNil(t, delivered.DeliveredAt)
		h.send(t, event("processed", n), event("deferred", n), event("open", n), event("click", n))
		got := env.Notification(t, n.ID)
		require.Equal(t, notification.StatusDelivered, got.Status)
		require.Equal(t, delivered.UpdatedAt, got.UpdatedAt, "nothing changed")
	})

	t.Run("duplicates change nothing twice", func(t *testing.T) {
		n := h.email(t, "twice@example.com")
		bounce := event("bounce", n, "reason", "550 5.1.1 The email account does not exist", "status", "5.1.1", "type", "bounce")
		h.send(t, bounce, bounce)
		first := env.Notification(t, n.ID)
		require.Equal(t, notification.StatusFailed, first.Status)
		require.Equal(t, "the email bounced: 550 5.1.1 The email account does not exist", first.Reason)
		require.Len(t, suppressions("twice@example.com"), 1)
		rows := suppressions("twice@example.com")

		later := event("bounce", n, "reason", "550 5.1.1 The email account does not exist", "status", "5.1.1", "type", "bounce")
		later["timestamp"] = time.Now().Add(time.Hour).Unix()
		h.send(t, later, event("delivered", n))
		got := env.Notification(t, n.ID)
		require.Equal(t, first.UpdatedAt, got.UpdatedAt, "the repeated bounce changed nothing")
		require.Equal(t, first.FailedAt, got.FailedAt)
		require.Equal(t, notification.StatusFailed, got.Status, "FAILED is final")
		again := suppressions("twice@example.com")
		require.Len(t, again, 1, "one suppression")
		require.Equal(t, rows[0].UpdatedAt, again[0].UpdatedAt)
	})

	t.Run("a bounce makes the address undeliverable", func(t *testing.T) {
		n := h.email(t, "gone@example.com")
		h.send(t, event("bounce", n, "reason", "550 no such user", "type", "bounce"))
		got := env.Notification(t, n.ID)
		require.Equal(t, notification.StatusFailed, got.Status)
		require.NotNil(t, got.FailedAt)
		rows := suppressions("gone@example.com")
		require.Len(t, rows, 1)
		require.Equal(t, "the email bounced: 550 no such user", rows[0].Reason)

		// The next message to that address is skipped, saying why.
		client := env.Client(t, p, map[string]any{"firstName": "Ana", "lastName": "Gone", "email": "Gone@Example.com", "notifyConfirmations": true})
		a := env.Book(t, p, client, 96*time.Hour)
		ns := env.Notifications(t, a, schematype.ChannelEmail)
		require.Len(t, ns, 1)
		require.Equal(t, notification.StatusSkipped, ns[0].Status)
		require.Equal(t, compose.ReasonEmailBounced, ns[0].Reason)
	})

	t.Run("dropped and spam reports suppress; a block does not", func(t *testing.T) {
		dropped := h.email(t, "dropped@example.com")
		spam := h.email(t, "spam@example.com")
		blocked := h.email(t, "blocked@example.com")
		h.send(t,
			event("dropped", dropped, "reason", "Bounced Address"),
			event("delivered", spam), event("spamreport", spam),
			event("bounce", blocked, "reason", "451 try again later", "type", "blocked"),
		)
		require.Equal(t, notification.StatusFailed, env.Notification(t, dropped.ID).Status)
		require.Equal(t, "SendGrid dropped the email: Bounced Address", env.Notification(t, dropped.ID).Reason)
		require.Len(t, suppressions("dropped@example.com"), 1)
		require.Equal(t, notification.StatusDelivered, env.Notification(t, spam.ID).Status, "a spam report does not undo delivery")
		require.Len(t, suppressions("spam@example.com"), 1)
		require.Equal(t, notification.StatusFailed, env.Notification(t, blocked.ID).Status)
		require.Empty(t, suppressions("blocked@example.com"), "a block is temporary")
	})

	t.Run("events of other mail are ignored", func(t *testing.T) {
		h.send(t,
			map[string]any{"event": "bounce", "email": "stranger@example.com", "timestamp": time.Now().Unix()},
			map[string]any{"event": "bounce", "email": "stranger@example.com", sendgrid.MessageIDArg: "ntunknown"},
		)
		require.Empty(t, suppressions("stranger@example.com"))
	})
}
