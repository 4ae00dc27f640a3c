package portal_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/form"
	"github.com/kith-health/kith/ent/privacy"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// The queries of these tests.
const (
	shareDoc = `mutation($c: ID!, $in: ShareDocumentInput!) { shareDocument(clientId: $c, input: $in) { id title url } }`
	sendForm = `mutation($c: ID!, $l: ID, $in: SendFormInput!) { sendForm(clientId: $c, contactLinkId: $l, input: $in) { id status } }`
	listDocs = `{ portalDocuments { id title fileName url } }`
	openDoc  = `query($id: ID!) { portalDocument(id: $id) { id title url } }`
	listForm = `{ portalForms { id title canSubmit addressedToContact } }`
	oneForm  = `query($id: ID!) { portalForm(id: $id) { id status canSubmit } }`
	submit   = `mutation($id: ID!, $a: [FormAnswerInput!]!, $s: String) {
		submitPortalForm(id: $id, answers: $a, signature: $s) { id status signedName answers { questionId value values } } }`
	activity = `query($id: ID!) { node(id: $id) { ... on Client { portalActivity { action detail subjectID } } } }`
)

// docIn is a document to share.
func docIn(title string) map[string]any {
	return map[string]any{"title": title, "fileName": "plan.pdf", "contentType": "application/pdf", "sizeBytes": 1234,
		"url": "https://files.practice.example/" + title + ".pdf"}
}

// intake is a form with one question of each type, asking for a signature.
func intake(title string) map[string]any {
	return map[string]any{"title": title, "signatureRequested": true, "questions": []map[string]any{
		{"id": "name", "label": "Full name", "type": "TEXT", "required": true},
		{"id": "dob", "label": "Date of birth", "type": "DATE"},
		{"id": "colour", "label": "Favourite colour", "type": "CHOICE", "options": []string{"Red", "Blue"}, "required": true},
		{"id": "consent", "label": "Consent", "type": "CHECKBOX", "options": []string{"I agree"}, "required": true},
		{"id": "notes", "label": "Anything else?", "type": "LONG_TEXT"},
	}}
}

// goodAnswers answer intake.
var goodAnswers = []map[string]any{
	{"questionId": "name", "value": "  Sam Rivera "},
	{"questionId": "dob", "value": "2015-04-01"},
	{"questionId": "colour", "value": "Blue"},
	{"questionId": "consent", "values": []string{"I agree"}},
}

// share shares a document with client c as staff and returns its ID.
func (f *family) share(t *testing.T, c, title string) string {
	t.Helper()
	var out struct{ ShareDocument struct{ ID string } }
	f.api.OK(f.p.Token, shareDoc, map[string]any{"c": c, "in": docIn(title)}, &out)
	return out.ShareDocument.ID
}

// send sends form in to client c (to link's contact when link is not "") and returns its ID.
func (f *family) send(t *testing.T, c, link string, in map[string]any) string {
	t.Helper()
	vars := map[string]any{"c": c, "in": in}
	if link != "" {
		vars["l"] = link
	}
	var out struct{ SendForm struct{ ID, Status string } }
	f.api.OK(f.p.Token, sendForm, vars, &out)
	require.Equal(t, "SENT", out.SendForm.Status)
	return out.SendForm.ID
}

// ids are the IDs of a portal list.
func ids[T interface{ id() string }](items []T) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.id()
	}
	return out
}

type item struct {
	ID                 string
	Title              string
	URL                *string
	CanSubmit          bool
	AddressedToContact bool
}

func (i item) id() string { return i.ID }

func (f *family) docs(t *testing.T, session, client string) []string {
	t.Helper()
	var out struct{ PortalDocuments []item }
	f.api.Acting(client).OK(session, listDocs, nil, &out)
	for _, d := range out.PortalDocuments {
		require.Nil(t, d.URL, "lists give no download address")
	}
	return ids(out.PortalDocuments)
}

func (f *family) forms(t *testing.T, session, client string) []item {
	t.Helper()
	var out struct{ PortalForms []item }
	f.api.Acting(client).OK(session, listForm, nil, &out)
	return out.PortalForms
}

