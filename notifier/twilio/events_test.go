package twilio_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier/inbound"
	"github.com/kith-health/kith/schematype"
)

// requireNoText checks that e's data, as JSON, holds none of texts.
func requireNoText(t *testing.T, e kithtest.RecordedEvent, texts ...string) {
	t.Helper()
	body, err := json.Marshal(e.Data)
	require.NoError(t, err)
	for _, s := range texts {
		require.NotContains(t, string(body), s, "%s's data", e.Type)
	}
}

// only is the one recorded event of typ.
func only(t *testing.T, rec *kithtest.EventRecorder, typ schematype.EventType) kithtest.RecordedEvent {
	t.Helper()
	es := rec.Of(typ)
	require.Len(t, es, 1, "one %s event", typ)
	return es[0]
}

func TestInboundSMSEvents(t *testing.T) {
	t.Parallel()
	h := newHooks(t)
	env, p := h.env, h.p
	rec := kithtest.RecordEvents(t, env.DB)
	org := p.Org.ID
	path := inbound.TwilioInboundPath("maple")
	text := func(sid, body string) {
		t.Helper()
		res := h.signed(path, url.Values{"From": {parentPhone}, "To": {"+14165550000"}, "Body": {body}, "MessageSid": {sid}})
		require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	}

	// A reply kith does not act on: recorded, sms.reply_received and
	// communication.created, never its text or numbers.
	text("SMreply", "Running late, my anxiety is bad today")
	e := only(t, rec, schematype.EventSMSReplyReceived)
	rec.Require(t, schematype.EventSMSReplyReceived, org, e.ObjectID)
	require.EqualValues(t, "TWILIO_SMS", e.Data["source"])
	requireNoText(t, e, "anxiety", parentPhone, "+14165550000")
	created := rec.Require(t, schematype.EventCommunicationCreated, org, e.ObjectID)
	require.EqualValues(t, "SMS", created.Data["kind"])
	require.EqualValues(t, "INBOUND", created.Data["direction"])
	text("SMreply", "Running late, my anxiety is bad today") // Twilio posts it again
	require.Len(t, rec.Of(schematype.EventSMSReplyReceived), 1, "recorded once, told once")

	// STOP: sms.opted_out about the opt-out, with the word, not the number.
	text("SMstop", "Stop")
	out := only(t, rec, schematype.EventSMSOptedOut)
	rec.Require(t, schematype.EventSMSOptedOut, org, out.ObjectID)
	require.Equal(t, "STOP", out.Data["keyword"])
	requireNoText(t, out, parentPhone)
	text("SMstop2", "STOP")
	require.Len(t, rec.Of(schematype.EventSMSOptedOut), 1, "a number opts out once")

	// A message to the opted-out number is created SKIPPED: notification.skipped.
	client := env.Client(t, p, map[string]any{"firstName": "Mia", "lastName": "Lee", "mobilePhone": parentPhone, "smsConsent": true, "preferredContactMethod": "SMS"})
	a := env.Book(t, p, client, 72*time.Hour)
	var skipped int
	for _, n := range env.Notifications(t, a, schematype.ChannelSMS) {
		if n.Status != notification.StatusSkipped {
			continue
		}
		skipped++
		e := rec.Require(t, schematype.EventNotificationSkipped, org, n.ID)
		require.EqualValues(t, client, e.Data["clientId"])
		require.EqualValues(t, a, e.Data["appointmentId"])
		require.EqualValues(t, "SMS", e.Data["channel"])
		require.EqualValues(t, "CONFIRMATION", e.Data["kind"])
		requireNoText(t, e, parentPhone, "Mia", n.Reason)
	}
	require.Positive(t, skipped)

	// START: sms.opted_in about the opt-out it lifts.
	text("SMstart", "START")
	in := only(t, rec, schematype.EventSMSOptedIn)
	require.Equal(t, out.ObjectID, in.ObjectID)
	rec.Require(t, schematype.EventSMSOptedIn, org, in.ObjectID)
	text("SMstart2", "START")
	require.Len(t, rec.Of(schematype.EventSMSOptedIn), 1, "nothing more to lift")
}

func TestStatusCallbackEvents(t *testing.T) {
	t.Parallel()
	h := newHooks(t)
	env, p := h.env, h.p
	org := p.Org.ID
	client := env.Client(t, p, map[string]any{"firstName": "Sam", "lastName": "Lee", "mobilePhone": "+14165550100", "smsConsent": true, "preferredContactMethod": "SMS"})
	a := env.Book(t, p, client, 72*time.Hour)
	delivered := env.Sent(t, p, a, schematype.MessageKindReminder, schematype.ChannelSMS, "+14165550100", "SMdelivered")
	failed := env.Sent(t, p, a, schematype.MessageKindReminder, schematype.ChannelSMS, "+14165550100", "SMfailed")
	rec := kithtest.RecordEvents(t, env.DB)
	report := func(sid, status, code string) {
		t.Helper()
		form := url.Values{"MessageSid": {sid}, "MessageStatus": {status}}
		if code != "" {
			form.Set("ErrorCode", code)
		}
		res := h.signed(inbound.TwilioStatusPath("maple"), form)
		require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	}

	report("SMdelivered", "delivered", "")
	e := rec.Require(t, schematype.EventNotificationDelivered, org, delivered.ID)
	require.EqualValues(t, "DELIVERED", e.Data["status"])
	require.EqualValues(t, "REMINDER", e.Data["kind"])
	require.EqualValues(t, a, e.Data["appointmentId"])
	require.Contains(t, e.Data, "deliveredAt")
	requireNoText(t, e, "+14165550100", "A message")
	report("SMdelivered", "delivered", "") // repeated: changes nothing, tells nothing
	require.Len(t, rec.Of(schematype.EventNotificationDelivered), 1)

	report("SMfailed", "undelivered", "30003")
	e = rec.Require(t, schematype.EventNotificationFailed, org, failed.ID)
	require.EqualValues(t, "FAILED", e.Data["status"])
	require.Contains(t, e.Data, "failedAt")
	requireNoText(t, e, "unreachable")
	require.Len(t, rec.Events(), 2)
}
