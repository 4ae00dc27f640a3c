package compose_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/ent/clientprofile"
	"github.com/kith-health/kith/link"
	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/schematype"
)

func ptr(s string) *string { return &s }

// flags are a recipient's three notification flags.
type flags struct{ reminders, confirmations, scheduled bool }

var (
	allOn  = flags{true, true, true}
	allOff = flags{}
)

func recipient(kind link.RecipientKind, name, email, phone string, f flags) *link.Recipient {
	r := &link.Recipient{
		Kind:                kind,
		FirstName:           name,
		Name:                name,
		NotifyReminders:     f.reminders,
		NotifyConfirmations: f.confirmations,
		NotifyScheduled:     f.scheduled,
	}
	if email != "" {
		r.Email = ptr(email)
	}
	if phone != "" {
		r.Phone = ptr(phone)
	}
	return r
}

func client(name, email, phone string, f flags) *link.Recipient {
	return recipient(link.RecipientClient, name, email, phone, f)
}

func contact(name, email, phone string, f flags) *link.Recipient {
	return recipient(link.RecipientContact, name, email, phone, f)
}

// row is a Delivery as a test reads it: Reason is empty when the copy is sent.
type row struct {
	Who     string
	Channel schematype.Channel
	Address string
	Reason  string
}

func rows(t *testing.T, ds []compose.Delivery) []row {
	t.Helper()
	out := make([]row, 0, len(ds))
	for _, d := range ds {
		require.Equal(t, d.Reason != "", d.Skipped, "Skipped must agree with Reason: %v", d)
		out = append(out, row{d.Recipient.Name, d.Channel, d.Address, d.Reason})
	}
	return out
}

const (
	email = schematype.ChannelEmail
	sms   = schematype.ChannelSMS

	methodEmail = clientprofile.PreferredContactMethodEmail
	methodSMS   = clientprofile.PreferredContactMethodSMS
	methodBoth  = clientprofile.PreferredContactMethodBoth
)

func consented(m clientprofile.PreferredContactMethod) compose.Preferences {
	return compose.Preferences{Method: m, EmailConsent: true, SMSConsent: true}
}

