package portal_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// An invoice addressed to a billing contact shows whom it is addressed to
// to that contact only: another contact with MANAGE_BILLING sees the
// invoice, not the other's name and address.
func TestPortalInvoiceBilledTo(t *testing.T) {
	t.Parallel()
	f := billingSetup(t)
	f.api.OK(f.p.Token, `mutation($l: ID!) { updateClientContact(id: $l, input: {appendContactTypes: [BILLING]}) { id } }`, map[string]any{"l": f.samLink}, nil)
	var pat struct {
		Node struct{ Contact struct{ ID string } }
	}
	f.api.OK(f.p.Token, `query($l: ID!) { node(id: $l) { ... on ClientContact { contact { id } } } }`, map[string]any{"l": f.samLink}, &pat)
	f.api.OK(f.p.Token, `mutation($id: ID!) { updateContact(id: $id, input: {organizationReference: "EMP-7", address: {line1: "5 Oak Road", city: "Toronto", region: "ON", postalCode: "M4C 1A1", country: "CA"}}) { id } }`,
		map[string]any{"id": pat.Node.Contact.ID}, nil)
	var lee struct{ AddClientContact struct{ ID string } }
	f.api.OK(f.p.Token, `mutation($c: ID!) { addClientContact(clientID: $c, input: {contact: {firstName: "Lee", lastName: "Rivera", email: "lee@family.example"}, relationship: GUARDIAN}) { id } }`,
		map[string]any{"c": f.sam}, &lee)
	f.api.OK(f.p.Token, `mutation($id: ID!) { inviteContactToPortal(linkId: $id, scopes: [MANAGE_BILLING]) { id } }`, map[string]any{"id": lee.AddClientContact.ID}, nil)
	leeS := f.claim(t, token(t, f.api.Outbox.Last(t, "lee@family.example").Link))

	var inv struct{ CreateInvoice struct{ ID string } }
	f.api.OK(f.p.Token, `mutation($c: ID!, $l: ID!) { createInvoice(clientId: $c, input: {currency: "CAD", lines: [{description: "Session", unitAmountCents: 9000}], billingContactId: $l}) { id } }`,
		map[string]any{"c": f.sam, "l": f.samLink}, &inv)

	type listed struct {
		PortalInvoices []struct {
			ID       string
			BilledTo *struct {
				Name, OrganizationReference string
				Address                     struct{ Line1 string }
			}
		}
	}
	const q = `{ portalInvoices { id billedTo { name organizationReference address { line1 } } } }`
	var asPat, asLee listed
	f.api.Acting(f.sam).OK(f.patS, q, nil, &asPat)
	f.api.Acting(f.sam).OK(leeS, q, nil, &asLee)
	require.Len(t, asPat.PortalInvoices, 2, "Sam's two invoices")
	require.Len(t, asLee.PortalInvoices, 2, "MANAGE_BILLING sees every invoice of the client")
	for i, p := range asPat.PortalInvoices {
		if p.ID != inv.CreateInvoice.ID {
			require.Nil(t, p.BilledTo, "an invoice addressed to the client")
			continue
		}
		require.Equal(t, "Pat Rivera", p.BilledTo.Name)
		require.Equal(t, "EMP-7", p.BilledTo.OrganizationReference)
		require.Equal(t, "5 Oak Road", p.BilledTo.Address.Line1)
		require.Equal(t, inv.CreateInvoice.ID, asLee.PortalInvoices[i].ID)
		require.Nil(t, asLee.PortalInvoices[i].BilledTo, "another contact does not see whom it is addressed to")
	}
}
