package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/kithtest"
)

// family is a client with a billing contact (Wei, with an address and an
// organisation reference) and an emergency contact (Lin).
type billingFamily struct {
	client, wei, lin string // the client and the two links
	weiContact       string
}

func newBillingFamily(t *testing.T, b *bundle, domain string) billingFamily {
	t.Helper()
	var out struct {
		CreateClient struct {
			ID           string
			ContactLinks []struct {
				ID      string
				Contact struct{ ID, FirstName string }
			}
		}
	}
	b.api.OK(b.token, `mutation($wei: String!, $lin: String!) {
		createClient(input: {firstName: "Mia", lastName: "Chen", dateOfBirth: "2016-05-02"}, contacts: [
			{contact: {firstName: "Wei", lastName: "Chen", email: $wei, organizationReference: "ACME-0042",
				address: {line1: "1 Bay Street", city: "Toronto", region: "ON", postalCode: "M5J 2N8", country: "CA"}},
			 relationship: PARENT, contactTypes: [BILLING, EMERGENCY]},
			{contact: {firstName: "Lin", lastName: "Chen", email: $lin}, relationship: PARENT, contactTypes: [EMERGENCY]}
		]) { id contactLinks { id contact { id firstName } } } }`, map[string]any{"wei": "wei@" + domain, "lin": "lin@" + domain}, &out)
	f := billingFamily{client: out.CreateClient.ID}
	for _, l := range out.CreateClient.ContactLinks {
		switch l.Contact.FirstName {
		case "Wei":
			f.wei, f.weiContact = l.ID, l.Contact.ID
		case "Lin":
			f.lin = l.ID
		}
	}
	require.NotEmpty(t, f.wei)
	require.NotEmpty(t, f.lin)
	return f
}

// warnings reads a response's extensions.warnings.
func warnings(t *testing.T, rsp kithtest.Response) []map[string]any {
	t.Helper()
	list, _ := rsp.Extensions["warnings"].([]any)
	out := make([]map[string]any, len(list))
	for i, w := range list {
		out[i], _ = w.(map[string]any)
	}
	return out
}

func TestCoverageBillingContact(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := newBillingFamily(t, b, "example.com")
	other := newBillingFamily(t, b, "other.example")
	cov, rsp := b.createCoverage(t, map[string]any{"clientID": f.client, "feeProgram": "EAP"})
	require.Empty(t, rsp.Errors)

	for _, tc := range []struct {
		name, link, code, message string
	}{
		{"not a billing contact", f.lin, "BAD_USER_INPUT", "Lin Chen is not a billing contact of the client: add BILLING to the link's contact types first"},
		{"another client's link", other.wei, "BAD_USER_INPUT", "Wei Chen is linked to another client, not this one; choose one of this client's billing contacts"},
		{"a contact's ID", f.weiContact, "NOT_FOUND", "nothing with ID " + f.weiContact + " was found"},
	} {
		rsp := b.api.Do(b.token, setBilling, map[string]any{"id": cov.ID, "l": tc.link})
		require.Len(t, rsp.Errors, 1, tc.name)
		require.Equal(t, tc.code, rsp.Errors[0].Code(), "%s: %v", tc.name, rsp.Errors[0])
		require.Equal(t, "billingContactID", rsp.Errors[0].Field(), tc.name)
		require.Equal(t, tc.message, rsp.Errors[0].Message, tc.name)
	}
	require.Nil(t, b.coverage(t, cov.ID).BillingContact)
	elsewhere := kithtest.NewPractice(t, b.db, "birch")
	var stranger struct{ CreateClient struct{ ID string } }
	b.api.OK(elsewhere.Token, `mutation { createClient(input: {firstName: "Other", lastName: "Org", email: "o@example.com"}) { id } }`, nil, &stranger)
	var theirs struct{ CreateCoverage struct{ ID string } }
	b.api.OK(elsewhere.Token, `mutation($c: ID!) { createCoverage(input: {clientID: $c}) { id } }`, map[string]any{"c": stranger.CreateClient.ID}, &theirs)
	e := b.api.Fail(elsewhere.Token, setBilling, map[string]any{"id": theirs.CreateCoverage.ID, "l": f.wei})
	require.Equal(t, "NOT_FOUND", e.Code(), "another organisation's link reads as missing")
	require.Equal(t, "billingContactID", e.Field())

	e = b.api.Fail(elsewhere.Token, setBilling, map[string]any{"id": cov.ID, "l": f.wei})
	require.Equal(t, "NOT_FOUND", e.Code(), "another organisation's coverage reads as missing")

	var set struct{ SetCoverageBillingContact coverageOut }
	b.api.OK(b.token, setBilling, map[string]any{"id": cov.ID, "l": f.wei}, &set)
	cov = set.SetCoverageBillingContact
	require.Equal(t, f.wei, cov.BillingContact.ID)
	require.Equal(t, "Wei", cov.BillingContact.Contact.FirstName)
	require.Nil(t, cov.HealthCardValidatedAt, "no card, no validation")

	// A change that fails rolls the clearing back with it, and warns of nothing.
	rsp = b.api.Do(b.token, `mutation($l: ID!, $c: ID!) {
		updateClientContact(id: $l, input: {contactTypes: [EMERGENCY]}) { id }
		createCoverage(input: {clientID: $c, numberOfSessions: -1}) { id } }`, map[string]any{"l": f.wei, "c": f.client})
	require.Len(t, rsp.Errors, 1)
	require.Empty(t, warnings(t, rsp))
	require.Equal(t, f.wei, b.coverage(t, cov.ID).BillingContact.ID)

	// Taking BILLING away clears it, and says so.
	rsp = b.api.Do(b.token, `mutation($l: ID!) { updateClientContact(id: $l, input: {contactTypes: [EMERGENCY]}) { id } }`, map[string]any{"l": f.wei})
	require.Empty(t, rsp.Errors)
	w := warnings(t, rsp)
	require.Len(t, w, 1)
	require.Equal(t, "BILLING_CONTACT_CLEARED", w[0]["code"])
	require.Equal(t, "contactTypes", w[0]["field"])
	require.Equal(t, "Wei Chen was the billing contact of a coverage record of the client and no longer is, since the link no longer has the BILLING contact type; choose another billing contact for it", w[0]["message"])
	require.Equal(t, []any{cov.ID}, w[0]["ids"])
	require.Nil(t, b.coverage(t, cov.ID).BillingContact)

	// Appending BILLING again warns of nothing; removing the link clears it again.
	rsp = b.api.Do(b.token, `mutation($l: ID!, $id: ID!) {
		updateClientContact(id: $l, input: {appendContactTypes: [BILLING]}) { id }
		setCoverageBillingContact(id: $id, billingContactID: $l) { id } }`, map[string]any{"l": f.wei, "id": cov.ID})
	require.Empty(t, rsp.Errors)
	require.Empty(t, warnings(t, rsp))
	rsp = b.api.Do(b.token, `mutation($l: ID!) { updateClientContact(id: $l, input: {relationshipLabel: "father"}) { id } }`, map[string]any{"l": f.wei})
	require.Empty(t, warnings(t, rsp), "a change that keeps BILLING warns of nothing")
	require.Equal(t, f.wei, b.coverage(t, cov.ID).BillingContact.ID)
	rsp = b.api.Do(b.token, `mutation($l: ID!) { removeClientContact(id: $l) }`, map[string]any{"l": f.wei})
	require.Empty(t, rsp.Errors)
	w = warnings(t, rsp)
	require.Len(t, w, 1)
	require.Equal(t, "id", w[0]["field"])
	require.Contains(t, w[0]["message"], "since the link was removed from the client")
	require.Nil(t, b.coverage(t, cov.ID).BillingContact)
}

