package notifier_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/notifier/notifiertest"
	"github.com/kith-health/kith/schematype"
)

const room = "https://meet.example/r/nina-01?pwd=a&b=1"

// TestTelehealthLinksReachContacts: the default confirmation, reminder and
// reschedule notices carry the telehealth link to the client and its
// contacts, by SMS and by email (text and HTML, escaped), and say where to
// go for an in-person appointment; previewMessage shows the same.
func TestTelehealthLinksReachContacts(t *testing.T) {
	t.Parallel()
	env := notifiertest.New(t)
	p := env.Practice(t, "maple")
	client := env.Client(t, p, map[string]any{"firstName": "Nina", "lastName": "Park", "email": "nina@example.com",
		"mobilePhone": "+14165550100", "smsConsent": true, "preferredContactMethod": "BOTH",
		"notifyConfirmations": true, "notifyReminders": true},
		map[string]any{"contact": map[string]any{"firstName": "Kim", "lastName": "Park", "email": "kim@example.com", "phone": "+14165550101"},
			"relationship": "PARENT", "notifyConfirmations": true, "notifyReminders": true, "allowDuplicate": true})
	practitioner := env.Practitioner(t, p, client)
	book := func(in time.Duration, extra map[string]any) string {
		at := time.Now().Add(in).UTC().Truncate(time.Minute)
		input := map[string]any{"clientID": client, "practitionerID": string(practitioner),
			"startsAt": at.Format(time.RFC3339), "endsAt": at.Add(50 * time.Minute).Format(time.RFC3339)}
		for k, v := range extra {
			input[k] = v
		}
		var out struct{ CreateAppointment struct{ ID string } }
		env.API.OK(p.Token, `mutation($in: CreateAppointmentInput!){ createAppointment(input: $in) { id } }`, map[string]any{"in": input}, &out)
		return out.CreateAppointment.ID
	}
	video := book(72*time.Hour, map[string]any{"telehealthURL": room})
	office := book(96*time.Hour, map[string]any{"location": "12 Elm St, Suite <2>"})

	check := func(id string, kind schematype.MessageKind, want, never string) {
		t.Helper()
		n := 0
		for _, ch := range schematype.Channels {
			for _, note := range env.Notifications(t, id, ch) {
				if note.Kind != kind {
					continue
				}
				n++
				require.Contains(t, note.Text, want, "%s %s to %s", kind, ch, note.RecipientName)
				require.NotContains(t, note.Text+note.HTML, never)
				require.NotContains(t, note.Text+note.HTML, "[If")
				if ch == schematype.ChannelEmail {
					require.Contains(t, note.HTML, strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(want), "%s HTML", kind)
				}
			}
		}
		require.Equal(t, 4, n, "%s: the client and its contact, by SMS and email", kind)
	}
	check(video, schematype.MessageKindConfirmation, room, "12 Elm St")
	check(office, schematype.MessageKindConfirmation, "12 Elm St, Suite <2>", "meet.example")
	for _, ch := range schematype.Channels {
		for _, note := range env.Notifications(t, video, ch) {
			if ch == schematype.ChannelEmail {
				require.Contains(t, note.HTML, `href="https://meet.example/r/nina-01?pwd=a&amp;b=1"`)
			}
		}
	}

	at := time.Now().Add(120 * time.Hour).UTC().Truncate(time.Minute)
	env.API.OK(p.Token, `mutation($id: ID!, $s: Time!, $e: Time!){ rescheduleAppointment(id: $id, startsAt: $s, endsAt: $e) { id } }`,
		map[string]any{"id": video, "s": at.Format(time.RFC3339), "e": at.Add(50 * time.Minute).Format(time.RFC3339)}, nil)
	check(video, schematype.MessageKindReschedule, room, "12 Elm St")

	var recipients struct {
		Node struct {
			Recipients []struct{ Contact *struct{ ID string } }
		}
	}
	env.API.OK(p.Token, `query($id: ID!){ node(id: $id) { ... on Client { recipients { contact { id } } } } }`,
		map[string]any{"id": client}, &recipients)
	kim := recipients.Node.Recipients[1].Contact.ID
	type preview struct{ HTML, Text, SkippedReason *string }
	previewOf := func(id string, channel schematype.Channel) preview {
		var out struct{ PreviewMessage preview }
		env.API.OK(p.Token, `query($a: ID!, $c: ID, $ch: Channel!){ previewMessage(appointmentID: $a, contactID: $c, kind: REMINDER, channel: $ch){ html text skippedReason } }`,
			map[string]any{"a": id, "c": kim, "ch": channel}, &out)
		return out.PreviewMessage
	}
	pv := previewOf(video, schematype.ChannelEmail)
	require.Nil(t, pv.SkippedReason)
	require.Contains(t, *pv.Text, "Join the video session: "+room)
	require.Contains(t, *pv.HTML, `href="https://meet.example/r/nina-01?pwd=a&amp;b=1"`)
	pv = previewOf(video, schematype.ChannelSMS)
	require.Contains(t, *pv.Text, "Join by video: "+room)
	pv = previewOf(office, schematype.ChannelEmail)
	require.Contains(t, *pv.Text, "Location: 12 Elm St, Suite <2>")
	require.Contains(t, *pv.HTML, "Location: 12 Elm St, Suite &lt;2&gt;")
	require.NotContains(t, *pv.HTML+*pv.Text, "meet.example")
	pv = previewOf(office, schematype.ChannelSMS)
	require.Contains(t, *pv.Text, "Location: 12 Elm St, Suite <2>")

	// The practice's own wording may use the sections too.
	env.API.OK(p.Token, saveTemplate, map[string]any{"in": map[string]any{"kind": "REMINDER", "channel": "SMS", "language": "en",
		"text": "See you [AppointmentDate].[IfTelehealth] Video: [TelehealthLink][EndIf][IfInPerson] Come to [AppointmentLocation].[EndIf]"}}, nil)
	require.True(t, strings.HasSuffix(*previewOf(video, schematype.ChannelSMS).Text, ". Video: "+room))
	require.True(t, strings.HasSuffix(*previewOf(office, schematype.ChannelSMS).Text, ". Come to 12 Elm St, Suite <2>."))
}

