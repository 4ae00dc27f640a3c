package inbound_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/ent/emailsuppression"
	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/ent/phoneoptout"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/notifier/inbound"
	"github.com/kith-health/kith/notifier/notifiertest"
	"github.com/kith-health/kith/schematype"
)

const (
	samPhone  = "+14165550100"
	alexPhone = "+14165550101"
)

// samAndAlex creates Sam, texted at samPhone, and Sam's parent Alex at
// alexPhone and sam@example.com; both receive confirmations and reminders.
func samAndAlex(t *testing.T, env *notifiertest.Env, p kithtest.Practice) string {
	t.Helper()
	return env.Client(t, p, map[string]any{
		"firstName": "Sam", "lastName": "Lee", "mobilePhone": samPhone, "smsConsent": true,
		"preferredContactMethod": "BOTH", "notifyConfirmations": true, "notifyReminders": true,
	}, map[string]any{
		"contact":      map[string]any{"firstName": "Alex", "lastName": "Lee", "phone": alexPhone, "email": "Alex@Example.com"},
		"relationship": "PARENT", "notifyConfirmations": true, "notifyReminders": true, "allowDuplicate": true,
	})
}

// byAddress maps an appointment's notifications on channel by address to
// their status and reason.
func byAddress(t *testing.T, env *notifiertest.Env, appointmentID string, channel schematype.Channel) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, n := range env.Notifications(t, appointmentID, channel) {
		out[n.Address] = strings.TrimSpace(string(n.Status) + " " + n.Reason)
	}
	return out
}

func TestApplyStatusOnlyMovesForward(t *testing.T) {
	t.Parallel()
	env := notifiertest.New(t)
	p := env.Practice(t, "maple")
	other := env.Practice(t, "birch")
	a := env.Book(t, p, samAndAlex(t, env, p), 72*time.Hour)
	ctx := context.Background()

	type step struct {
		status  notification.Status
		changed bool
	}
	for _, tc := range []struct {
		name   string
		steps  []step
		want   notification.Status
		reason string
	}{
		{"delivered", []step{{notification.StatusDelivered, true}}, notification.StatusDelivered, ""},
		{"a late sent keeps delivered", []step{{notification.StatusDelivered, true}, {notification.StatusSent, false}}, notification.StatusDelivered, ""},
		{"failed does not win over delivered", []step{{notification.StatusDelivered, true}, {notification.StatusFailed, false}}, notification.StatusDelivered, ""},
		{"failed wins over sent", []step{{notification.StatusFailed, true}}, notification.StatusFailed, "the phone is off"},
		{"failed is final", []step{{notification.StatusFailed, true}, {notification.StatusDelivered, false}}, notification.StatusFailed, "the phone is off"},
		{"twice is once", []step{{notification.StatusDelivered, true}, {notification.StatusDelivered, false}}, notification.StatusDelivered, ""},
		{"sent again is nothing", []step{{notification.StatusSent, false}}, notification.StatusSent, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sid := "SM" + strings.ReplaceAll(tc.name, " ", "")
			n := env.Sent(t, p, a, schematype.MessageKindConfirmation, schematype.ChannelSMS, samPhone, sid)
			var first *time.Time
			for i, s := range tc.steps {
				at := time.Now().Add(time.Duration(i) * time.Minute)
				changed, err := env.Inbound.ApplyStatus(ctx, p.Org.ID, sid, s.status, "the phone is off", at)
				require.NoError(t, err)
				require.Equal(t, s.changed, changed, "step %d (%s)", i, s.status)
				got := env.Notification(t, n.ID)
				if i == 0 {
					first = got.DeliveredAt
				} else if tc.want == notification.StatusDelivered {
					require.Equal(t, first, got.DeliveredAt, "a later report does not move the delivery time")
				}
			}
			got := env.Notification(t, n.ID)
			require.Equal(t, tc.want, got.Status)
			require.Equal(t, tc.reason, got.Reason)
		})
	}

	t.Run("unknown or another organisation's message", func(t *testing.T) {
		n := env.Sent(t, p, a, schematype.MessageKindConfirmation, schematype.ChannelSMS, samPhone, "SMmaple")
		changed, err := env.Inbound.ApplyStatus(ctx, p.Org.ID, "SMnobody", notification.StatusDelivered, "", time.Time{})
		require.NoError(t, err)
		require.False(t, changed)
		changed, err = env.Inbound.ApplyStatus(ctx, other.Org.ID, "SMmaple", notification.StatusDelivered, "", time.Time{})
		require.NoError(t, err)
		require.False(t, changed, "a report through birch's address cannot touch maple's message")
		require.Equal(t, notification.StatusSent, env.Notification(t, n.ID).Status)
	})

	t.Run("by kith's ID", func(t *testing.T) {
		n := env.Sent(t, p, a, schematype.MessageKindConfirmation, schematype.ChannelEmail, "alex@example.com", "sg-1")
		org, err := env.Inbound.MessageOrganization(ctx, n.ID)
		require.NoError(t, err)
		require.Equal(t, p.Org.ID, org)
		changed, err := env.Inbound.ApplyStatusByID(ctx, n.ID, notification.StatusFailed, "", time.Time{})
		require.NoError(t, err)
		require.True(t, changed)
		got := env.Notification(t, n.ID)
		require.Equal(t, notification.StatusFailed, got.Status)
		require.NotEmpty(t, got.Reason, "a failure always says why")
		require.NotNil(t, got.FailedAt)
		org, err = env.Inbound.MessageOrganization(ctx, "ntnothing")
		require.NoError(t, err)
		require.Empty(t, org)
	})
}