const setBilling = `mutation($id: ID!, $l: ID) { setCoverageBillingContact(id: $id, billingContactID: $l) { ` + coverageFields + ` } }`

// coverage reads coverage id.
func (b *bundle) coverage(t *testing.T, id string) coverageOut {
	t.Helper()
	var out struct{ Node coverageOut }
	b.api.OK(b.token, `query($id: ID!) { node(id: $id) { ... on Coverage { `+coverageFields+` } } }`, map[string]any{"id": id}, &out)
	return out.Node
}

func TestInvoiceAddressedToBillingContact(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := newBillingFamily(t, b, "example.com")
	const issue = `mutation($c: ID!, $l: ID) { createInvoice(clientId: $c, input: {currency: "CAD", lines: [{description: "Session", unitAmountCents: 12000}], billingContactId: $l}) {
		id billingContactID billedTo { linkId contactId name organizationReference email address { line1 city postalCode } } } }`
	e := b.api.Fail(b.token, issue, map[string]any{"c": f.client, "l": f.lin})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "billingContactId", e.Field())
	require.Equal(t, "Lin Chen is not a billing contact of the client: add BILLING to the link's contact types first", e.Message)
	e = b.api.Fail(b.token, issue, map[string]any{"c": f.client, "l": f.weiContact})
	require.Equal(t, "billingContactId", e.Field())
	require.Equal(t, f.weiContact+" is a contact's ID: give the ID of its link to the client (lk…), as the client's billingContacts list them", e.Message)
	require.Zero(t, b.count(t, "invoices"))

	type billedTo struct {
		LinkID, ContactID, Name, OrganizationReference, Email string
		Address                                               struct{ Line1, City, PostalCode string }
	}
	var out struct {
		CreateInvoice struct {
			ID, BillingContactID string
			BilledTo             *billedTo
		}
	}
	b.api.OK(b.token, issue, map[string]any{"c": f.client, "l": f.wei}, &out)
	want := billedTo{LinkID: f.wei, ContactID: f.weiContact, Name: "Wei Chen", OrganizationReference: "ACME-0042", Email: "wei@example.com"}
	want.Address.Line1, want.Address.City, want.Address.PostalCode = "1 Bay Street", "Toronto", "M5J 2N8"
	require.Equal(t, f.wei, out.CreateInvoice.BillingContactID)
	require.Equal(t, want, *out.CreateInvoice.BilledTo)

	// Later edits of the contact, even removing it, leave the invoice as issued.
	b.api.OK(b.token, `mutation($id: ID!) { updateContact(id: $id, input: {organizationReference: "NEW-1", address: {line1: "9 Elm", city: "Ottawa", region: "ON", postalCode: "K1A 0A6", country: "CA"}}) { id } }`,
		map[string]any{"id": f.weiContact}, nil)
	b.api.OK(b.token, `mutation($l: ID!) { removeClientContact(id: $l) }`, map[string]any{"l": f.wei}, nil)
	var listed struct {
		Node struct {
			Invoices []struct{ BilledTo *billedTo }
		}
	}
	b.api.OK(b.token, `query($id: ID!) { node(id: $id) { ... on Client { invoices { billedTo { linkId contactId name organizationReference email address { line1 city postalCode } } } } } }`,
		map[string]any{"id": f.client}, &listed)
	require.Len(t, listed.Node.Invoices, 1)
	require.Equal(t, want, *listed.Node.Invoices[0].BilledTo)

	// Without a billing contact the invoice is the client's.
	var plain struct{ CreateInvoice struct{ BilledTo *billedTo } }
	b.api.OK(b.token, issue, map[string]any{"c": f.client}, &plain)
	require.Nil(t, plain.CreateInvoice.BilledTo)
}
