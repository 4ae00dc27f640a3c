package timeline_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/activity"
	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/ent/payment"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// bundle is a practice with a client and its API.
type bundle struct {
	db         *database.DB
	api        *kithtest.API
	p          kithtest.Practice
	client     string
	statements *atomic.Int64
}

func setup(t *testing.T) *bundle {
	t.Helper()
	b := &bundle{statements: &atomic.Int64{}}
	b.db = kithtest.DB(t, b.statements)
	b.api = kithtest.NewAPI(t, b.db)
	b.p = kithtest.NewPractice(t, b.db, "maple")
	var out struct{ CreateClient struct{ ID string } }
	b.api.OK(b.p.Token, `mutation { createClient(input: {firstName: "Ana", lastName: "Silva", email: "ana@example.com"}) { id } }`, nil, &out)
	b.client = out.CreateClient.ID
	return b
}

const createAppointment = `mutation($in: CreateAppointmentInput!) { createAppointment(input: $in) { id } }`

// book books an appointment for the client days from now and returns its ID.
func (b *bundle) book(t *testing.T, days int) string {
	t.Helper()
	start := time.Now().Add(time.Duration(days) * 24 * time.Hour).UTC().Truncate(time.Minute)
	var out struct{ CreateAppointment struct{ ID string } }
	b.api.OK(b.p.Token, createAppointment, map[string]any{"in": map[string]any{"clientID": b.client, "practitionerID": string(b.p.Owner.ID),
		"startsAt": start, "endsAt": start.Add(time.Hour)}}, &out)
	return out.CreateAppointment.ID
}

const timelineQuery = `query($id: ID!, $first: Int, $after: String) { node(id: $id) { ... on Client {
	timeline(first: $first, after: $after) {
		edges { cursor node { id at kind summary actor staff { id } contact { id } record { id } } }
		pageInfo { hasNextPage endCursor }
	} } } }`

type entry struct {
	ID, Kind, Summary, Actor string
	At                       time.Time
	Staff, Contact, Record   *struct{ ID string }
}

type page struct {
	Edges []struct {
		Cursor string
		Node   entry
	}
	PageInfo struct {
		HasNextPage bool
		EndCursor   *string
	}
}

func (b *bundle) timeline(t testing.TB, first int, after *string) page {
	t.Helper()
	var out struct{ Node struct{ Timeline page } }
	vars := map[string]any{"id": b.client, "first": first}
	if after != nil {
		vars["after"] = *after
	}
	b.api.OK(b.p.Token, timelineQuery, vars, &out)
	return out.Node.Timeline
}

// all reads the whole timeline, n entries a page.
func (b *bundle) all(t *testing.T, n int) []entry {
	t.Helper()
	var out []entry
	var after *string
	for {
		p := b.timeline(t, n, after)
		for _, e := range p.Edges {
			out = append(out, e.Node)
		}
		if !p.PageInfo.HasNextPage {
			return out
		}
		require.Len(t, p.Edges, n)
		after = p.PageInfo.EndCursor
	}
}

