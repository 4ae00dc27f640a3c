package portal_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
)

func TestPortalAccessEvents(t *testing.T) {
	t.Parallel()
	f := setup(t)
	rec := kithtest.RecordEvents(t, f.db)
	org := f.p.Org.ID

	// An invitation grants nothing yet; claiming it does.
	tok := f.inviteContact(t, f.samLink, []string{"VIEW_FORMS"}, true)
	rec.None(t, schematype.EventPortalAccessGranted)
	f.claim(t, tok)
	e := rec.Require(t, schematype.EventPortalAccessGranted, org, pulid.ID(f.samLink))
	require.EqualValues(t, f.sam, e.Data["clientId"])
	require.EqualValues(t, "ACTIVE", e.Data["portalStatus"])
	require.EqualValues(t, "INVITED", e.Data["previousPortalStatus"])
	require.Equal(t, []schematype.PortalScope{schematype.PortalScopeViewForms}, e.Data["portalScopes"])

	f.inviteClient(t, f.alex, "alex@stone.example")
	e = rec.Require(t, schematype.EventPortalAccessGranted, org, pulid.ID(f.alex))
	require.EqualValues(t, f.alex, e.Data["clientId"])
	rec.None(t, schematype.EventClientUpdated) // its portal access has events of its own

	f.api.OK(f.p.Token, `mutation($id: ID!) { revokeContactPortal(linkId: $id) { id } }`, map[string]any{"id": f.samLink}, nil)
	e = rec.Require(t, schematype.EventPortalAccessRevoked, org, pulid.ID(f.samLink))
	require.EqualValues(t, "REVOKED", e.Data["portalStatus"])
	f.api.OK(f.p.Token, `mutation($id: ID!) { revokeClientPortal(clientId: $id) { id } }`, map[string]any{"id": f.alex}, nil)
	rec.Require(t, schematype.EventPortalAccessRevoked, org, pulid.ID(f.alex))

	// Revoking again revokes nothing more.
	f.api.OK(f.p.Token, `mutation($id: ID!) { revokeClientPortal(clientId: $id) { id } }`, map[string]any{"id": f.alex}, nil)
	require.Len(t, rec.Of(schematype.EventPortalAccessRevoked), 2)
}

func TestFormSubmittedEvent(t *testing.T) {
	t.Parallel()
	f := setup(t)
	rec := kithtest.RecordEvents(t, f.db)
	org := f.p.Org.ID
	first, second := f.send(t, f.alex, "", intake("Intake")), f.send(t, f.alex, "", intake("Second intake"))
	alex := f.inviteClient(t, f.alex, "alex@stone.example")
	acting := f.api.Acting(f.alex)

	// The first form is submitted, then the second fails: neither is.
	rsp := acting.Do(alex, `mutation($a: [FormAnswerInput!]!) {
		one: submitPortalForm(id: "`+first+`", answers: $a, signature: "Alex Stone") { id }
		two: submitPortalForm(id: "`+second+`", answers: [], signature: "Alex Stone") { id } }`, map[string]any{"a": goodAnswers})
	require.NotEmpty(t, rsp.Errors)
	require.Positive(t, rec.Emitted())
	rec.None(t, schematype.EventFormSubmitted)

	acting.OK(alex, submit, map[string]any{"id": first, "a": goodAnswers, "s": "Alex Stone"}, nil)
	e := rec.Require(t, schematype.EventFormSubmitted, org, pulid.ID(first))
	require.EqualValues(t, f.alex, e.Data["clientId"])
	require.EqualValues(t, "SUBMITTED", e.Data["status"])
	require.Equal(t, true, e.Data["signed"])
	require.Contains(t, e.Data, "submittedAt")
	requireNoText(t, e, "Sam Rivera", "Blue", "Alex Stone", "Intake")
}

func TestPaymentEvents(t *testing.T) {
	t.Parallel()
	f := billingSetup(t)
	rec := kithtest.RecordEvents(t, f.db)
	org := f.p.Org.ID
	acting := f.api.Acting(f.sam)

	// A decline: payment.failed, in the transaction of the step that
	// records it (payPortalInvoice commits in steps of its own).
	poor := f.addCard(t, f.patS, f.sam, "tok_insufficient_funds")
	var out paid
	acting.OK(f.patS, payMutation, pay(f.samInv, "key-1", map[string]any{"cardId": poor}), &out)
	e := rec.Require(t, schematype.EventPaymentFailed, org, pulid.ID(out.PayPortalInvoice.ID))
	require.EqualValues(t, f.samInv, e.Data["invoiceId"])
	require.EqualValues(t, f.sam, e.Data["clientId"])
	require.Equal(t, 6000, e.Data["amountCents"])
	require.Equal(t, "CAD", e.Data["currency"])
	requireNoText(t, e, "insufficient", patEmail)
	rec.None(t, schematype.EventInvoicePaid)

	acting.OK(f.patS, payMutation, pay(f.samInv, "key-2", map[string]any{"token": "tok_visa"}), &out)
	require.Equal(t, "SUCCEEDED", out.PayPortalInvoice.Status)
	e = rec.Require(t, schematype.EventInvoicePaid, org, pulid.ID(f.samInv))
	require.EqualValues(t, f.sam, e.Data["clientId"])
	require.Equal(t, 6000, e.Data["totalCents"])
	require.Equal(t, "CAD", e.Data["currency"])
	require.EqualValues(t, "PAID", e.Data["status"])
	require.Contains(t, e.Data, "paidAt")
	require.Len(t, rec.Of(schematype.EventPaymentFailed), 1)
}

// requireNoText checks that e's data, as JSON, holds none of texts.
func requireNoText(t *testing.T, e kithtest.RecordedEvent, texts ...string) {
	t.Helper()
	body, err := json.Marshal(e.Data)
	require.NoError(t, err)
	for _, s := range texts {
		require.NotContains(t, string(body), s, "%s's data", e.Type)
	}
}

// TestPortalEmailEvents: a portal invitation is handed to the provider
// after its transaction commits, and marked SENT in one of its own, which
// tells notification.sent; the new client tells client.created.
func TestPortalEmailEvents(t *testing.T) {
	t.Parallel()
	s := setupInviteOnCreate(t)
	rec := kithtest.RecordEvents(t, s.f.db)
	org := s.p.Org.ID
	s.api.OK(s.p.Token, `mutation { updateOrganization(input: {portalInviteOnCreate: true}) { id } }`, nil, nil)
	id, status := s.create(t, map[string]any{"firstName": "Mia", "lastName": "Chen", "email": "mia@example.com"})
	require.Equal(t, "INVITED", status)
	rec.Require(t, schematype.EventClientCreated, org, pulid.ID(id))
	rec.None(t, schematype.EventClientUpdated)
	require.Eventually(t, func() bool { return len(rec.Of(schematype.EventNotificationSent)) == 1 }, 5*time.Second, 10*time.Millisecond)
	e := rec.Of(schematype.EventNotificationSent)[0]
	rec.Require(t, schematype.EventNotificationSent, org, e.ObjectID)
	require.EqualValues(t, id, e.Data["clientId"])
	require.EqualValues(t, "PORTAL_INVITATION", e.Data["kind"])
	requireNoText(t, e, "mia@example.com", "Mia")
}