func TestPlan(t *testing.T) {
	t.Parallel()
	const (
		jamieEmail = "jamie@example.com"
		jamiePhone = "+14165550100"
		alexEmail  = "alex@example.com"
		alexPhone  = "+14165550111"
	)
	jamie := func(f flags) *link.Recipient { return client("Jamie Rivera", jamieEmail, jamiePhone, f) }
	alex := func(f flags) *link.Recipient { return contact("Alex Rivera", alexEmail, alexPhone, f) }
	is := func(addr string) func(string) bool { return func(s string) bool { return s == addr } }

	cases := []struct {
		name       string
		kind       schematype.MessageKind
		recipients []*link.Recipient
		prefs      compose.Preferences
		want       []row
	}{
		{
			name:       "EMAIL: client and contact by email",
			kind:       schematype.MessageKindReminder,
			recipients: []*link.Recipient{jamie(allOn), alex(allOn)},
			prefs:      consented(methodEmail),
			want: []row{
				{"Jamie Rivera", email, jamieEmail, ""},
				{"Alex Rivera", email, alexEmail, ""},
			},
		},
		{
			name:       "SMS: client and contact by SMS",
			kind:       schematype.MessageKindReminder,
			recipients: []*link.Recipient{jamie(allOn), alex(allOn)},
			prefs:      consented(methodSMS),
			want: []row{
				{"Jamie Rivera", sms, jamiePhone, ""},
				{"Alex Rivera", sms, alexPhone, ""},
			},
		},
		{
			name:       "BOTH: email then SMS for each recipient in order",
			kind:       schematype.MessageKindConfirmation,
			recipients: []*link.Recipient{jamie(allOn), alex(allOn)},
			prefs:      consented(methodBoth),
			want: []row{
				{"Jamie Rivera", email, jamieEmail, ""},
				{"Jamie Rivera", sms, jamiePhone, ""},
				{"Alex Rivera", email, alexEmail, ""},
				{"Alex Rivera", sms, alexPhone, ""},
			},
		},
		{
			name:       "no method means the default, EMAIL",
			kind:       schematype.MessageKindReminder,
			recipients: []*link.Recipient{jamie(allOn)},
			prefs:      compose.Preferences{EmailConsent: true, SMSConsent: true},
			want:       []row{{"Jamie Rivera", email, jamieEmail, ""}},
		},
		{
			name:       "client flags off, contact on: the client is absent, not skipped",
			kind:       schematype.MessageKindReminder,
			recipients: []*link.Recipient{jamie(allOff), alex(allOn)},
			prefs:      consented(methodBoth),
			want: []row{
				{"Alex Rivera", email, alexEmail, ""},
				{"Alex Rivera", sms, alexPhone, ""},
			},
		},
		{
			name: "child uses the parent's email with its flags off: the parent gets it once",
			kind: schematype.MessageKindReminder,
			recipients: []*link.Recipient{
				client("Kid Rivera", "Alex@Example.com", "", allOff),
				alex(allOn),
			},
			prefs: consented(methodEmail),
			want:  []row{{"Alex Rivera", email, alexEmail, ""}},
		},
		{
			name:       "contact flag for another kind only: no delivery",
			kind:       schematype.MessageKindScheduled,
			recipients: []*link.Recipient{jamie(allOn), alex(flags{reminders: true, confirmations: true})},
			prefs:      consented(methodEmail),
			want:       []row{{"Jamie Rivera", email, jamieEmail, ""}},
		},
		{
			name:       "every flag off: nobody",
			kind:       schematype.MessageKindCancellation,
			recipients: []*link.Recipient{jamie(allOff), alex(allOff)},
			prefs:      consented(methodBoth),
			want:       []row{},
		},
		{
			name: "missing email is skipped, not dropped",
			kind: schematype.MessageKindReminder,
			recipients: []*link.Recipient{
				client("Kid Rivera", "", "", allOn),
				alex(allOn),
			},
			prefs: consented(methodEmail),
			want: []row{
				{"Kid Rivera", email, "", compose.ReasonNoEmail},
				{"Alex Rivera", email, alexEmail, ""},
			},
		},
		{
			name:       "blank email counts as missing",
			kind:       schematype.MessageKindReminder,
			recipients: []*link.Recipient{client("Kid Rivera", "   ", "", allOn)},
			prefs:      consented(methodEmail),
			want:       []row{{"Kid Rivera", email, "", compose.ReasonNoEmail}},
		},
		{
			name: "missing phone is skipped with BOTH, email still goes",
			kind: schematype.MessageKindReminder,
			recipients: []*link.Recipient{
				jamie(allOn),
				contact("Sam Rivera", "sam@example.com", "", allOn),
			},
			prefs: consented(methodBoth),
			want: []row{
				{"Jamie Rivera", email, jamieEmail, ""},
				{"Jamie Rivera", sms, jamiePhone, ""},
				{"Sam Rivera", email, "sam@example.com", ""},
				{"Sam Rivera", sms, "", compose.ReasonNoPhone},
			},
		},
		{
			name:       "no SMS consent: every SMS skipped, email goes",
			kind:       schematype.MessageKindReminder,
			recipients: []*link.Recipient{jamie(allOn), alex(allOn)},
			prefs:      compose.Preferences{Method: methodBoth, EmailConsent: true},
			want: []row{
				{"Jamie Rivera", email, jamieEmail, ""},
				{"Jamie Rivera", sms, jamiePhone, compose.ReasonNoSMSConsent},
				{"Alex Rivera", email, alexEmail, ""},
				{"Alex Rivera", sms, alexPhone, compose.ReasonNoSMSConsent},
			},
		},
		{
			name:       "no email consent: every email skipped",
			kind:       schematype.MessageKindMissed,
			recipients: []*link.Recipient{jamie(allOn), alex(allOn)},
			prefs:      compose.Preferences{Method: methodEmail, SMSConsent: true},
			want: []row{
				{"Jamie Rivera", email, jamieEmail, compose.ReasonNoEmailConsent},
				{"Alex Rivera", email, alexEmail, compose.ReasonNoEmailConsent},
			},
		},
		{
			name:       "a missing number is reported before missing consent",
			kind:       schematype.MessageKindReminder,
			recipients: []*link.Recipient{client("Kid Rivera", "", "", allOn)},
			prefs:      compose.Preferences{Method: methodSMS},
			want:       []row{{"Kid Rivera", sms, "", compose.ReasonNoPhone}},
		},
		{
			name:       "opted-out number: that recipient's SMS skipped",
			kind:       schematype.MessageKindReminder,
			recipients: []*link.Recipient{jamie(allOn), alex(allOn)},
			prefs: compose.Preferences{
				Method: methodSMS, SMSConsent: true,
				PhoneOptedOut: is(alexPhone),
			},
			want: []row{
				{"Jamie Rivera", sms, jamiePhone, ""},
				{"Alex Rivera", sms, alexPhone, compose.ReasonPhoneOptedOut},
			},
		},
		{
			name:       "missing consent is reported before an opt-out",
			kind:       schematype.MessageKindReminder,
			recipients: []*link.Recipient{jamie(allOn)},
			prefs:      compose.Preferences{Method: methodSMS, PhoneOptedOut: is(jamiePhone)},
			want:       []row{{"Jamie Rivera", sms, jamiePhone, compose.ReasonNoSMSConsent}},
		},
		{
			name:       "opt-out only affects SMS",
			kind:       schematype.MessageKindReschedule,
			recipients: []*link.Recipient{jamie(allOn)},
			prefs: compose.Preferences{
				Method: methodBoth, EmailConsent: true, SMSConsent: true,
				PhoneOptedOut: is(jamiePhone),
			},
			want: []row{
				{"Jamie Rivera", email, jamieEmail, ""},
				{"Jamie Rivera", sms, jamiePhone, compose.ReasonPhoneOptedOut},
			},
		},
		{
			name:       "bounced email: that recipient's email skipped",
			kind:       schematype.MessageKindConfirmation,
			recipients: []*link.Recipient{jamie(allOn), alex(allOn)},
			prefs: compose.Preferences{
				Method: methodBoth, EmailConsent: true, SMSConsent: true,
				EmailUndeliverable: is(jamieEmail),
			},
			want: []row{
				{"Jamie Rivera", email, jamieEmail, compose.ReasonEmailBounced},
				{"Jamie Rivera", sms, jamiePhone, ""},
				{"Alex Rivera", email, alexEmail, ""},
				{"Alex Rivera", sms, alexPhone, ""},
			},
		},
		{
			name: "same email for client and contact, different case: one copy",
			kind: schematype.MessageKindReminder,
			recipients: []*link.Recipient{
				client("Kid Rivera", "ALEX@example.com", "", allOn),
				alex(allOn),
			},
			prefs: consented(methodEmail),
			want: []row{
				{"Kid Rivera", email, "ALEX@example.com", ""},
				{"Alex Rivera", email, alexEmail, "same address as Kid Rivera"},
			},
		},
		{
			name: "same phone for client and contact, written differently: one SMS",
			kind: schematype.MessageKindReminder,
			recipients: []*link.Recipient{
				client("Kid Rivera", "kid@example.com", "+1 (416) 555-0111", allOn),
				alex(allOn),
			},
			prefs: consented(methodBoth),
			want: []row{
				{"Kid Rivera", email, "kid@example.com", ""},
				{"Kid Rivera", sms, alexPhone, ""},
				{"Alex Rivera", email, alexEmail, ""},
				{"Alex Rivera", sms, alexPhone, "same address as Kid Rivera"},
			},
		},
		{
			name: "same email for two contacts: the second names the first",
			kind: schematype.MessageKindScheduled,
			recipients: []*link.Recipient{
				jamie(allOn),
				contact("Pat Rivera", "parents@example.com", "", allOn),
				contact("Lee Rivera", "Parents@Example.com", "", allOn),
			},
			prefs: consented(methodEmail),
			want: []row{
				{"Jamie Rivera", email, jamieEmail, ""},
				{"Pat Rivera", email, "parents@example.com", ""},
				{"Lee Rivera", email, "Parents@Example.com", "same address as Pat Rivera"},
			},
		},
		{
			name: "a skipped copy does not claim its address: the next one gives its own reason",
			kind: schematype.MessageKindReminder,
			recipients: []*link.Recipient{
				client("Kid Rivera", alexEmail, "", allOn),
				alex(allOn),
			},
			prefs: compose.Preferences{
				Method: methodEmail, EmailConsent: true,
				EmailUndeliverable: is(alexEmail),
			},
			want: []row{
				{"Kid Rivera", email, alexEmail, compose.ReasonEmailBounced},
				{"Alex Rivera", email, alexEmail, compose.ReasonEmailBounced},
			},
		},
		{
			name:       "FlagNone: the named person gets it whatever their flags",
			kind:       schematype.MessageKindPortalInvitation,
			recipients: []*link.Recipient{alex(allOff)},
			prefs:      consented(methodBoth),
			want: []row{
				{"Alex Rivera", email, alexEmail, ""},
				{"Alex Rivera", sms, alexPhone, ""},
			},
		},
		{
			name:       "FlagNone: still checked for consent and address",
			kind:       schematype.MessageKindSignInCode,
			recipients: []*link.Recipient{contact("Sam Rivera", "", "+14165550199", allOff)},
			prefs:      compose.Preferences{Method: methodBoth, EmailConsent: true},
			want: []row{
				{"Sam Rivera", email, "", compose.ReasonNoEmail},
				{"Sam Rivera", sms, "+14165550199", compose.ReasonNoSMSConsent},
			},
		},
		{
			name:       "nil recipients are ignored",
			kind:       schematype.MessageKindReminder,
			recipients: []*link.Recipient{nil, jamie(allOn), nil},
			prefs:      consented(methodEmail),
			want:       []row{{"Jamie Rivera", email, jamieEmail, ""}},
		},
		{
			name:  "no recipients",
			kind:  schematype.MessageKindReminder,
			prefs: consented(methodBoth),
			want:  []row{},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, rows(t, compose.Plan(tc.kind, tc.recipients, tc.prefs)))
		})
	}
}

