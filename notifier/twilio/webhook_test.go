package twilio_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/notifier/inbound"
	"github.com/kith-health/kith/notifier/notifiertest"
	"github.com/kith-health/kith/notifier/twilio"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/server"
)

const (
	webhookToken = "fedcba9876543210fedcba9876543210"
	parentPhone  = "+14165550101"
)

// sign computes X-Twilio-Signature as Twilio does: HMAC-SHA1 with the auth
// token over the URL and the sorted POST parameters, each name then value.
func sign(token, u string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := u
	for _, k := range keys {
		s += k + form.Get(k)
	}
	mac := hmac.New(sha1.New, []byte(token))
	mac.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// hooks serves the Twilio webhook as kith serve does: under the API's handler.
type hooks struct {
	env     *notifiertest.Env
	p       kithtest.Practice
	handler http.Handler
}

func newHooks(t *testing.T) *hooks {
	t.Helper()
	env := notifiertest.New(t)
	p := env.Practice(t, "maple")
	wh, err := twilio.NewWebhook(twilio.WebhookConfig{
		AuthToken: webhookToken, PublicURL: notifiertest.PublicURL + "/",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}, env.Inbound)
	require.NoError(t, err)
	return &hooks{env: env, p: p, handler: server.New(env.DB.Client, kithtest.Auth(env.DB.Client), server.Config{Webhooks: wh})}
}

// post sends form to path, signed with sig (none when empty).
func (h *hooks) post(path string, form url.Values, sig string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if sig != "" {
		req.Header.Set(twilio.SignatureHeader, sig)
	}
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, req)
	return rec
}

// signed posts form to path with Twilio's signature for kith's public URL.
func (h *hooks) signed(path string, form url.Values) *httptest.ResponseRecorder {
	return h.post(path, form, sign(webhookToken, notifiertest.PublicURL+path, form))
}

func TestNewWebhook(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  twilio.WebhookConfig
		want string
	}{
		{"valid", twilio.WebhookConfig{AuthToken: webhookToken, PublicURL: "https://kith.example"}, ""},
		{"no token", twilio.WebhookConfig{PublicURL: "https://kith.example"}, "auth token"},
		{"no public URL", twilio.WebhookConfig{AuthToken: webhookToken}, "public URL"},
		{"relative public URL", twilio.WebhookConfig{AuthToken: webhookToken, PublicURL: "kith.example"}, "public URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := twilio.NewWebhook(tc.cfg, stubHandler{})
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.want)
		})
	}
}

// stubHandler is an InboundHandler that is never reached.
type stubHandler struct{ twilio.InboundHandler }

func TestWebhookSignature(t *testing.T) {
	t.Parallel()
	h := newHooks(t)
	status := inbound.TwilioStatusPath("maple")
	inboundPath := inbound.TwilioInboundPath("maple")
	form := url.Values{"MessageSid": {"SMnone"}, "MessageStatus": {"delivered"}, "AccountSid": {"AC1"}}
	help := url.Values{"From": {parentPhone}, "Body": {"HELP"}}
	for _, tc := range []struct {
		name string
		path string
		form url.Values
		sig  string
		want int
	}{
		{"valid status", status, form, sign(webhookToken, notifiertest.PublicURL+status, form), http.StatusOK},
		{"valid inbound", inboundPath, help, sign(webhookToken, notifiertest.PublicURL+inboundPath, help), http.StatusOK},
		{"valid, with the port", status, form, sign(webhookToken, "https://kith.example:443"+status, form), http.StatusOK},
		{"missing", status, form, "", http.StatusForbidden},
		{"wrong token", status, form, sign("0123456789abcdef0123456789abcdef", notifiertest.PublicURL+status, form), http.StatusForbidden},
		{"signed for another address", status, form, sign(webhookToken, "https://elsewhere.example"+status, form), http.StatusForbidden},
		{"signed for another organisation", status, form, sign(webhookToken, notifiertest.PublicURL+inbound.TwilioStatusPath("birch"), form), http.StatusForbidden},
		{"garbage", status, form, "bm90IGEgc2lnbmF0dXJl", http.StatusForbidden},
		{"unknown organisation, signed", inbound.TwilioStatusPath("nobody"), form,
			sign(webhookToken, notifiertest.PublicURL+inbound.TwilioStatusPath("nobody"), form), http.StatusNotFound},
		{"unknown organisation, unsigned", inbound.TwilioStatusPath("nobody"), form, "", http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := h.post(tc.path, tc.form, tc.sig)
			require.Equal(t, tc.want, rec.Code, rec.Body.String())
		})
	}

	t.Run("tampered parameters", func(t *testing.T) {
		signed := url.Values{"From": {parentPhone}, "Body": {"HELP"}}
		sig := sign(webhookToken, notifiertest.PublicURL+inboundPath, signed)
		rec := h.post(inboundPath, url.Values{"From": {parentPhone}, "Body": {"STOP"}}, sig)
		require.Equal(t, http.StatusForbidden, rec.Code)
		out, err := h.env.Inbound.OptedOut(context.Background(), h.p.Org.ID, parentPhone)
		require.NoError(t, err)
		require.False(t, out, "a refused request changes nothing")
	})

	t.Run("GET is not allowed", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodGet, status, nil)
		rec := httptest.NewRecorder()
		h.handler.ServeHTTP(rec, req)
		require.Equal(t, http.StatusMethodNotAllowed, rec.Code)
	})
}

