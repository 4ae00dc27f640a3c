package portal_test

import (
	"testing"

	"github.com/kith-health/kith/schematype"
)

// Matrix rows for shared documents and forms.
func init() {
	// forActing is the client a role acts for, or Sam when none.
	forActing := func(fx *fixture, r role) string {
		if r.acting == "" {
			return fx.sam
		}
		return r.acting
	}
	record := func(kind string) func(fx *fixture, r role) map[string]any {
		return func(fx *fixture, r role) map[string]any {
			return map[string]any{"id": fx.records[kind+"/"+forActing(fx, r)]}
		}
	}
	row("Query.portalDocuments", matrixOp{doc: `{ portalDocuments { id title } }`, vars: noVars, who: forScope, scope: schematype.PortalScopeViewDocuments, list: "portalDocuments"})
	row("Query.portalDocument", matrixOp{doc: `query($id: ID!) { portalDocument(id: $id) { id url } }`, roleVars: record("document"), who: forScope, scope: schematype.PortalScopeViewDocuments})
	row("Query.portalForms", matrixOp{doc: `{ portalForms { id title } }`, vars: noVars, who: forScope, scope: schematype.PortalScopeViewForms, list: "portalForms"})
	row("Query.portalForm", matrixOp{doc: `query($id: ID!) { portalForm(id: $id) { id status } }`, roleVars: record("form"), who: forScope, scope: schematype.PortalScopeViewForms})
	row("Mutation.submitPortalForm", matrixOp{doc: `mutation($id: ID!) { submitPortalForm(id: $id, answers: [{questionId: "q1", value: "Fine"}]) { id status } }`,
		roleVars: func(fx *fixture, r role) map[string]any {
			return map[string]any{"id": sendMatrixForm(fx, forActing(fx, r))}
		},
		who: forScope, scope: schematype.PortalScopeViewForms})
	row("Mutation.shareDocument", matrixOp{doc: `mutation($id: ID!) { shareDocument(clientId: $id, input: {title: "Plan", fileName: "plan.pdf", url: "https://files.example/plan.pdf"}) { id } }`,
		vars: func(fx *fixture) map[string]any { return map[string]any{"id": fx.spare} }, who: forStaff, target: true})
	row("Mutation.sendForm", matrixOp{doc: `mutation($id: ID!) { sendForm(clientId: $id, input: {title: "Intake", questions: [{label: "How are you?", type: TEXT}]}) { id } }`,
		vars: func(fx *fixture) map[string]any { return map[string]any{"id": fx.spare} }, who: forStaff, target: true})

	row("Mutation.withdrawForm", matrixOp{doc: `mutation($id: ID!) { withdrawForm(id: $id) { id status } }`,
		vars: func(fx *fixture) map[string]any { return map[string]any{"id": sendMatrixForm(fx, fx.spare)} }, who: forStaff, target: true})

	// A document and a form for Sam and for Alex, for those who may see them.
	fixtureHooks = append(fixtureHooks, func(t *testing.T, fx *fixture) {
		t.Helper()
		for _, c := range []string{fx.sam, fx.alex} {
			var doc struct{ ShareDocument struct{ ID string } }
			fx.api.OK(fx.p.Token, `mutation($id: ID!) { shareDocument(clientId: $id, input: {title: "Plan", fileName: "plan.pdf", url: "https://files.example/plan.pdf"}) { id } }`,
				map[string]any{"id": c}, &doc)
			fx.records["document/"+c] = doc.ShareDocument.ID
			fx.records["form/"+c] = sendMatrixForm(fx, c)
		}
	})
}

// sendMatrixForm sends client a one-question form and returns its ID.
func sendMatrixForm(fx *fixture, client string) string {
	var out struct{ SendForm struct{ ID string } }
	fx.api.OK(fx.p.Token, `mutation($id: ID!) { sendForm(clientId: $id, input: {title: "Check-in", questions: [{label: "How are you?", type: TEXT, required: true}]}) { id } }`,
		map[string]any{"id": client}, &out)
	return out.SendForm.ID
}