func TestTimelineHasEverySource(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	appt := b.book(t, 3)
	// Sent from the appointment, then withdrawn.
	var consent struct{ SendForm struct{ ID string } }
	b.api.OK(b.p.Token, `mutation($id: ID!, $a: ID!) { sendForm(clientId: $id, input: {title: "Consent", appointmentId: $a, questions: [{label: "Agreed?", type: TEXT}]}) { id } }`,
		map[string]any{"id": b.client, "a": appt}, &consent)
	b.api.OK(b.p.Token, `mutation($id: ID!) { withdrawForm(id: $id) { id } }`, map[string]any{"id": consent.SendForm.ID}, nil)
	start := time.Now().Add(4 * 24 * time.Hour).UTC().Truncate(time.Minute)
	b.api.OK(b.p.Token, `mutation($id: ID!, $s: Time!, $e: Time!) { rescheduleAppointment(id: $id, startsAt: $s, endsAt: $e) { id } }`,
		map[string]any{"id": appt, "s": start, "e": start.Add(time.Hour)}, nil)
	b.api.OK(b.p.Token, `mutation($id: ID!) { cancelAppointment(id: $id, reason: "travelling") { id } }`, map[string]any{"id": appt}, nil)
	var doc struct{ ShareDocument struct{ ID string } }
	b.api.OK(b.p.Token, `mutation($id: ID!) { shareDocument(clientId: $id, input: {title: "Plan", fileName: "plan.pdf", url: "https://files.example/plan.pdf"}) { id } }`,
		map[string]any{"id": b.client}, &doc)
	var form struct{ SendForm struct{ ID string } }
	b.api.OK(b.p.Token, `mutation($id: ID!) { sendForm(clientId: $id, input: {title: "Intake", questions: [{label: "How are you?", type: TEXT}]}) { id } }`,
		map[string]any{"id": b.client}, &form)
	var inv struct{ CreateInvoice struct{ ID string } }
	b.api.OK(b.p.Token, `mutation($id: ID!) { createInvoice(clientId: $id, input: {currency: "CAD", lines: [{description: "Session", unitAmountCents: 12000}]}) { id } }`,
		map[string]any{"id": b.client}, &inv)

	// What the portal records, as its features record it.
	org := b.p.Org.ID
	sys := viewer.NewContext(ctx, viewer.System{OrgID: org})
	client := pulid.ID(b.client)
	require.NoError(t, activity.RecordEvent(ctx, b.db.Client, activity.Event{OrgID: org, ClientID: client, Email: "ana@example.com", Action: "SIGNED_IN"}))
	require.NoError(t, activity.RecordEvent(ctx, b.db.Client, activity.Event{OrgID: org, ClientID: client, Email: "ana@example.com",
		Action: "DOCUMENT_VIEWED", Detail: "Plan", SubjectID: pulid.ID(doc.ShareDocument.ID)}))
	require.NoError(t, activity.RecordEvent(ctx, b.db.Client, activity.Event{OrgID: org, ClientID: client, Email: "ana@example.com",
		Action: "FORM_SUBMITTED", SubjectID: pulid.ID(form.SendForm.ID)})) // shown by the form itself
	now := time.Now().UTC()
	_, err := b.db.Client.Form.UpdateOneID(pulid.ID(form.SendForm.ID)).SetStatus("SUBMITTED").SetSubmittedAt(now).SetSubmittedBy("ana@example.com").Save(sys)
	require.NoError(t, err)
	_, err = b.db.Client.Payment.Create().SetOrganizationID(org).SetInvoiceID(pulid.ID(inv.CreateInvoice.ID)).SetClientID(client).
		SetAmountCents(12000).SetCurrency("CAD").SetStatus(payment.StatusSucceeded).SetPaidBy("ana@example.com").SetIdempotencyKey("k1").Save(sys)
	require.NoError(t, err)
	// A sign-in code, as the portal's sign-in records it: left out.
	_, err = b.db.Client.Notification.Create().SetOrganizationID(org).SetClientID(client).SetRecipientName("Ana Silva").
		SetKind(schematype.MessageKindSignInCode).SetChannel(schematype.ChannelEmail).SetSendAfter(now).Save(sys)
	require.NoError(t, err)

	before := b.statements.Load()
	// 17: three appointment changes, their three messages, the forms'
	// two requests (skipped: Ana has no portal access), the consent form
	// sent and withdrawn, the intake form sent and submitted, the
	// document shared and viewed, a sign-in, the invoice and a payment.
	require.Len(t, b.timeline(t, 100, nil).Edges, 17)
	t.Logf("a timeline page with every source: %d statements", b.statements.Load()-before)

	entries := b.all(t, 3)
	kinds := map[string]entry{}
	for i, e := range entries {
		if i > 0 {
			prev := entries[i-1]
			require.False(t, e.At.After(prev.At), "newest first: %s after %s", e.Kind, prev.Kind)
		}
		kinds[e.Kind] = e
	}
	for _, k := range []string{"APPOINTMENT_BOOKED", "APPOINTMENT_RESCHEDULED", "APPOINTMENT_CANCELLED", "MESSAGE",
		"FORM_SENT", "FORM_SUBMITTED", "FORM_WITHDRAWN", "DOCUMENT_SHARED", "DOCUMENT_VIEWED", "PORTAL_ACTIVITY", "PAYMENT", "INVOICE_ISSUED"} {
		require.Contains(t, kinds, k)
		require.NotNil(t, kinds[k].Record, k)
		require.NotEmpty(t, kinds[k].Actor, k)
	}
	booked := kinds["APPOINTMENT_BOOKED"]
	require.Equal(t, "STAFF", booked.Actor)
	require.Equal(t, string(b.p.Owner.ID), booked.Staff.ID)
	require.Equal(t, appt, booked.Record.ID)
	require.Contains(t, kinds["APPOINTMENT_CANCELLED"].Summary, "travelling")
	formRequests := 0
	for _, e := range entries {
		switch {
		case e.Kind == "MESSAGE" && strings.HasPrefix(e.Summary, "Form request"):
			formRequests++
			require.Contains(t, e.Summary, "skipped", "a message kith did not send shows, with why")
			require.Regexp(t, `^Form request "(Consent|Intake)" by email to Ana Silva: skipped`, e.Summary)
			require.Equal(t, "STAFF", e.Actor, "a form's request is by whoever sent the form")
			require.Equal(t, string(b.p.Owner.ID), e.Staff.ID)
		case e.Kind == "MESSAGE":
			require.Equal(t, "KITH", e.Actor, e.Summary)
			require.Nil(t, e.Staff)
		case e.Kind == "FORM_SENT" && e.Record.ID == consent.SendForm.ID:
			require.Contains(t, e.Summary, `Form "Consent" sent from the appointment of `)
		case e.Kind == "FORM_SENT":
			require.NotContains(t, e.Summary, "appointment")
		}
	}
	require.Equal(t, 2, formRequests, "the forms' emails show beside the forms")
	for _, e := range entries {
		require.NotContains(t, strings.ToLower(e.Summary), "sign in code", "sign-in codes are left out")
	}
	withdrawn := kinds["FORM_WITHDRAWN"]
	require.Equal(t, consent.SendForm.ID, withdrawn.Record.ID)
	require.Equal(t, "STAFF", withdrawn.Actor)
	require.Nil(t, withdrawn.Staff, "who withdrew a form is not recorded")
	require.Equal(t, `Form "Consent" withdrawn unsubmitted`, withdrawn.Summary)
	issued := kinds["INVOICE_ISSUED"]
	require.Equal(t, inv.CreateInvoice.ID, issued.Record.ID)
	require.Equal(t, "STAFF", issued.Actor)
	require.Equal(t, string(b.p.Owner.ID), issued.Staff.ID)
	require.Regexp(t, `^Invoice \S+ of 120.00 CAD to Ana Silva by `, issued.Summary)
	require.Equal(t, doc.ShareDocument.ID, kinds["DOCUMENT_VIEWED"].Record.ID)
	require.Equal(t, "CLIENT", kinds["PAYMENT"].Actor)
	require.Contains(t, kinds["PAYMENT"].Summary, "120.00 CAD")
	n := 0
	for _, e := range entries {
		if e.Kind == "PORTAL_ACTIVITY" {
			n++
			require.Contains(t, e.Summary, "Portal: signed in")
		}
	}
	require.Equal(t, 1, n, "a form submitted in the portal shows once, as the form's")
	seen := map[string]bool{}
	for _, e := range entries {
		require.False(t, seen[e.ID], "entry %s twice across pages", e.ID)
		seen[e.ID] = true
	}
}

