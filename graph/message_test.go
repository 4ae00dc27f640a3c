package graph_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const saveTemplate = `mutation($in: SaveMessageTemplateInput!){ saveMessageTemplate(input: $in){ id kind channel language text } }`

func TestMessageTemplates(t *testing.T) {
	t.Parallel()
	b := setup(t)

	err := b.api.Fail(b.token, saveTemplate, map[string]any{"in": map[string]any{
		"kind": "REMINDER", "channel": "SMS", "language": "en", "text": "Hi [FirstName], see you [AppointmentDate]"}})
	require.Equal(t, "BAD_USER_INPUT", err.Code())
	require.Equal(t, "text", err.Field())
	require.Contains(t, err.Message, "[FirstName]", "names the unknown placeholder")
	require.Contains(t, err.Message, "[RecipientFirstName]", "and lists the valid ones")
	require.Zero(t, b.count(t, "message_templates"))

	err = b.api.Fail(b.token, saveTemplate, map[string]any{"in": map[string]any{
		"kind": "REMINDER", "channel": "EMAIL", "language": "en", "subject": "Reminder for [ClientNam]", "text": "Hi"}})
	require.Equal(t, "subject", err.Field())

	var saved struct{ SaveMessageTemplate struct{ ID, Language string } }
	in := map[string]any{"kind": "REMINDER", "channel": "SMS", "language": "fr-ca", "text": "Bonjour [RecipientFirstName], rendez-vous [AppointmentDate] a [AppointmentTime]."}
	b.api.OK(b.token, saveTemplate, map[string]any{"in": in}, &saved)
	require.Equal(t, "fr-CA", saved.SaveMessageTemplate.Language)
	in["text"] = "Bonjour [RecipientFirstName] !"
	var again struct{ SaveMessageTemplate struct{ ID string } }
	b.api.OK(b.token, saveTemplate, map[string]any{"in": in}, &again)
	require.Equal(t, saved.SaveMessageTemplate.ID, again.SaveMessageTemplate.ID, "saving replaces the template of the same kind, channel and language")
	require.Equal(t, 1, b.count(t, "message_templates"))

	effective := `query($l: String){ effectiveMessageTemplate(kind: REMINDER, channel: SMS, language: $l){ language text isDefault } }`
	var eff struct {
		EffectiveMessageTemplate struct {
			Language, Text string
			IsDefault      bool
		}
	}
	b.api.OK(b.token, effective, map[string]any{"l": "fr-CA"}, &eff)
	require.False(t, eff.EffectiveMessageTemplate.IsDefault)
	require.Equal(t, "Bonjour [RecipientFirstName] !", eff.EffectiveMessageTemplate.Text)
	b.api.OK(b.token, effective, map[string]any{"l": "de"}, &eff)
	require.True(t, eff.EffectiveMessageTemplate.IsDefault, "no German template: the organisation's language, English, by default")
	require.Equal(t, "en", eff.EffectiveMessageTemplate.Language)

	var placeholders struct{ MessagePlaceholders []struct{ Name string } }
	b.api.OK(b.token, `{ messagePlaceholders { name description } }`, nil, &placeholders)
	require.Contains(t, placeholders.MessagePlaceholders, struct{ Name string }{"RecipientFirstName"})

	var list struct{ MessageTemplates []struct{ ID string } }
	b.api.OK(b.token, `{ messageTemplates { id } }`, nil, &list)
	require.Len(t, list.MessageTemplates, 1)
	b.api.OK(b.token, `mutation($id: ID!){ deleteMessageTemplate(id: $id) }`, map[string]any{"id": saved.SaveMessageTemplate.ID}, nil)
	require.Zero(t, b.count(t, "message_templates"))
}

