package notifier_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/notifier/provider"
)

const (
	sendFormFrom = `mutation($c: ID!, $l: ID, $in: SendFormInput!) { sendForm(clientId: $c, contactLinkId: $l, input: $in) {
		id createdAt appointment { id } } }`
	withdrawForm = `mutation($id: ID!) { withdrawForm(id: $id) { status } }`
	submitForm   = `mutation($id: ID!, $a: [FormAnswerInput!]!, $s: String) { submitPortalForm(id: $id, answers: $a, signature: $s) { status } }`
)

// formNote is a form's notification as the API shows it.
type formNote struct {
	RecipientName, Kind, Channel, Status, Address, Reason, Subject, Text, HTML string
	Form                                                                       struct{ ID string }
}

// formBundle is a started queue with its API. Portal invitations go to
// the API's Outbox, so the email sender records only the forms' emails.
type formBundle struct{ *queueBundle }

func setupForms(t *testing.T) *formBundle {
	t.Helper()
	return &formBundle{setupQueueWith(t, func(c *notifier.Config) {
		c.NoQuietHours = true
		c.Links.PortalURL = kithtest.PublicURL
	})}
}

// bookFor books an appointment of client tomorrow, with a practitioner of
// its own, and returns its ID.
func (b *formBundle) bookFor(t *testing.T, client string) string {
	t.Helper()
	var dr struct{ CreateStaff struct{ ID string } }
	b.api.OK(b.token, `mutation($e: String!){ createStaff(input: {name: "Dr Lee", email: $e, role: PRACTITIONER}) { id } }`,
		map[string]any{"e": strings.ToLower(client) + "@dr.example"}, &dr)
	at := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second)
	var a struct{ CreateAppointment struct{ ID string } }
	b.api.OK(b.token, `mutation($in: CreateAppointmentInput!){ createAppointment(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"clientID": client, "practitionerID": dr.CreateStaff.ID,
		"startsAt": at.Format(time.RFC3339), "endsAt": at.Add(50 * time.Minute).Format(time.RFC3339)}}, &a)
	return a.CreateAppointment.ID
}

// formClient creates a client with an email, and its parent Pat (with an
// email, linked with portal scopes), and returns the client's and the
// link's IDs.
func (b *formBundle) formClient(t *testing.T, first string) (string, string) {
	t.Helper()
	var out struct {
		CreateClient struct {
			ID           string
			ContactLinks []struct{ ID string }
		}
	}
	b.api.OK(b.token, `mutation($in: CreateClientInput!, $cs: [ClientContactLinkInput!]) {
		createClient(input: $in, contacts: $cs) { id contactLinks { id } } }`, map[string]any{
		"in": map[string]any{"firstName": first, "lastName": "Lee", "email": strings.ToLower(first) + "@example.com"},
		"cs": []map[string]any{{"contact": map[string]any{"firstName": "Pat", "lastName": "Lee", "email": "pat." + strings.ToLower(first) + "@example.com"},
			"relationship": "PARENT", "allowDuplicate": true}},
	}, &out)
	return out.CreateClient.ID, out.CreateClient.ContactLinks[0].ID
}

// inviteClient invites client c to the portal; its status becomes INVITED.
func (b *formBundle) inviteClient(t *testing.T, c string) {
	t.Helper()
	b.api.OK(b.token, `mutation($id: ID!) { inviteClientToPortal(clientId: $id) { id } }`, map[string]any{"id": c}, nil)
}

// send sends a form with vars (c, l, in) and returns its ID.
func (b *formBundle) send(t *testing.T, vars map[string]any) string {
	t.Helper()
	var out struct{ SendForm struct{ ID string } }
	b.api.OK(b.token, sendFormFrom, vars, &out)
	return out.SendForm.ID
}

// formNotes lists the notifications of form id.
func (b *formBundle) formNotes(t *testing.T, id string) []formNote {
	t.Helper()
	var out struct {
		Notifications struct{ Edges []struct{ Node formNote } }
	}
	b.api.OK(b.token, `query($f: ID!){ notifications(first: 100, where: {formID: $f}) { edges { node {
		recipientName kind channel status address reason subject text html form { id } } } } }`, map[string]any{"f": id}, &out)
	notes := make([]formNote, len(out.Notifications.Edges))
	for i, e := range out.Notifications.Edges {
		notes[i] = e.Node
	}
	return notes
}

// consentForm is a one-question form, with a signature when signed.
func consentForm(title string, signed bool) map[string]any {
	return map[string]any{"title": title, "signatureRequested": signed, "questions": []map[string]any{
		{"id": "ok", "label": "I agree to the treatment plan", "type": "CHECKBOX", "options": []string{"I agree"}, "required": true},
	}}
}

func TestSendingAFormEmailsItsAddressee(t *testing.T) {
	t.Parallel()
	b := setupForms(t)
	client, patLink := b.formClient(t, "Sam")
	b.inviteClient(t, client)

	id := b.send(t, map[string]any{"c": client, "in": consentForm("Consent to treatment", true)})
	notes := b.formNotes(t, id)
	require.Len(t, notes, 1, "the addressee only")
	n := notes[0]
	require.Equal(t, "FORM_REQUEST", n.Kind)
	require.Equal(t, "EMAIL", n.Channel)
	require.Equal(t, "sam@example.com", n.Address)
	require.Equal(t, "Sam Lee", n.RecipientName)
	require.Equal(t, id, n.Form.ID)
	require.Equal(t, "Maple Practice has sent you a form: Consent to treatment", n.Subject)
	link := kithtest.PublicURL + "/portal/forms/" + id + "?client=" + client
	require.Contains(t, n.Text, link, "a link to the form in the portal")
	require.Contains(t, n.HTML, strings.ReplaceAll(link, "&", "&amp;"))
	require.Contains(t, n.Text, "asks for your signature", "it says a signature is asked")
	require.Eventually(t, func() bool { return len(b.email.Sent()) == 1 }, 10*time.Second, 20*time.Millisecond)
	require.Equal(t, "sam@example.com", b.email.Sent()[0].To)

	// Without a signature the wording leaves it out.
	unsigned := b.formNotes(t, b.send(t, map[string]any{"c": client, "in": consentForm("Newsletter", false)}))
	require.NotContains(t, unsigned[0].Text, "signature")

	// To a contact: the contact, with its portal access and VIEW_FORMS; without them it is skipped, with the reason.
	toPat := b.formNotes(t, b.send(t, map[string]any{"c": client, "l": patLink, "in": consentForm("Parent questionnaire", false)}))
	require.Equal(t, "SKIPPED", toPat[0].Status)
	require.Equal(t, notifier.ReasonNoFormAccess, toPat[0].Reason)
	require.Equal(t, "Pat Lee", toPat[0].RecipientName)
	b.api.OK(b.token, `mutation($id: ID!) { inviteContactToPortal(linkId: $id, scopes: [VIEW_FORMS]) { id } }`, map[string]any{"id": patLink}, nil)
	toPat = b.formNotes(t, b.send(t, map[string]any{"c": client, "l": patLink, "in": consentForm("Parent questionnaire", false)}))
	require.Equal(t, "pat.sam@example.com", toPat[0].Address)
	require.NotEqual(t, "SKIPPED", toPat[0].Status)
	require.Contains(t, toPat[0].Text, "Hi Pat,")
}

func TestFormEmailsFollowTheRulesOfEveryMessage(t *testing.T) {
	t.Parallel()
	b := setupForms(t)
	var out struct{ CreateClient struct{ ID string } }
	b.api.OK(b.token, `mutation { createClient(input: {firstName: "Kim", lastName: "Lee", email: "kim@example.com", emailConsent: false}) { id } }`, nil, &out)
	noConsent := out.CreateClient.ID
	notes := b.formNotes(t, b.send(t, map[string]any{"c": noConsent, "in": consentForm("Intake", false)}))
	require.Equal(t, "SKIPPED", notes[0].Status)
	require.Equal(t, compose.ReasonNoEmailConsent, notes[0].Reason)

	b.api.OK(b.token, `mutation { createClient(input: {firstName: "Ari", lastName: "Lee", mobilePhone: "+14165550123"}) { id } }`, nil, &out)
	notes = b.formNotes(t, b.send(t, map[string]any{"c": out.CreateClient.ID, "in": consentForm("Intake", false)}))
	require.Equal(t, "SKIPPED", notes[0].Status)
	require.Equal(t, compose.ReasonNoEmail, notes[0].Reason)

	client, _ := b.formClient(t, "Uninvited")
	notes = b.formNotes(t, b.send(t, map[string]any{"c": client, "in": consentForm("Intake", false)}))
	require.Equal(t, "SKIPPED", notes[0].Status)
	require.Equal(t, notifier.ReasonNoFormAccess, notes[0].Reason, "without portal access the link leads nowhere")
	time.Sleep(200 * time.Millisecond)
	require.Empty(t, b.email.Sent(), "nothing skipped is sent")
}

func TestFormsSentFromAnAppointment(t *testing.T) {
	t.Parallel()
	b := setupForms(t)
	client, _ := b.formClient(t, "Sam")
	other, _ := b.formClient(t, "Kim")
	appt := b.bookFor(t, client)

	var out struct {
		SendForm struct {
			ID          string
			Appointment struct{ ID string }
		}
	}
	b.api.OK(b.token, sendFormFrom, map[string]any{"c": client, "in": withAppointment(consentForm("Session notes consent", false), appt)}, &out)
	require.Equal(t, appt, out.SendForm.Appointment.ID, "the form shows its appointment")
	b.send(t, map[string]any{"c": client, "in": consentForm("Not from the appointment", false)})

	var listed struct {
		Node struct{ Forms []struct{ ID, Title string } }
	}
	b.api.OK(b.token, `query($id: ID!) { node(id: $id) { ... on Appointment { forms { id title } } } }`, map[string]any{"id": appt}, &listed)
	require.Len(t, listed.Node.Forms, 1, "Appointment.forms lists the forms sent from it")
	require.Equal(t, out.SendForm.ID, listed.Node.Forms[0].ID)

	// Another client's appointment: refused, nothing written.
	e := b.api.Fail(b.token, sendFormFrom, map[string]any{"c": other, "in": withAppointment(consentForm("Wrong", false), appt)})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "appointmentId", e.Field())
	require.Equal(t, "the form can be sent only from an appointment of the same client", e.Message)
	var forms struct {
		Node struct{ Forms []struct{ ID string } }
	}
	b.api.OK(b.token, `query($id: ID!) { node(id: $id) { ... on Client { forms { id } } } }`, map[string]any{"id": other}, &forms)
	require.Empty(t, forms.Node.Forms)

	// Another organisation's appointment reads as missing.
	stranger := kithtest.NewPractice(t, b.db, "stranger")
	var sc struct{ CreateClient struct{ ID string } }
	b.api.OK(stranger.Token, `mutation { createClient(input: {firstName: "Zed", lastName: "Out", email: "zed@example.com"}) { id } }`, nil, &sc)
	e = b.api.Fail(stranger.Token, sendFormFrom, map[string]any{"c": sc.CreateClient.ID, "in": withAppointment(consentForm("Theirs", false), appt)})
	require.Equal(t, "NOT_FOUND", e.Code())
	require.Equal(t, "appointmentId", e.Field())
}

// withAppointment is form with appointmentId set.
func withAppointment(form map[string]any, appointment string) map[string]any {
	form["appointmentId"] = appointment
	return form
}

func TestAnUnsubmittedFormIsRemindedOnce(t *testing.T) {
	t.Parallel()
	b := setupForms(t)
	ctx := context.Background()
	client, _ := b.formClient(t, "Sam")
	b.inviteClient(t, client)

	var sent struct{ SendForm struct{ ID string } }
	b.api.OK(b.token, sendFormFrom, map[string]any{"c": client, "in": consentForm("Consent", true)}, &sent)
	form := sent.SendForm.ID
	submitted := b.send(t, map[string]any{"c": client, "in": consentForm("Submitted in time", false)})
	withdrawn := b.send(t, map[string]any{"c": client, "in": consentForm("Sent by mistake", false)})

	jobs, err := b.queue.FormReminderJobs(ctx)
	require.NoError(t, err)
	require.Len(t, jobs, 3, "one reminder per form")
	var sentAt struct {
		Node struct{ CreatedAt time.Time }
	}
	b.api.OK(b.token, `query($id: ID!) { node(id: $id) { ... on Form { createdAt } } }`, map[string]any{"id": form}, &sentAt)
	for _, j := range jobs {
		if string(j.Args.FormID) == form {
			require.Equal(t, sentAt.Node.CreatedAt.Add(72*time.Hour).UTC().Truncate(time.Second), j.ScheduledAt.UTC().Truncate(time.Second),
				"the default delay is 72 hours after sending")
			require.Equal(t, "scheduled", j.State)
		}
	}

	// The client submits one form in time, through the portal.
	session := b.claimAs(t, "sam@example.com")
	b.api.Acting(client).OK(session, submitForm, map[string]any{"id": submitted, "a": []map[string]any{{"questionId": "ok", "values": []string{"I agree"}}}}, nil)

	// The three requests went (a request still waiting when its form is
	// withdrawn would be cancelled: TestWithdrawingAFormCancelsItsWaitingEmail).
	require.Eventually(t, func() bool { return countTo(b.email.Sent(), "sam@example.com") == 3 }, 10*time.Second, 20*time.Millisecond)

	// Staff withdraw one: it can no longer be filled in, nor withdrawn again.
	var w struct{ WithdrawForm struct{ Status string } }
	b.api.OK(b.token, withdrawForm, map[string]any{"id": withdrawn}, &w)
	require.Equal(t, "WITHDRAWN", w.WithdrawForm.Status)
	e := b.api.Fail(b.token, withdrawForm, map[string]any{"id": withdrawn})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "this form was already withdrawn", e.Message)
	e = b.api.Acting(client).Fail(session, submitForm, map[string]any{"id": withdrawn, "a": []map[string]any{{"questionId": "ok", "values": []string{"I agree"}}}})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "this form was withdrawn; it can no longer be filled in", e.Message)
	e = b.api.Fail(b.token, withdrawForm, map[string]any{"id": submitted})
	require.Equal(t, "this form was already submitted; it can no longer be withdrawn", e.Message)

	// All fall due; run each twice, as a second process or a retry would.
	for range 2 {
		for _, j := range jobs {
			require.NoError(t, b.queue.RunNow(ctx, j.ID))
		}
		require.Eventually(t, func() bool {
			js, err := b.queue.FormReminderJobs(ctx)
			require.NoError(t, err)
			for _, j := range js {
				if j.State != "completed" {
					return false
				}
			}
			return true
		}, 10*time.Second, 20*time.Millisecond)
	}
	var reminders []formNote
	for _, n := range b.formNotes(t, form) {
		if n.Kind == "FORM_REMINDER" {
			reminders = append(reminders, n)
		}
	}
	require.Len(t, reminders, 1, "reminded once, however often the job runs")
	require.Equal(t, "Reminder: the form Consent is waiting for you", reminders[0].Subject)
	require.Contains(t, reminders[0].Text, "asks for your signature")
	for _, n := range b.formNotes(t, submitted) {
		require.NotEqual(t, "FORM_REMINDER", n.Kind, "a submitted form sends none")
	}
	for _, n := range b.formNotes(t, withdrawn) {
		require.NotEqual(t, "FORM_REMINDER", n.Kind, "a withdrawn form sends none")
	}
	var reminded struct {
		Node struct{ ReminderSentAt *time.Time }
	}
	b.api.OK(b.token, `query($id: ID!) { node(id: $id) { ... on Form { reminderSentAt } } }`, map[string]any{"id": form}, &reminded)
	require.NotNil(t, reminded.Node.ReminderSentAt)
	require.Eventually(t, func() bool { return countTo(b.email.Sent(), "sam@example.com") == 4 }, 10*time.Second, 20*time.Millisecond,
		"three requests and one reminder")

	// 0 turns reminders off: no job for a new form.
	b.api.OK(b.token, `mutation { updateOrganization(input: {formReminderDelayHours: 0}) { id } }`, nil, nil)
	b.send(t, map[string]any{"c": client, "in": consentForm("No reminder", false)})
	jobs, err = b.queue.FormReminderJobs(ctx)
	require.NoError(t, err)
	require.Len(t, jobs, 3)
	e = b.api.Fail(b.token, `mutation { updateOrganization(input: {formReminderDelayHours: 721}) { id } }`, nil)
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "formReminderDelayHours", e.Field())
}

// claimAs claims the last invitation the portal API emailed to address and
// returns the session.
func (b *formBundle) claimAs(t *testing.T, address string) string {
	t.Helper()
	_, tok, ok := strings.Cut(b.api.Outbox.Last(t, address).Link, "token=")
	require.True(t, ok)
	var out struct{ ClaimPortalInvitation struct{ Token string } }
	b.api.OK("", `mutation($t: String!) { claimPortalInvitation(token: $t) { token } }`, map[string]any{"t": tok}, &out)
	return out.ClaimPortalInvitation.Token
}

// countTo counts the messages sent to address.
func countTo(sent []provider.Outgoing, address string) int {
	n := 0
	for _, m := range sent {
		if m.To == address {
			n++
		}
	}
	return n
}

func TestTheFormRequestIsEditableLikeEveryTemplate(t *testing.T) {
	t.Parallel()
	b := setupForms(t)
	client, _ := b.formClient(t, "Sam")
	b.inviteClient(t, client)
	b.api.OK(b.token, saveTemplate, map[string]any{"in": map[string]any{"kind": "FORM_REQUEST", "channel": "EMAIL", "language": "en",
		"subject": "Please fill in [FormTitle]",
		"text":    "Dear [RecipientFirstName], [FormTitle] (sent [FormSentDate]) waits for you.[IfSignature] Sign it, please.[EndIf] [PortalLink]",
		"html":    `<p>Dear [RecipientFirstName], <a href="[PortalLink]">[FormTitle]</a>[IfSignature] Sign it, please.[EndIf]</p>`}}, nil)

	signed := b.formNotes(t, b.send(t, map[string]any{"c": client, "in": consentForm("Consent", true)}))[0]
	require.Equal(t, "Please fill in Consent", signed.Subject)
	require.Contains(t, signed.Text, "Dear Sam, Consent (sent ")
	require.Contains(t, signed.Text, "waits for you. Sign it, please. https://kith.example/portal/forms/")
	unsigned := b.formNotes(t, b.send(t, map[string]any{"c": client, "in": consentForm("Survey", false)}))[0]
	require.Contains(t, unsigned.Text, "waits for you. https://kith.example/portal/forms/", "the section shows only when a signature is asked")
	require.NotContains(t, unsigned.HTML, "Sign it")

	e := b.api.Fail(b.token, saveTemplate, map[string]any{"in": map[string]any{"kind": "FORM_REQUEST", "channel": "EMAIL", "language": "en",
		"subject": "x", "text": "[Ifsignature]x[EndIf]", "html": "<p>x</p>"}})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Contains(t, e.Message, "did you mean [IfSignature]?")
}

func TestWithdrawingAFormCancelsItsWaitingEmail(t *testing.T) {
	t.Parallel()
	db := kithtest.DB(t, nil) // its queue is attached, not started: emails wait
	p := kithtest.NewPractice(t, db, "maple")
	api := kithtest.NewAPI(t, db)
	var c struct{ CreateClient struct{ ID string } }
	api.OK(p.Token, `mutation { createClient(input: {firstName: "Sam", lastName: "Lee", email: "sam@example.com"}) { id } }`, nil, &c)
	client := c.CreateClient.ID
	api.OK(p.Token, `mutation($id: ID!) { inviteClientToPortal(clientId: $id) { id } }`, map[string]any{"id": client}, nil)
	var sent struct{ SendForm struct{ ID string } }
	api.OK(p.Token, sendFormFrom, map[string]any{"c": client, "in": consentForm("Sent by mistake", false)}, &sent)

	notes := func() []formNote {
		var out struct {
			Notifications struct{ Edges []struct{ Node formNote } }
		}
		api.OK(p.Token, `query($f: ID!) { notifications(where: {formID: $f}) { edges { node { kind status reason } } } }`,
			map[string]any{"f": sent.SendForm.ID}, &out)
		var ns []formNote
		for _, e := range out.Notifications.Edges {
			ns = append(ns, e.Node)
		}
		return ns
	}
	require.Equal(t, []formNote{{Kind: "FORM_REQUEST", Status: "QUEUED"}}, notes())

	api.OK(p.Token, withdrawForm, map[string]any{"id": sent.SendForm.ID}, nil)
	require.Equal(t, []formNote{{Kind: "FORM_REQUEST", Status: "CANCELLED", Reason: "the form was withdrawn"}}, notes(),
		"an email still waiting does not ask for a form that can no longer be filled in")
}