func TestWebhookStatusOrdering(t *testing.T) {
	t.Parallel()
	h := newHooks(t)
	env, p := h.env, h.p
	client := env.Client(t, p, map[string]any{"firstName": "Sam", "lastName": "Lee", "mobilePhone": "+14165550100", "smsConsent": true, "preferredContactMethod": "SMS"})
	a := env.Book(t, p, client, 72*time.Hour)
	path := inbound.TwilioStatusPath("maple")
	report := func(sid, status, code string) {
		t.Helper()
		form := url.Values{"MessageSid": {sid}, "MessageStatus": {status}, "SmsStatus": {status}}
		if code != "" {
			form.Set("ErrorCode", code)
		}
		rec := h.signed(path, form)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	}

	for _, tc := range []struct {
		name   string
		events [][2]string // status, error code
		want   notification.Status
		reason string
	}{
		{"sent, delivered", [][2]string{{"sent", ""}, {"delivered", ""}}, notification.StatusDelivered, ""},
		{"delivered, then a late sent", [][2]string{{"delivered", ""}, {"sent", ""}, {"queued", ""}}, notification.StatusDelivered, ""},
		{"delivered, then failed", [][2]string{{"delivered", ""}, {"failed", "30008"}}, notification.StatusDelivered, ""},
		{"undelivered", [][2]string{{"sending", ""}, {"undelivered", "30003"}}, notification.StatusFailed, "the phone is unreachable (off, or out of coverage) [30003]"},
		{"failed, then a late delivered", [][2]string{{"failed", "21610"}, {"delivered", ""}}, notification.StatusFailed, "the recipient has opted out (STOP) [21610]"},
		{"failed without a code", [][2]string{{"failed", ""}}, notification.StatusFailed, "Twilio could not deliver the message"},
		{"delivered twice", [][2]string{{"delivered", ""}, {"delivered", ""}}, notification.StatusDelivered, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sid := "SM" + strings.ReplaceAll(tc.name, " ", "")
			n := env.Sent(t, p, a, schematype.MessageKindReminder, schematype.ChannelSMS, "+14165550100", sid)
			var updated time.Time // when it reached its final status
			for _, ev := range tc.events {
				report(sid, ev[0], ev[1])
				if got := env.Notification(t, n.ID); updated.IsZero() && got.Status == tc.want {
					updated = got.UpdatedAt
				}
			}
			got := env.Notification(t, n.ID)
			require.Equal(t, tc.want, got.Status)
			require.Equal(t, tc.reason, got.Reason)
			require.Equal(t, updated, got.UpdatedAt, "later reports change nothing")
			if tc.want == notification.StatusDelivered {
				require.NotNil(t, got.DeliveredAt)
			} else {
				require.NotNil(t, got.FailedAt)
			}
		})
	}

	t.Run("another organisation's address", func(t *testing.T) {
		env.Practice(t, "birch")
		n := env.Sent(t, p, a, schematype.MessageKindReminder, schematype.ChannelSMS, "+14165550100", "SMmaple")
		form := url.Values{"MessageSid": {"SMmaple"}, "MessageStatus": {"delivered"}}
		rec := h.signed(inbound.TwilioStatusPath("birch"), form)
		require.Equal(t, http.StatusOK, rec.Code)
		require.Equal(t, notification.StatusSent, env.Notification(t, n.ID).Status)
	})
}

