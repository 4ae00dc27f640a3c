package notifier_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/notifier/notifiertest"
	"github.com/kith-health/kith/schematype"
)

const saveTemplate = `mutation($in: SaveMessageTemplateInput!){ saveMessageTemplate(input: $in){ id } }`

// TestSaveTemplateRefusesUnsafeHTML: an HTML body html/template cannot
// escape, or with a placeholder in a script or style sheet, is refused when
// saved, on the html field, with a sentence; nothing is written.
func TestSaveTemplateRefusesUnsafeHTML(t *testing.T) {
	t.Parallel()
	env := notifiertest.New(t)
	p := env.Practice(t, "maple")
	email := func(html string) map[string]any {
		return map[string]any{"in": map[string]any{"kind": "REMINDER", "channel": "EMAIL", "language": "en",
			"subject": "Reminder", "text": "Hi [RecipientFirstName]", "html": html}}
	}
	tests := []struct{ name, html, says string }{
		{"placeholder in a script", "<p>Hi</p>\n<script>var who = \"[RecipientFirstName]\";</script>", "[RecipientFirstName] on line 2 is inside a script"},
		{"placeholder in an event attribute", `<a onclick="location='[PortalLink]'">open</a>`, "[PortalLink] on line 1 is inside a script"},
		{"placeholder in a style attribute", `<p style="color:[ClientName]">x</p>`, "[ClientName] on line 1 is inside a style sheet"},
		{"unclosed attribute", `<a href="[TelehealthLink]>join</a>`, "the HTML is incomplete"},
		{"unclosed tag", `<p>Hi [RecipientFirstName]</p><img src="x.png"`, "the HTML is incomplete"},
		{"quote in an unquoted attribute", `<p class=a"b>Hi [RecipientFirstName]</p>`, "the HTML is malformed"},
	}
	for _, tt := range tests {
		err := env.API.Fail(p.Token, saveTemplate, email(tt.html))
		require.Equal(t, "BAD_USER_INPUT", err.Code(), tt.name)
		require.Equal(t, "html", err.Field(), tt.name)
		require.Contains(t, err.Message, tt.says, tt.name)
		require.NotContains(t, err.Message, "html/template", tt.name)
	}
	var list struct{ MessageTemplates []struct{ ID string } }
	env.API.OK(p.Token, `{ messageTemplates { id } }`, nil, &list)
	require.Empty(t, list.MessageTemplates, "nothing is written")

	env.API.OK(p.Token, saveTemplate, email(`<p title="{{.Secret}}">{{ [RecipientFirstName] }}</p><a href="[PortalLink]">portal</a>`), nil)
}

// TestTelehealthLinkIsNeverJavascript: an appointment whose telehealth URL
// is javascript:alert(1) (written below the validators, as data stored
// before them would be) yields notices and previews without it, in HTML
// and in text.
func TestTelehealthLinkIsNeverJavascript(t *testing.T) {
	t.Parallel()
	env := notifiertest.New(t)
	p := env.Practice(t, "maple")
	env.API.OK(p.Token, saveTemplate, map[string]any{"in": map[string]any{"kind": "RESCHEDULE", "channel": "EMAIL", "language": "en",
		"subject": "Moved", "text": "Join: [TelehealthLink]",
		"html": `<p>Hi [RecipientFirstName], <a href="[TelehealthLink]">join</a> or open [TelehealthLink]</p><img src="[TelehealthLink]" alt="">`}}, nil)
	client := env.Client(t, p, map[string]any{"firstName": "Sam", "lastName": "Lee", "email": "sam@example.com", "notifyConfirmations": true})
	id := env.Book(t, p, client, 72*time.Hour)
	_, err := env.DB.SQL.Exec(fmt.Sprintf(`UPDATE appointments SET telehealth_url = 'javascript:alert(1)' WHERE id = '%s'`, id))
	require.NoError(t, err)
	require.Equal(t, "javascript:alert(1)", env.Appointment(t, id).TelehealthURL)

	var preview struct{ PreviewMessage struct{ HTML, Text string } }
	env.API.OK(p.Token, `query($a: ID!){ previewMessage(appointmentID: $a, kind: RESCHEDULE, channel: EMAIL){ html text } }`,
		map[string]any{"a": id}, &preview)
	require.Contains(t, preview.PreviewMessage.HTML, "Hi Sam")
	require.NotContains(t, strings.ToLower(preview.PreviewMessage.HTML+preview.PreviewMessage.Text), "javascript:")

	at := time.Now().Add(96 * time.Hour).UTC().Truncate(time.Minute)
	env.API.OK(p.Token, `mutation($id: ID!, $s: Time!, $e: Time!){ rescheduleAppointment(id: $id, startsAt: $s, endsAt: $e) { id } }`,
		map[string]any{"id": id, "s": at.Format(time.RFC3339), "e": at.Add(50 * time.Minute).Format(time.RFC3339)}, nil)
	var moved []string
	for _, n := range env.Notifications(t, id, schematype.ChannelEmail) {
		if n.Kind != schematype.MessageKindReschedule {
			continue
		}
		require.Equal(t, notification.StatusQueued, n.Status)
		moved = append(moved, n.HTML)
		require.Contains(t, n.HTML, "Hi Sam")
		require.NotContains(t, strings.ToLower(n.HTML+n.Text), "javascript:", "the link renders empty")
		require.Contains(t, n.HTML, `<a href="">join</a>`)
		require.Equal(t, "Join: ", n.Text)
	}
	require.Len(t, moved, 1)
}

// TestLinksFollowThePortalScheme: links are https, or http when the portal
// itself is served over http (local development).
func TestLinksFollowThePortalScheme(t *testing.T) {
	t.Parallel()
	start := time.Date(2031, 3, 11, 15, 0, 0, 0, time.UTC)
	occasion := func(telehealth string) compose.Occasion {
		return compose.Occasion{Org: &ent.Organization{Name: "Maple"}, Appointment: &ent.Appointment{
			ID: "ap1", StartsAt: start, EndsAt: start.Add(time.Hour), TelehealthURL: telehealth}}
	}
	local := compose.Links{PortalURL: "http://127.0.0.1:8080/"}
	v := occasion("http://meet.example/room").Values("en", local)
	require.Equal(t, "http://127.0.0.1:8080/appointments/ap1", v["ManageAppointmentLink"])
	require.Equal(t, "http://127.0.0.1:8080/", v["PortalLink"])
	require.Equal(t, "http://meet.example/room", v["TelehealthLink"])

	public := compose.Links{PortalURL: "https://kith.example"}
	v = occasion("http://meet.example/room").Values("en", public)
	require.Equal(t, "https://kith.example/appointments/ap1", v["ManageAppointmentLink"])
	require.Empty(t, v["TelehealthLink"], "http only when the portal is")
	for _, bad := range []string{"javascript:alert(1)", " JAVASCRIPT:alert(1)", "data:text/html,x", "/relative", "meet.example/room"} {
		require.Empty(t, occasion(bad).Values("en", local)["TelehealthLink"], bad)
	}
	require.Equal(t, "https://meet.example/r?pwd=1", occasion("https://meet.example/r?pwd=1").Values("fr", public)["TelehealthLink"])
}