func TestPreviewMessage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.createClient(t,
		map[string]any{"firstName": "Samuel", "preferredName": "Sam", "lastName": "<b>Lee</b>", "notifyReminders": false, "preferredContactMethod": "BOTH"},
		[]map[string]any{{"contact": map[string]any{"firstName": "Alex", "lastName": "Lee", "email": "alex@example.com", "phone": "+14165550101"},
			"relationship": "PARENT", "notifyReminders": true}})
	start := time.Date(2031, 3, 11, 19, 30, 0, 0, time.UTC) // 15:30 in Toronto
	var appt struct{ CreateAppointment struct{ ID string } }
	b.api.OK(b.token, createAppointment, map[string]any{"in": map[string]any{"clientID": c.ID, "practitionerID": string(b.p.Owner.ID),
		"startsAt": start.Format(time.RFC3339), "endsAt": start.Add(50 * time.Minute).Format(time.RFC3339)}}, &appt)

	preview := `query($a: ID!, $c: ID, $ch: Channel!){ previewMessage(appointmentID: $a, contactID: $c, kind: REMINDER, channel: $ch){
		recipientName address skippedReason language subject html text sms { encoding segments characters } } }`
	type out struct {
		PreviewMessage struct {
			RecipientName, Language, Text string
			Address, SkippedReason        *string
			Subject, HTML                 *string
			SMS                           *struct {
				Encoding             string
				Segments, Characters int
			} `json:"sms"`
		}
	}
	var email out
	b.api.OK(b.token, preview, map[string]any{"a": appt.CreateAppointment.ID, "c": c.ContactLinks[0].Contact.ID, "ch": "EMAIL"}, &email)
	p := email.PreviewMessage
	require.Equal(t, "Alex Lee", p.RecipientName)
	require.Equal(t, "alex@example.com", *p.Address)
	require.Nil(t, p.SkippedReason, "the parent gets reminders")
	require.Contains(t, p.Text, "Alex")
	require.Contains(t, p.Text, "March 11, 2031", "the date in the client's time zone")
	require.Contains(t, p.Text, "3:30 PM")
	require.Contains(t, *p.HTML, "&lt;b&gt;Lee&lt;/b&gt;", "values are escaped in HTML email")
	require.NotContains(t, *p.HTML, "<b>Lee</b>")
	require.Nil(t, p.SMS)

	var sms out
	b.api.OK(b.token, preview, map[string]any{"a": appt.CreateAppointment.ID, "c": c.ContactLinks[0].Contact.ID, "ch": "SMS"}, &sms)
	require.Equal(t, "+14165550101", *sms.PreviewMessage.Address)
	require.NotNil(t, sms.PreviewMessage.SkippedReason, "the client has not consented to SMS")
	require.Equal(t, "GSM-7", sms.PreviewMessage.SMS.Encoding)
	require.GreaterOrEqual(t, sms.PreviewMessage.SMS.Segments, 1)

	var self out
	b.api.OK(b.token, preview, map[string]any{"a": appt.CreateAppointment.ID, "ch": "EMAIL"}, &self)
	require.Equal(t, "Sam <b>Lee</b>", self.PreviewMessage.RecipientName)
	require.NotNil(t, self.PreviewMessage.SkippedReason, "the client turned its own reminders off")

	e := b.api.Fail(b.token, preview, map[string]any{"a": appt.CreateAppointment.ID, "c": "co01JD7Y6Q5W0G8V3A9N2B4C6D8E", "ch": "EMAIL"})
	require.Equal(t, "NOT_FOUND", e.Code())
	require.Equal(t, "contactID", e.Field())

	other := kithtestPractice(t, b, "other")
	e = b.api.Fail(other, preview, map[string]any{"a": appt.CreateAppointment.ID, "ch": "EMAIL"})
	require.Equal(t, "NOT_FOUND", e.Code(), "another organisation's appointment does not exist")
	require.Equal(t, "appointmentID", e.Field())
}

func TestOnlyAdminsChangeTemplates(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.api.OK(b.token, `mutation { createStaff(input: {name: "Desk", email: "desk@maple.example", role: FRONT_DESK}, password: "a long enough password") { id } }`, nil, nil)
	var in struct{ SignIn struct{ Token string } }
	b.api.OK("", `mutation { signIn(input: {organization: "maple", email: "desk@maple.example", password: "a long enough password"}) { token } }`, nil, &in)
	e := b.api.Fail(in.SignIn.Token, saveTemplate, map[string]any{"in": map[string]any{"kind": "REMINDER", "channel": "SMS", "language": "en", "text": "Hi"}})
	require.Equal(t, "FORBIDDEN", e.Code())
	var eff struct{ EffectiveMessageTemplate struct{ IsDefault bool } }
	b.api.OK(in.SignIn.Token, `{ effectiveMessageTemplate(kind: MISSED, channel: EMAIL){ isDefault } }`, nil, &eff)
	require.True(t, eff.EffectiveMessageTemplate.IsDefault, "front desk staff read templates")
}