func TestTimelinePaging(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for i := range 7 {
		b.book(t, i+1)
	}
	whole := b.timeline(t, 100, nil)
	require.False(t, whole.PageInfo.HasNextPage)
	var ids []string
	for _, e := range whole.Edges {
		ids = append(ids, e.Node.ID)
	}
	var paged []string
	for _, e := range b.all(t, 2) {
		paged = append(paged, e.ID)
	}
	require.Equal(t, ids, paged, "pages of 2 read the same entries, in the same order, as one page")

	empty := b.timeline(t, 0, nil)
	require.Empty(t, empty.Edges)
	require.True(t, empty.PageInfo.HasNextPage)

	bad := b.api.Fail(b.p.Token, timelineQuery, map[string]any{"id": b.client, "after": "not-a-cursor"})
	require.Equal(t, "BAD_USER_INPUT", bad.Code())
	require.Equal(t, "after", bad.Field())
}

func TestTimelineStatementsDoNotGrow(t *testing.T) {
	t.Parallel()
	b := setup(t)
	count := func() int64 {
		before := b.statements.Load()
		b.timeline(t, 100, nil)
		return b.statements.Load() - before
	}
	b.book(t, 1)
	few := count()
	for i := range 10 {
		b.book(t, i+2)
	}
	many := count()
	require.Equal(t, few, many, "statements of a timeline page do not grow with its entries")
	t.Logf("a timeline page: %d statements", many)
}