func TestStopOptsOutAtOnce(t *testing.T) {
	t.Parallel()
	env := notifiertest.New(t)
	p := env.Practice(t, "maple")
	ctx := context.Background()
	sam := samAndAlex(t, env, p)
	first := env.Book(t, p, sam, 72*time.Hour)
	require.Equal(t, map[string]string{samPhone: "QUEUED", alexPhone: "QUEUED"}, byAddress(t, env, first, schematype.ChannelSMS))

	reply, err := env.Inbound.HandleInboundSMS(ctx, p.Org.ID, inbound.SMS{From: samPhone, Body: "  Stop. "})
	require.NoError(t, err)
	require.Empty(t, reply, "Twilio answers STOP itself")
	optOut, err := env.DB.Client.PhoneOptOut.Query().Only(notifiertest.System(p))
	require.NoError(t, err)
	require.Equal(t, samPhone, optOut.Phone)
	require.Equal(t, "STOP", optOut.Keyword)
	require.Equal(t, map[string]string{samPhone: "CANCELLED " + inbound.ReasonOptedOutCancel, alexPhone: "QUEUED"},
		byAddress(t, env, first, schematype.ChannelSMS), "Sam's queued SMS is cancelled; Alex's number did not opt out")
	require.Equal(t, map[string]string{"": "SKIPPED " + compose.ReasonNoEmail, "alex@example.com": "QUEUED"},
		byAddress(t, env, first, schematype.ChannelEmail), "email is not touched")

	second := env.Book(t, p, sam, 96*time.Hour)
	require.Equal(t, map[string]string{samPhone: "SKIPPED " + compose.ReasonPhoneOptedOut, alexPhone: "QUEUED"},
		byAddress(t, env, second, schematype.ChannelSMS))

	var preview struct {
		PreviewMessage struct{ SkippedReason *string }
	}
	env.API.OK(p.Token, `query($a: ID!){ previewMessage(appointmentID: $a, kind: REMINDER, channel: SMS) { skippedReason } }`,
		map[string]any{"a": second}, &preview)
	require.NotNil(t, preview.PreviewMessage.SkippedReason)
	require.Equal(t, compose.ReasonPhoneOptedOut, *preview.PreviewMessage.SkippedReason, "the preview says why too")

	reply, err = env.Inbound.HandleInboundSMS(ctx, p.Org.ID, inbound.SMS{From: samPhone, Body: "start"})
	require.NoError(t, err)
	require.Empty(t, reply)
	n, err := env.DB.Client.PhoneOptOut.Query().Count(notifiertest.System(p))
	require.NoError(t, err)
	require.Zero(t, n, "START opts back in")
	third := env.Book(t, p, sam, 120*time.Hour)
	require.Equal(t, map[string]string{samPhone: "QUEUED", alexPhone: "QUEUED"}, byAddress(t, env, third, schematype.ChannelSMS))
}