func TestWebhookInbound(t *testing.T) {
	t.Parallel()
	h := newHooks(t)
	env, p := h.env, h.p
	path := inbound.TwilioInboundPath("maple")
	text := func(from, body string) string {
		t.Helper()
		rec := h.signed(path, url.Values{"From": {from}, "To": {"+14165550000"}, "Body": {body}, "MessageSid": {"SMin"}})
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		require.Equal(t, "text/xml; charset=utf-8", rec.Header().Get("Content-Type"))
		return rec.Body.String()
	}
	const empty = `<?xml version="1.0" encoding="UTF-8"?>` + "\n<Response></Response>"

	// A parent of two children, who gets both reminders.
	parent := env.Contact(t, p, map[string]any{"firstName": "Alex", "lastName": "Lee", "phone": parentPhone})
	child := func(name, mobile string) string {
		return env.Client(t, p, map[string]any{"firstName": name, "lastName": "Lee", "mobilePhone": mobile, "smsConsent": true, "preferredContactMethod": "SMS"},
			map[string]any{"contactID": parent, "relationship": "PARENT", "notifyReminders": true, "notifyConfirmations": true})
	}
	mia := env.Book(t, p, child("Mia", "+14165550110"), 26*time.Hour)
	noah := env.Book(t, p, child("Noah", "+14165550111"), 50*time.Hour)
	env.Sent(t, p, mia, schematype.MessageKindReminder, schematype.ChannelSMS, parentPhone, "SM1")
	env.Sent(t, p, noah, schematype.MessageKindReminder, schematype.ChannelSMS, parentPhone, "SM2")

	require.Equal(t, empty, text(parentPhone, "Thanks, see you then"), "no automatic answer")

	body := text(parentPhone, "c")
	require.Contains(t, body, "<Response><Message>Which appointment are you confirming? Reply C1 for Mia on ")
	require.Contains(t, body, ", C2 for Noah on ")
	body = text(parentPhone, "C2")
	require.Contains(t, body, "<Message>Thanks, Noah&#39;s appointment on ", "the reply is escaped XML")
	require.Equal(t, "CONFIRMED", string(env.Appointment(t, noah).Status))
	require.Equal(t, "BOOKED", string(env.Appointment(t, mia).Status))

	env.API.OK(p.Token, `mutation { updateOrganization(input: {smsHelpReply: "Maple & Co: call 416 555 0199 <front desk>."}) { id } }`, nil, nil)
	require.Equal(t, `<?xml version="1.0" encoding="UTF-8"?>`+"\n<Response><Message>Maple &amp; Co: call 416 555 0199 &lt;front desk&gt;.</Message></Response>",
		text(parentPhone, "Help"))

	// STOP: opted out at once, the queued SMS to that number cancelled,
	// later ones skipped.
	queued := func(appointmentID string) []string {
		var out []string
		for _, n := range env.Notifications(t, appointmentID, schematype.ChannelSMS) {
			if n.Address == parentPhone && n.Kind == schematype.MessageKindConfirmation {
				out = append(out, string(n.Status)+" "+n.Reason)
			}
		}
		return out
	}
	require.Equal(t, []string{"QUEUED "}, queued(mia))
	require.Equal(t, empty, text(parentPhone, "STOP"), "Twilio answers STOP itself")
	require.Equal(t, []string{"CANCELLED " + inbound.ReasonOptedOutCancel}, queued(mia))
	require.Equal(t, []string{"CANCELLED " + inbound.ReasonOptedOutCancel}, queued(noah))
	later := env.Book(t, p, child("Ella", "+14165550112"), 74*time.Hour)
	require.Equal(t, []string{"SKIPPED " + compose.ReasonPhoneOptedOut}, queued(later))

	require.Equal(t, empty, text(parentPhone, "START"))
	again := env.Book(t, p, child("Liam", "+14165550113"), 98*time.Hour)
	require.Equal(t, []string{"QUEUED "}, queued(again), "START opts back in")
}
