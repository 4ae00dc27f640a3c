package portal_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/kith-health/kith/schematype"
)

// Matrix rows for invoices, payments and saved cards.
func init() {
	acting := func(fx *fixture, r role) string {
		if r.acting == "" {
			return fx.sam
		}
		return r.acting
	}
	billing := schematype.PortalScopeManageBilling
	row("Query.portalInvoices", matrixOp{doc: `{ portalInvoices { id number } }`, vars: noVars, who: forScope, scope: billing, list: "portalInvoices"})
	row("Query.portalSavedCards", matrixOp{doc: `{ portalSavedCards { id last4 } }`, vars: noVars, who: forScope, scope: billing, list: "portalSavedCards"})
	row("Mutation.createInvoice", matrixOp{doc: `mutation($id: ID!) { createInvoice(clientId: $id, input: {currency: "CAD", lines: [{description: "Session", unitAmountCents: 12000}]}) { id } }`,
		vars: func(fx *fixture) map[string]any { return map[string]any{"id": fx.spare} }, who: forStaff, target: true})
	row("Mutation.voidInvoice", matrixOp{doc: `mutation($id: ID!) { voidInvoice(id: $id) { id } }`,
		vars: func(fx *fixture) map[string]any { return map[string]any{"id": fx.records["invoice/"+fx.spare]} }, who: forStaff, target: true})
	row("Mutation.payPortalInvoice", matrixOp{doc: `mutation($in: PayPortalInvoiceInput!) { payPortalInvoice(input: $in) { id status } }`,
		roleVars: func(fx *fixture, r role) map[string]any {
			return map[string]any{"in": map[string]any{"invoiceId": issueInvoice(fx, acting(fx, r)), "token": "tok_visa", "idempotencyKey": fmt.Sprintf("key-%d", fx.next())}}
		},
		who: forScope, scope: billing})
	row("Mutation.addPortalCard", matrixOp{doc: `mutation { addPortalCard(token: "tok_visa") { id } }`, vars: noVars, who: forScope, scope: billing, deniedCode: "FORBIDDEN"})
	row("Mutation.removePortalCard", matrixOp{doc: `mutation($id: ID!) { removePortalCard(id: $id) }`,
		roleVars: func(fx *fixture, r role) map[string]any {
			// One who may gets a card of its own to remove; others try the client's.
			if ok, _ := (matrixOp{who: forScope, scope: billing}).expect(r); ok {
				return map[string]any{"id": addCard(fx, r)}
			}
			return map[string]any{"id": fx.records["card/"+acting(fx, r)]}
		},
		who: forScope, scope: billing})

	// An invoice for Sam, Alex and the spare client, and a card for Sam and Alex.
	fixtureHooks = append(fixtureHooks, func(t *testing.T, fx *fixture) {
		t.Helper()
		for _, c := range []string{fx.sam, fx.alex, fx.spare} {
			fx.records["invoice/"+c] = issueInvoice(fx, c)
		}
		for _, r := range fx.roles {
			if r.self || (r.access && slices.Contains(r.scopes, billing) && fx.records["card/"+r.acting] == "") {
				fx.records["card/"+r.acting] = addCard(fx, r)
			}
		}
	})
}

// issueInvoice issues client an invoice and returns its ID.
func issueInvoice(fx *fixture, client string) string {
	var out struct{ CreateInvoice struct{ ID string } }
	fx.api.OK(fx.p.Token, `mutation($id: ID!) { createInvoice(clientId: $id, input: {currency: "CAD", lines: [{description: "Session", unitAmountCents: 12000}]}) { id } }`,
		map[string]any{"id": client}, &out)
	return out.CreateInvoice.ID
}

// addCard saves a card as r and returns its ID.
func addCard(fx *fixture, r role) string {
	var out struct{ AddPortalCard struct{ ID string } }
	fx.api.Acting(r.acting).OK(r.token, `mutation { addPortalCard(token: "tok_visa") { id } }`, nil, &out)
	return out.AddPortalCard.ID
}