func TestStopSynonyms(t *testing.T) {
	t.Parallel()
	env := notifiertest.New(t)
	p := env.Practice(t, "maple")
	ctx := context.Background()
	for i, body := range []string{"STOP", "stopall", "Unsubscribe", "cancel", "END", " quit ", "Stop!"} {
		phone := fmt.Sprintf("+1416555020%d", i)
		reply, err := env.Inbound.HandleInboundSMS(ctx, p.Org.ID, inbound.SMS{From: phone, Body: body})
		require.NoError(t, err)
		require.Empty(t, reply)
		out, err := env.Inbound.OptedOut(ctx, p.Org.ID, phone)
		require.NoError(t, err)
		require.True(t, out, "%q opts out", body)
	}
	for _, body := range []string{"stop please", "Please stop texting me?", "hello", "C3PO"} {
		reply, err := env.Inbound.HandleInboundSMS(ctx, p.Org.ID, inbound.SMS{From: "+14165550299", Body: body})
		require.NoError(t, err)
		require.Empty(t, reply, "%q gets no automatic answer", body)
	}
	out, err := env.Inbound.OptedOut(ctx, p.Org.ID, "+14165550299")
	require.NoError(t, err)
	require.False(t, out, "only the keyword alone opts out")

	// Twice is once, and another organisation is not concerned.
	require.NoError(t, env.Inbound.OptOut(ctx, p.Org.ID, "+14165550200", "STOP"))
	n, err := env.DB.Client.PhoneOptOut.Query().Where(phoneoptout.Phone("+14165550200")).Count(notifiertest.System(p))
	require.NoError(t, err)
	require.Equal(t, 1, n)
	birch := env.Practice(t, "birch")
	out, err = env.Inbound.OptedOut(ctx, birch.Org.ID, "+14165550200")
	require.NoError(t, err)
	require.False(t, out)
}

func TestHelpReply(t *testing.T) {
	t.Parallel()
	env := notifiertest.New(t)
	p := env.Practice(t, "maple")
	ctx := context.Background()
	env.API.OK(p.Token, `mutation { updateOrganization(input: {phone: "416 555 0199"}) { id } }`, nil, nil)

	reply, err := env.Inbound.HandleInboundSMS(ctx, p.Org.ID, inbound.SMS{From: samPhone, Body: "help"})
	require.NoError(t, err)
	require.Equal(t, "Maple Practice sends appointment messages to this number. For help, call +14165550199. Reply STOP to stop receiving them.", reply)

	env.API.OK(p.Token, `mutation { updateOrganization(input: {smsHelpReply: "Maple Therapy: call us at 416 555 0199 & ask for Olivia."}) { id } }`, nil, nil)
	reply, err = env.Inbound.HandleInboundSMS(ctx, p.Org.ID, inbound.SMS{From: samPhone, Body: "INFO"})
	require.NoError(t, err)
	require.Equal(t, "Maple Therapy: call us at 416 555 0199 & ask for Olivia.", reply)
}