// TestPlanFollowsKindFlag gives each recipient exactly one flag and checks
// each kind reaches only the recipient with its flag.
func TestPlanFollowsKindFlag(t *testing.T) {
	t.Parallel()
	recipients := []*link.Recipient{
		client("Reminders Only", "r@example.com", "", flags{reminders: true}),
		contact("Confirmations Only", "c@example.com", "", flags{confirmations: true}),
		contact("Scheduled Only", "s@example.com", "", flags{scheduled: true}),
	}
	want := map[schematype.MessageKind][]string{
		schematype.MessageKindReminder:         {"Reminders Only"},
		schematype.MessageKindConfirmation:     {"Confirmations Only"},
		schematype.MessageKindReschedule:       {"Confirmations Only"},
		schematype.MessageKindCancellation:     {"Confirmations Only"},
		schematype.MessageKindMissed:           {"Confirmations Only"},
		schematype.MessageKindScheduled:        {"Scheduled Only"},
		schematype.MessageKindPortalInvitation: {"Reminders Only", "Confirmations Only", "Scheduled Only"},
		schematype.MessageKindSignInCode:       {"Reminders Only", "Confirmations Only", "Scheduled Only"},
		schematype.MessageKindPortalMessage:    {"Reminders Only", "Confirmations Only", "Scheduled Only"},
		schematype.MessageKindFormRequest:      {"Reminders Only", "Confirmations Only", "Scheduled Only"},
		schematype.MessageKindFormReminder:     {"Reminders Only", "Confirmations Only", "Scheduled Only"},
	}
	require.Len(t, want, len(schematype.MessageKinds), "every kind is covered")
	for _, kind := range schematype.MessageKinds {
		var got []string
		for _, d := range compose.Plan(kind, recipients, consented(methodEmail)) {
			require.False(t, d.Skipped, "%s: %v", kind, d)
			got = append(got, d.Recipient.Name)
		}
		require.Equal(t, want[kind], got, kind)
	}
}