// TestSaveTemplateRefusesBadSections: an unknown condition, a section never
// ended, an [EndIf] that ends none, a section inside another, and one that
// ends elsewhere in the HTML than it begins are refused when saved, on the
// part at fault, with a sentence; nothing is written.
func TestSaveTemplateRefusesBadSections(t *testing.T) {
	t.Parallel()
	env := notifiertest.New(t)
	p := env.Practice(t, "maple")
	ok := map[string]string{"subject": "Reminder", "text": "Hi [RecipientFirstName]", "html": "<p>Hi</p>"}
	tests := []struct{ field, value, says string }{
		{"text", "Hi [IfOnline]join[EndIf]", "unknown condition [IfOnline]"},
		{"text", "Hi [IfTelehealth]join [TelehealthLink]", "the [IfTelehealth] section begun on line 1 is never ended"},
		{"subject", "Reminder [EndIf]", "[EndIf] on line 1 ends no section"},
		{"html", "<p>[IfTelehealth]a</p>\n[IfInPerson]b[EndIf][EndIf]", "sections cannot be nested"},
		{"html", `<a href="[IfTelehealth][TelehealthLink]">join</a>[EndIf]`, "the [IfTelehealth] section on line 1 does not end where it begins"},
	}
	for _, tt := range tests {
		in := map[string]any{"kind": "REMINDER", "channel": "EMAIL", "language": "en"}
		for k, v := range ok {
			in[k] = v
		}
		in[tt.field] = tt.value
		err := env.API.Fail(p.Token, saveTemplate, map[string]any{"in": in})
		require.Equal(t, "BAD_USER_INPUT", err.Code(), tt.value)
		require.Equal(t, tt.field, err.Field(), tt.value)
		require.Contains(t, err.Message, tt.says, tt.value)
		require.NotContains(t, err.Message, "{{", tt.value)
	}
	var list struct{ MessageTemplates []struct{ ID string } }
	env.API.OK(p.Token, `{ messageTemplates { id } }`, nil, &list)
	require.Empty(t, list.MessageTemplates, "nothing is written")
}