func TestConfirmReplies(t *testing.T) {
	t.Parallel()
	env := notifiertest.New(t)
	p := env.Practice(t, "maple")
	ctx := context.Background()

	// Alex is the parent of Mia and Noah, and gets the reminders of both.
	alex := env.Contact(t, p, map[string]any{"firstName": "Alex", "lastName": "Lee", "phone": alexPhone})
	child := func(name, mobile string) string {
		return env.Client(t, p, map[string]any{"firstName": name, "lastName": "Lee", "mobilePhone": mobile, "smsConsent": true, "preferredContactMethod": "SMS"},
			map[string]any{"contactID": alex, "relationship": "PARENT", "notifyReminders": true})
	}
	mia, noah := child("Mia", "+14165550110"), child("Noah", "+14165550111")
	miaAppt := env.Book(t, p, mia, 26*time.Hour)
	noahAppt := env.Book(t, p, noah, 50*time.Hour)
	cancelled := env.Book(t, p, noah, 74*time.Hour)

	reply, err := env.Inbound.HandleInboundSMS(ctx, p.Org.ID, inbound.SMS{From: alexPhone, Body: "C"})
	require.NoError(t, err)
	require.Contains(t, reply, "no appointment waiting for confirmation", "no reminder went out yet")

	// Only reminders count, on SMS, to this number, of appointments still booked.
	env.Sent(t, p, miaAppt, schematype.MessageKindConfirmation, schematype.ChannelSMS, alexPhone, "SM1")
	env.Sent(t, p, miaAppt, schematype.MessageKindReminder, schematype.ChannelSMS, "+14165550110", "SM2")
	reply, err = env.Inbound.HandleInboundSMS(ctx, p.Org.ID, inbound.SMS{From: alexPhone, Body: "yes"})
	require.NoError(t, err)
	require.Contains(t, reply, "no appointment waiting for confirmation")

	env.Sent(t, p, miaAppt, schematype.MessageKindReminder, schematype.ChannelSMS, alexPhone, "SM3")
	env.Sent(t, p, miaAppt, schematype.MessageKindReminder, schematype.ChannelSMS, alexPhone, "SM4") // a second lead time
	env.Sent(t, p, noahAppt, schematype.MessageKindReminder, schematype.ChannelSMS, alexPhone, "SM5")
	env.Sent(t, p, cancelled, schematype.MessageKindReminder, schematype.ChannelSMS, alexPhone, "SM6")
	env.API.OK(p.Token, `mutation($id: ID!){ cancelAppointment(id: $id, reason: "Moved away") { id } }`, map[string]any{"id": cancelled}, nil)

	reply, err = env.Inbound.HandleInboundSMS(ctx, p.Org.ID, inbound.SMS{From: alexPhone, Body: "C"})
	require.NoError(t, err)
	require.Equal(t, fmt.Sprintf("Which appointment are you confirming? Reply C1 for Mia on %s, C2 for Noah on %s.",
		when(env.Appointment(t, miaAppt)), when(env.Appointment(t, noahAppt))), reply, "two children: ask, do not guess")
	require.Equal(t, appointment.StatusBooked, env.Appointment(t, miaAppt).Status)
	require.Equal(t, appointment.StatusBooked, env.Appointment(t, noahAppt).Status)

	reply, err = env.Inbound.HandleInboundSMS(ctx, p.Org.ID, inbound.SMS{From: alexPhone, Body: "c2"})
	require.NoError(t, err)
	require.Equal(t, "Thanks, Noah's appointment on "+when(env.Appointment(t, noahAppt))+" is confirmed.", reply)
	require.Equal(t, appointment.StatusConfirmed, env.Appointment(t, noahAppt).Status)
	require.Equal(t, appointment.StatusBooked, env.Appointment(t, miaAppt).Status)

	reply, err = env.Inbound.HandleInboundSMS(ctx, p.Org.ID, inbound.SMS{From: alexPhone, Body: "C9"})
	require.NoError(t, err)
	require.Equal(t, "Which appointment are you confirming? Reply C1 for Mia on "+when(env.Appointment(t, miaAppt))+".", reply,
		"a choice out of range lists what is left")

	before := len(env.Notifications(t, miaAppt, schematype.ChannelSMS))
	reply, err = env.Inbound.HandleInboundSMS(ctx, p.Org.ID, inbound.SMS{From: alexPhone, Body: "Confirm"})
	require.NoError(t, err)
	require.Equal(t, "Thanks, Mia's appointment on "+when(env.Appointment(t, miaAppt))+" is confirmed.", reply, "one left: confirmed")
	require.Equal(t, appointment.StatusConfirmed, env.Appointment(t, miaAppt).Status)
	require.Len(t, env.Notifications(t, miaAppt, schematype.ChannelSMS), before, "confirming by text sends nothing")

	reply, err = env.Inbound.HandleInboundSMS(ctx, p.Org.ID, inbound.SMS{From: alexPhone, Body: "C"})
	require.NoError(t, err)
	require.Contains(t, reply, "no appointment waiting for confirmation", "replayed: nothing left to confirm")

	// Another organisation's reply cannot confirm maple's appointments.
	birch := env.Practice(t, "birch")
	other := env.Book(t, p, mia, 98*time.Hour)
	env.Sent(t, p, other, schematype.MessageKindReminder, schematype.ChannelSMS, alexPhone, "SM7")
	reply, err = env.Inbound.HandleInboundSMS(ctx, birch.Org.ID, inbound.SMS{From: alexPhone, Body: "C"})
	require.NoError(t, err)
	require.Contains(t, reply, "no appointment waiting for confirmation")
	require.Equal(t, appointment.StatusBooked, env.Appointment(t, other).Status)
}

