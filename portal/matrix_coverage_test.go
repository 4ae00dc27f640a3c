package portal_test

import "testing"

// Matrix rows for health cards and billing contacts.
func init() {
	card := func(fx *fixture) map[string]any { return map[string]any{"id": fx.records["coverage/card"]} }
	row("Mutation.validateHealthCard", matrixOp{doc: `mutation($id: ID!) { validateHealthCard(id: $id) { id healthCardStatus } }`,
		vars: card, who: forStaff, target: true})
	row("Mutation.setCoverageBillingContact", matrixOp{doc: `mutation($id: ID!) { setCoverageBillingContact(id: $id, billingContactID: null) { id billingContact { id } } }`,
		vars: card, who: forStaff, target: true})

	// A coverage of the spare client with an Ontario health card.
	fixtureHooks = append(fixtureHooks, func(t *testing.T, fx *fixture) {
		t.Helper()
		var out struct{ CreateCoverage struct{ ID string } }
		fx.api.OK(fx.p.Token, `mutation($id: ID!) { createCoverage(input: {clientID: $id, region: "ON", healthCardNumber: "1234 567 897"}) { id } }`,
			map[string]any{"id": fx.spare}, &out)
		fx.records["coverage/card"] = out.CreateCoverage.ID
	})
}