// inviteClient gives client c (with email) portal access and returns a session.
func (f *family) inviteClient(t *testing.T, c, email string) string {
	t.Helper()
	f.api.OK(f.p.Token, `mutation($id: ID!) { inviteClientToPortal(clientId: $id) { id } }`, map[string]any{"id": c}, nil)
	return f.claim(t, token(t, f.api.Outbox.Last(t, email).Link))
}

func TestSharedDocumentsFollowTheViewDocumentsScope(t *testing.T) {
	t.Parallel()
	f := setup(t)
	samDoc, kimDoc, alexDoc := f.share(t, f.sam, "sam-plan"), f.share(t, f.kim, "kim-plan"), f.share(t, f.alex, "alex-plan")
	pat := f.claim(t, f.inviteContact(t, f.samLink, []string{"VIEW_DOCUMENTS"}, false))
	f.claim(t, f.inviteContact(t, f.kimLink, []string{"VIEW_FORMS"}, false)) // same email: Pat acts for Kim without VIEW_DOCUMENTS

	// A contact with the scope lists the documents without their address; opening one gives it and is recorded.
	require.Equal(t, []string{samDoc}, f.docs(t, pat, f.sam))
	var doc struct{ PortalDocument struct{ URL *string } }
	f.api.Acting(f.sam).OK(pat, openDoc, map[string]any{"id": samDoc}, &doc)
	require.Equal(t, "https://files.practice.example/sam-plan.pdf", *doc.PortalDocument.URL)
	var act struct {
		Node struct {
			PortalActivity []struct{ Action, Detail, SubjectID string }
		}
	}
	f.api.OK(f.p.Token, activity, map[string]any{"id": f.sam}, &act)
	require.Equal(t, "DOCUMENT_VIEWED", act.Node.PortalActivity[0].Action)
	require.Equal(t, "sam-plan", act.Node.PortalActivity[0].Detail)
	require.Equal(t, samDoc, act.Node.PortalActivity[0].SubjectID)

	// Without the scope, and for another client than the one acted for, documents read as missing.
	require.Empty(t, f.docs(t, pat, f.kim))
	for _, c := range []struct{ acting, doc string }{{f.kim, kimDoc}, {f.kim, samDoc}, {f.sam, kimDoc}, {f.sam, alexDoc}} {
		e := f.api.Acting(c.acting).Fail(pat, openDoc, map[string]any{"id": c.doc})
		require.Equal(t, "NOT_FOUND", e.Code(), c)
		require.Equal(t, "id", e.Field())
	}
	// Without the header: BAD_USER_INPUT, as portalClient.
	require.Equal(t, "X-Kith-Client", f.api.Fail(pat, listDocs, nil).Field())

	// The client itself always sees its own.
	alex := f.inviteClient(t, f.alex, "alex@stone.example")
	require.Equal(t, []string{alexDoc}, f.docs(t, alex, f.alex))

	// A revoked contact reaches nothing.
	f.api.OK(f.p.Token, `mutation($id: ID!) { revokeContactPortal(linkId: $id) { id } }`, map[string]any{"id": f.samLink}, nil)
	e := f.api.Acting(f.sam).Fail(pat, openDoc, map[string]any{"id": samDoc})
	require.Equal(t, "NOT_FOUND", e.Code())
	require.Equal(t, "X-Kith-Client", e.Field())

	// Staff of another organisation: missing. Visitors: unauthenticated. Portal sessions: not a staff field.
	other := kithtest.NewPractice(t, f.db, "other")
	require.Equal(t, "NOT_FOUND", f.api.Fail(other.Token, shareDoc, map[string]any{"c": f.sam, "in": docIn("x")}).Code())
	require.Equal(t, "NOT_FOUND", f.api.Fail(other.Token, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": samDoc}).Code())
	require.Equal(t, "UNAUTHENTICATED", f.api.Fail("", shareDoc, map[string]any{"c": f.sam, "in": docIn("x")}).Code())
	require.Equal(t, "UNAUTHENTICATED", f.api.Acting(f.alex).Fail("", listDocs, nil).Code())
	require.Equal(t, "FORBIDDEN", f.api.Acting(f.alex).Fail(alex, shareDoc, map[string]any{"c": f.alex, "in": docIn("x")}).Code())

	// Staff see the client's documents; a file address must be https.
	var staff struct {
		Node struct{ SharedDocuments []struct{ ID string } }
	}
	f.api.OK(f.p.Token, `query($id: ID!) { node(id: $id) { ... on Client { sharedDocuments { id } } } }`, map[string]any{"id": f.sam}, &staff)
	require.Len(t, staff.Node.SharedDocuments, 1)
	in := docIn("x")
	in["url"] = "http://files.practice.example/x.pdf"
	e = f.api.Fail(f.p.Token, shareDoc, map[string]any{"c": f.sam, "in": in})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "url", e.Field())
}

func TestFormsFollowTheViewFormsScopeAndTheirAddressee(t *testing.T) {
	t.Parallel()
	f := setup(t)
	// Lee is a second contact of Sam; Sam gets an email of its own.
	var lee struct{ AddClientContact struct{ ID string } }
	f.api.OK(f.p.Token, `mutation($c: ID!) { addClientContact(clientID: $c, input: {contact: {firstName: "Lee", lastName: "Rivera", email: "lee@family.example"}, relationship: PARENT}) { id } }`,
		map[string]any{"c": f.sam}, &lee)
	f.api.OK(f.p.Token, `mutation($id: ID!) { updateClient(id: $id, input: {email: "sam@family.example"}) { id } }`, map[string]any{"id": f.sam}, nil)

	toSam := f.send(t, f.sam, "", intake("Intake"))
	toPat := f.send(t, f.sam, f.samLink, intake("Guardian consent"))
	toLee := f.send(t, f.sam, lee.AddClientContact.ID, intake("Lee's consent"))
	toKim := f.send(t, f.kim, "", intake("Kim intake"))

	pat := f.claim(t, f.inviteContact(t, f.samLink, []string{"VIEW_FORMS"}, false))
	f.claim(t, f.inviteContact(t, f.kimLink, []string{"VIEW_DOCUMENTS"}, false))
	f.api.OK(f.p.Token, `mutation($id: ID!) { inviteContactToPortal(linkId: $id, scopes: [VIEW_FORMS]) { id } }`, map[string]any{"id": lee.AddClientContact.ID}, nil)
	leeSession := f.claim(t, token(t, f.api.Outbox.Last(t, "lee@family.example").Link))
	sam := f.inviteClient(t, f.sam, "sam@family.example")

	// Each contact sees the client's forms and its own, never the other contact's; the client sees all.
	require.Equal(t, []item{{ID: toPat, Title: "Guardian consent", CanSubmit: true, AddressedToContact: true}, {ID: toSam, Title: "Intake", CanSubmit: true}}, f.forms(t, pat, f.sam))
	require.Equal(t, []string{toLee, toSam}, ids(f.forms(t, leeSession, f.sam)))
	all := f.forms(t, sam, f.sam)
	require.Equal(t, []string{toLee, toPat, toSam}, ids(all))
	require.Equal(t, []bool{false, false, true}, []bool{all[0].CanSubmit, all[1].CanSubmit, all[2].CanSubmit})

	// What a person may not see reads as missing, reading or submitting.
	for _, c := range []struct{ session, acting, form string }{
		{pat, f.sam, toLee}, {leeSession, f.sam, toPat}, {pat, f.kim, toKim}, {pat, f.kim, toSam}, {sam, f.sam, toKim},
	} {
		e := f.api.Acting(c.acting).Fail(c.session, oneForm, map[string]any{"id": c.form})
		require.Equal(t, "NOT_FOUND", e.Code(), c)
		e = f.api.Acting(c.acting).Fail(c.session, submit, map[string]any{"id": c.form, "a": goodAnswers, "s": "Pat Rivera"})
		require.Equal(t, "NOT_FOUND", e.Code(), c)
	}
	require.Empty(t, f.forms(t, pat, f.kim), "Pat acts for Kim without VIEW_FORMS")

	// The client sees its contact's form but does not fill it in.
	require.Equal(t, "FORBIDDEN", f.api.Acting(f.sam).Fail(sam, submit, map[string]any{"id": toPat, "a": goodAnswers, "s": "Sam"}).Code())

	// Pat fills in the form addressed to Pat; losing VIEW_FORMS hides every form at once.
	f.api.Acting(f.sam).OK(pat, submit, map[string]any{"id": toPat, "a": goodAnswers, "s": "Pat Rivera"}, nil)
	f.api.OK(f.p.Token, `mutation($id: ID!) { inviteContactToPortal(linkId: $id, scopes: [VIEW_DOCUMENTS]) { id } }`, map[string]any{"id": f.samLink}, nil)
	require.Empty(t, f.forms(t, pat, f.sam))
	require.Equal(t, "NOT_FOUND", f.api.Acting(f.sam).Fail(pat, submit, map[string]any{"id": toSam, "a": goodAnswers, "s": "Pat"}).Code())

	// Revoked, Lee reaches nothing.
	f.api.OK(f.p.Token, `mutation($id: ID!) { revokeContactPortal(linkId: $id) { id } }`, map[string]any{"id": lee.AddClientContact.ID}, nil)
	require.Equal(t, "X-Kith-Client", f.api.Acting(f.sam).Fail(leeSession, oneForm, map[string]any{"id": toLee}).Field())

	// Staff of another organisation: missing; visitors: unauthenticated; a link of another client: missing.
	other := kithtest.NewPractice(t, f.db, "other")
	require.Equal(t, "NOT_FOUND", f.api.Fail(other.Token, sendForm, map[string]any{"c": f.sam, "in": intake("x")}).Code())
	require.Equal(t, "NOT_FOUND", f.api.Fail(other.Token, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": toSam}).Code())
	e := f.api.Fail(f.p.Token, sendForm, map[string]any{"c": f.sam, "l": f.kimLink, "in": intake("x")})
	require.Equal(t, "NOT_FOUND", e.Code())
	require.Equal(t, "contactLinkId", e.Field())
	require.Equal(t, "UNAUTHENTICATED", f.api.Acting(f.sam).Fail("", listForm, nil).Code())
	require.Equal(t, "UNAUTHENTICATED", f.api.Acting(f.sam).Fail("", submit, map[string]any{"id": toSam, "a": goodAnswers}).Code())
	require.Equal(t, "FORBIDDEN", f.api.Acting(f.sam).Fail(sam, sendForm, map[string]any{"c": f.sam, "in": intake("x")}).Code())

	// Staff see every form of the client with its answers.
	var staff struct {
		Node struct {
			Forms []struct {
				ID, Status, SignedName string
				Contact                *struct{ FirstName string }
				Answers                []struct{ QuestionID, Value string }
			}
		}
	}
	f.api.OK(f.p.Token, `query($id: ID!) { node(id: $id) { ... on Client { forms(status: SUBMITTED) { id status signedName contact { firstName } answers { questionId value } } } } }`,
		map[string]any{"id": f.sam}, &staff)
	require.Len(t, staff.Node.Forms, 1)
	got := staff.Node.Forms[0]
	require.Equal(t, toPat, got.ID)
	require.Equal(t, "Pat Rivera", got.SignedName)
	require.Equal(t, "Pat", got.Contact.FirstName)
	require.Equal(t, "Sam Rivera", got.Answers[0].Value, "answers are trimmed")
}

func TestSubmittingAFormChecksTheAnswersAndHappensOnce(t *testing.T) {
	t.Parallel()
	f := setup(t)
	first := f.send(t, f.alex, "", intake("Intake"))
	second := f.send(t, f.alex, "", intake("Follow-up"))
	alex := f.inviteClient(t, f.alex, "alex@stone.example")
	api := f.api.Acting(f.alex)
	with := func(change func([]map[string]any) []map[string]any) []map[string]any {
		out := make([]map[string]any, len(goodAnswers))
		for i, a := range goodAnswers {
			out[i] = map[string]any{}
			for k, v := range a {
				out[i][k] = v
			}
		}
		return change(out)
	}
	for _, c := range []struct {
		name, field, signature string
		answers                []map[string]any
	}{
		{"required left out", "answers", "Alex", with(func(a []map[string]any) []map[string]any { return a[1:] })},
		{"required empty", "answers", "Alex", with(func(a []map[string]any) []map[string]any { a[0]["value"] = "  "; return a })},
		{"not an option", "answers.2.value", "Alex", with(func(a []map[string]any) []map[string]any { a[2]["value"] = "Green"; return a })},
		{"not a date", "answers.1.value", "Alex", with(func(a []map[string]any) []map[string]any { a[1]["value"] = "2015-02-30"; return a })},
		{"unknown question", "answers.4.questionId", "Alex", with(func(a []map[string]any) []map[string]any {
			return append(a, map[string]any{"questionId": "nope", "value": "x"})
		})},
		{"checkbox not ticked", "answers", "Alex", with(func(a []map[string]any) []map[string]any { a[3]["values"] = []string{}; return a })},
		{"checkbox with another option", "answers.3.values", "Alex", with(func(a []map[string]any) []map[string]any { a[3]["values"] = []string{"Maybe"}; return a })},
		{"no signature", "signature", " ", with(func(a []map[string]any) []map[string]any { return a })},
	} {
		e := api.Fail(alex, submit, map[string]any{"id": first, "a": c.answers, "s": c.signature})
		require.Equal(t, "BAD_USER_INPUT", e.Code(), c.name)
		require.Equal(t, c.field, e.Field(), c.name)
	}

	// All or nothing: a failing second field undoes the first submission and its activity.
	rsp := api.Do(alex, `mutation($a: [FormAnswerInput!]!) {
		one: submitPortalForm(id: "`+first+`", answers: $a, signature: "Alex Stone") { id }
		two: submitPortalForm(id: "`+second+`", answers: [], signature: "Alex Stone") { id } }`, map[string]any{"a": goodAnswers})
	require.Len(t, rsp.Errors, 1)
	var st struct{ PortalForm struct{ Status string } }
	api.OK(alex, oneForm, map[string]any{"id": first}, &st)
	require.Equal(t, "SENT", st.PortalForm.Status)
	var unanswered struct{ PortalForm struct{ Answers []any } }
	api.OK(alex, `query($id: ID!) { portalForm(id: $id) { answers { questionId } } }`, map[string]any{"id": second}, &unanswered)
	require.NotNil(t, unanswered.PortalForm.Answers)
	require.Empty(t, unanswered.PortalForm.Answers)
	var act struct {
		Node struct{ PortalActivity []struct{ Action string } }
	}
	f.api.OK(f.p.Token, activity, map[string]any{"id": f.alex}, &act)
	for _, a := range act.Node.PortalActivity {
		require.NotEqual(t, "FORM_SUBMITTED", a.Action)
	}

	// Concurrent submissions make one; a later one is refused on id.
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rsp := api.Do(alex, submit, map[string]any{"id": first, "a": goodAnswers, "s": " Alex   Stone "})
			if len(rsp.Errors) == 0 {
				mu.Lock()
				won++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	require.Equal(t, 1, won)
	e := api.Fail(alex, submit, map[string]any{"id": first, "a": goodAnswers, "s": "Alex Stone"})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "id", e.Field())

	var out struct {
		PortalForm struct {
			Status, SignedName string
			CanSubmit          bool
			Answers            []struct {
				QuestionID, Value string
				Values            []string
			}
		}
	}
	api.OK(alex, `query($id: ID!) { portalForm(id: $id) { status signedName canSubmit answers { questionId value values } } }`, map[string]any{"id": first}, &out)
	require.Equal(t, "SUBMITTED", out.PortalForm.Status)
	require.Equal(t, "Alex Stone", out.PortalForm.SignedName)
	require.False(t, out.PortalForm.CanSubmit)
	require.Len(t, out.PortalForm.Answers, 4)
	require.Equal(t, []string{"I agree"}, out.PortalForm.Answers[3].Values)
	f.api.OK(f.p.Token, activity, map[string]any{"id": f.alex}, &act)
	require.Equal(t, "FORM_SUBMITTED", act.Node.PortalActivity[0].Action)
}

func TestSendingAFormChecksItsQuestions(t *testing.T) {
	t.Parallel()
	f := setup(t)
	for _, c := range []struct {
		field     string
		questions []map[string]any
	}{
		{"questions", []map[string]any{}},
		{"questions.0.options", []map[string]any{{"label": "Pick", "type": "CHOICE"}}},
		{"questions.0.options", []map[string]any{{"label": "Name", "type": "TEXT", "options": []string{"a"}}}},
		{"questions.1.id", []map[string]any{{"id": "a", "label": "A", "type": "TEXT"}, {"id": "a", "label": "B", "type": "TEXT"}}},
		{"questions.0.label", []map[string]any{{"label": " ", "type": "DATE"}}},
	} {
		e := f.api.Fail(f.p.Token, sendForm, map[string]any{"c": f.sam, "in": map[string]any{"title": "T", "questions": c.questions}})
		require.Equal(t, "BAD_USER_INPUT", e.Code(), c.field)
		require.Equal(t, c.field, e.Field())
	}
	e := f.api.Fail(f.p.Token, sendForm, map[string]any{"c": f.sam, "in": map[string]any{"title": " ", "questions": []map[string]any{{"label": "A", "type": "TEXT"}}}})
	require.Equal(t, "title", e.Field())

	// Questions without IDs get q1, q2…
	id := f.send(t, f.sam, "", map[string]any{"title": "T", "questions": []map[string]any{{"label": "A", "type": "TEXT"}, {"label": "B", "type": "LONG_TEXT"}}})
	var out struct {
		Node struct{ Questions []struct{ ID string } }
	}
	f.api.OK(f.p.Token, `query($id: ID!) { node(id: $id) { ... on Form { questions { id } } } }`, map[string]any{"id": id}, &out)
	require.Equal(t, []string{"q1", "q2"}, []string{out.Node.Questions[0].ID, out.Node.Questions[1].ID})
}

func TestPortalWritesOnlySubmissions(t *testing.T) {
	t.Parallel()
	f := setup(t)
	alexForm := f.send(t, f.alex, "", intake("Intake"))
	kimForm := f.send(t, f.kim, "", intake("Kim intake"))
	db := f.db.Client
	ctx := viewer.NewContext(context.Background(), viewer.Portal{OrgID: f.p.Org.ID, Email: "alex@stone.example", ClientID: pulid.ID(f.alex)})
	answers := []schematype.Answer{{QuestionID: "name", Value: "Alex"}, {QuestionID: "colour", Value: "Red"}, {QuestionID: "consent", Values: []string{"I agree"}}}

	// Another client's form reads as missing, even straight through ent.
	err := db.Form.UpdateOneID(pulid.ID(kimForm)).SetStatus(form.StatusSubmitted).SetAnswers(answers).SetSignedName("Alex").Exec(ctx)
	require.True(t, ent.IsNotFound(err), "%v", err)
	// Anything but a submission is refused: other fields, new rows, deletes, documents.
	require.ErrorIs(t, db.Form.UpdateOneID(pulid.ID(alexForm)).SetTitle("Mine now").Exec(ctx), privacy.Deny)
	require.ErrorIs(t, db.Form.Create().SetClientID(pulid.ID(f.alex)).SetTitle("x").SetQuestions([]schematype.Question{{Label: "A", Type: schematype.QuestionText}}).Exec(ctx), privacy.Deny)
	require.ErrorIs(t, db.Form.DeleteOneID(pulid.ID(alexForm)).Exec(ctx), privacy.Deny)
	require.ErrorIs(t, db.SharedDocument.Create().SetClientID(pulid.ID(f.alex)).SetTitle("x").SetFileName("x.pdf").SetURL("https://x.example/x").Exec(ctx), privacy.Deny)
	// The submission itself goes through, once.
	require.NoError(t, db.Form.UpdateOneID(pulid.ID(alexForm)).SetStatus(form.StatusSubmitted).SetAnswers(answers).SetSignedName("Alex").Exec(ctx))
	err = db.Form.UpdateOneID(pulid.ID(alexForm)).SetStatus(form.StatusSubmitted).SetAnswers(answers).SetSignedName("Alex").Exec(ctx)
	require.Error(t, err)
}