func TestYesFromAnOptedOutNumberOptsIn(t *testing.T) {
	t.Parallel()
	env := notifiertest.New(t)
	p := env.Practice(t, "maple")
	ctx := context.Background()
	sam := samAndAlex(t, env, p)
	a := env.Book(t, p, sam, 72*time.Hour)
	env.Sent(t, p, a, schematype.MessageKindReminder, schematype.ChannelSMS, samPhone, "SM1")
	require.NoError(t, env.Inbound.OptOut(ctx, p.Org.ID, samPhone, "STOP"))

	reply, err := env.Inbound.HandleInboundSMS(ctx, p.Org.ID, inbound.SMS{From: samPhone, Body: "YES"})
	require.NoError(t, err)
	require.Empty(t, reply)
	out, err := env.Inbound.OptedOut(ctx, p.Org.ID, samPhone)
	require.NoError(t, err)
	require.False(t, out, "YES opts an opted-out number back in")
	require.Equal(t, appointment.StatusBooked, env.Appointment(t, a).Status, "and confirms nothing")

	reply, err = env.Inbound.HandleInboundSMS(ctx, p.Org.ID, inbound.SMS{From: samPhone, Body: "YES"})
	require.NoError(t, err)
	require.Contains(t, reply, "is confirmed", "from a subscribed number YES confirms")
	require.Equal(t, appointment.StatusConfirmed, env.Appointment(t, a).Status)
}

func TestSuppressedAddressIsSkipped(t *testing.T) {
	t.Parallel()
	env := notifiertest.New(t)
	p := env.Practice(t, "maple")
	ctx := context.Background()
	sam := samAndAlex(t, env, p)

	require.NoError(t, env.Inbound.Suppress(ctx, p.Org.ID, " ALEX@example.com ", "the email bounced: 550 no such user"))
	require.NoError(t, env.Inbound.Suppress(ctx, p.Org.ID, "alex@example.com", "the email bounced: 550 no such user"))
	rows, err := env.DB.Client.EmailSuppression.Query().Where(emailsuppression.Email("alex@example.com")).All(notifiertest.System(p))
	require.NoError(t, err)
	require.Len(t, rows, 1, "suppressing twice is suppressing once")
	require.Equal(t, "the email bounced: 550 no such user", rows[0].Reason)

	a := env.Book(t, p, sam, 72*time.Hour)
	require.Equal(t, map[string]string{"": "SKIPPED " + compose.ReasonNoEmail, "alex@example.com": "SKIPPED " + compose.ReasonEmailBounced},
		byAddress(t, env, a, schematype.ChannelEmail), "written Alex@Example.com, suppressed as ALEX@example.com")
	require.Equal(t, map[string]string{samPhone: "QUEUED", alexPhone: "QUEUED"}, byAddress(t, env, a, schematype.ChannelSMS))
}

func TestStatusCallbackURL(t *testing.T) {
	t.Parallel()
	env := notifiertest.New(t)
	p := env.Practice(t, "maple")
	require.Equal(t, notifiertest.PublicURL+"/webhooks/twilio/maple/status", env.Queue.StatusCallbackURL(p.Org, schematype.ChannelSMS))
	require.Empty(t, env.Queue.StatusCallbackURL(p.Org, schematype.ChannelEmail), "Twilio only")
}

// when is how replies write an appointment's start, in its time zone.
func when(a *ent.Appointment) string {
	loc := schematype.Location(a.TimeZone)
	return compose.FormatDate(a.StartsAt, loc, "en") + " at " + compose.FormatTime(a.StartsAt, loc, "en")
}