func TestPlanPassesAddressesToChecks(t *testing.T) {
	t.Parallel()
	var phones, emails []string
	prefs := compose.Preferences{
		Method: methodBoth, EmailConsent: true, SMSConsent: true,
		PhoneOptedOut:      func(n string) bool { phones = append(phones, n); return false },
		EmailUndeliverable: func(e string) bool { emails = append(emails, e); return false },
	}
	compose.Plan(schematype.MessageKindReminder, []*link.Recipient{
		client("Jamie Rivera", " jamie@example.com ", " +1 416 555 0100 ", allOn),
	}, prefs)
	require.Equal(t, []string{"+14165550100"}, phones)
	require.Equal(t, []string{"jamie@example.com"}, emails)
}

func TestDelivery(t *testing.T) {
	t.Parallel()
	alex := contact("Alex Rivera", "alex@example.com", "", allOn)
	kid := client("Kid Rivera", "alex@example.com", "", allOn)
	ds := compose.Plan(schematype.MessageKindReminder, []*link.Recipient{alex, kid}, consented(methodBoth))
	require.Len(t, ds, 4)

	require.Equal(t, "Alex Rivera (CONTACT) EMAIL alex@example.com", ds[0].String())
	require.Equal(t, "Alex Rivera (CONTACT) SMS skipped: no mobile number", ds[1].String())
	require.Equal(t, "Kid Rivera (CLIENT) EMAIL alex@example.com skipped: same address as Alex Rivera", ds[2].String())
	require.Equal(t, "<nil recipient> SMS", compose.Delivery{Channel: sms}.String())

	require.False(t, ds[0].IsDuplicate())
	require.False(t, ds[1].IsDuplicate())
	require.True(t, ds[2].IsDuplicate())
	require.Equal(t, compose.ReasonSameAddress(alex), ds[2].Reason)

	// Names fall back so a reason never reads "same address as ".
	require.Equal(t, "same address as Sam", compose.ReasonSameAddress(&link.Recipient{Kind: link.RecipientContact, FirstName: "Sam"}))
	require.Equal(t, "same address as the client", compose.ReasonSameAddress(&link.Recipient{Kind: link.RecipientClient}))
	require.Equal(t, "same address as a contact", compose.ReasonSameAddress(&link.Recipient{Kind: link.RecipientContact}))
}