func TestTimelineIsolation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.book(t, 1)
	other := kithtest.NewPractice(t, b.db, "birch")
	got := b.api.Fail(other.Token, timelineQuery, map[string]any{"id": b.client})
	require.Equal(t, "NOT_FOUND", got.Code())
	missing := b.api.Fail(b.p.Token, timelineQuery, map[string]any{"id": string(pulid.New("cl"))})
	require.Equal(t, got.Code(), missing.Code())
	require.Equal(t, fmt.Sprint(got.Extensions["field"]), fmt.Sprint(missing.Extensions["field"]))

	// Never in the portal: the client itself, signed in, reads no timeline.
	b.api.OK(b.p.Token, `mutation($id: ID!) { inviteClientToPortal(clientId: $id) { id } }`, map[string]any{"id": b.client}, nil)
	link := b.api.Outbox.Last(t, "ana@example.com").Link
	_, claim, ok := strings.Cut(link, "token=")
	require.True(t, ok, link)
	var session struct{ ClaimPortalInvitation struct{ Token string } }
	b.api.OK("", `mutation($t: String!) { claimPortalInvitation(token: $t) { token } }`, map[string]any{"t": claim}, &session)
	portal := b.api.Acting(b.client).Do(session.ClaimPortalInvitation.Token, timelineQuery, map[string]any{"id": b.client})
	require.NotEmpty(t, portal.Errors)
	require.Contains(t, []string{"FORBIDDEN", "NOT_FOUND"}, portal.Errors[0].Code())
	require.NotContains(t, string(portal.Data), "edges")
}

func TestTimelineInvoiceToBillingContact(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var out struct {
		CreateClient struct {
			ID           string
			ContactLinks []struct{ ID string }
		}
	}
	b.api.OK(b.p.Token, `mutation { createClient(input: {firstName: "Mia", lastName: "Chen"}, contacts: [
		{contact: {firstName: "Wei", lastName: "Chen", email: "wei@example.com"}, relationship: PARENT, contactTypes: [BILLING]}
	]) { id contactLinks { id } } }`, nil, &out)
	require.Len(t, out.CreateClient.ContactLinks, 1)
	b.client = out.CreateClient.ID
	b.api.OK(b.p.Token, `mutation($id: ID!, $l: ID!) { createInvoice(clientId: $id, input: {currency: "CAD", billingContactId: $l,
		lines: [{description: "Session", quantity: 2, unitAmountCents: 7000}]}) { id } }`,
		map[string]any{"id": b.client, "l": out.CreateClient.ContactLinks[0].ID}, nil)
	var issued *entry
	for _, e := range b.all(t, 10) {
		if e.Kind == "INVOICE_ISSUED" {
			issued = &e
		}
	}
	require.NotNil(t, issued)
	require.Regexp(t, `^Invoice \S+ of 140.00 CAD to Wei Chen by `, issued.Summary, "addressed to the billing contact as billedTo keeps it")
}
