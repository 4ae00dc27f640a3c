package portal_test

import (
	"testing"

	"github.com/kith-health/kith/schematype"
)

// Matrix rows for secure messaging (package thread).
func init() {
	thread := func(fx *fixture) map[string]any { return map[string]any{"c": fx.sam} }
	row("Query.threadMessages", matrixOp{doc: `query($c: ID!) { threadMessages(clientId: $c) { id } }`, vars: thread, who: forStaff, target: true})
	row("Query.portalMessages", matrixOp{doc: `{ portalMessages { id body } }`, vars: noVars, who: forScope, scope: schematype.PortalScopeMessaging, list: "portalMessages"})
	row("Mutation.sendPortalMessage", matrixOp{doc: `mutation($c: ID!) { sendPortalMessage(clientId: $c, body: "Hello") { id } }`, vars: thread, who: forStaff, target: true})
	row("Mutation.markThreadRead", matrixOp{doc: `mutation($c: ID!) { markThreadRead(clientId: $c) { unreadCount } }`, vars: thread, who: forStaff, target: true})
	row("Mutation.sendMessageToPractice", matrixOp{doc: `mutation { sendMessageToPractice(body: "Hi") { id } }`, vars: noVars, who: forScope, scope: schematype.PortalScopeMessaging})
	row("Mutation.markPortalMessagesRead", matrixOp{doc: `mutation { markPortalMessagesRead }`, vars: noVars, who: forScope, scope: schematype.PortalScopeMessaging})

	// The practice writes in every portal user's own thread, so those who
	// may read it have something to read.
	fixtureHooks = append(fixtureHooks, func(t *testing.T, fx *fixture) {
		t.Helper()
		seen := map[string]bool{}
		for _, r := range fx.roles {
			if !r.portal || r.acting == "" || seen[r.acting+"/"+r.contact] {
				continue
			}
			seen[r.acting+"/"+r.contact] = true
			vars := map[string]any{"c": r.acting, "b": "From the practice"}
			if r.contact != "" {
				vars["co"] = r.contact
			}
			fx.api.OK(fx.p.Token, `mutation($c: ID!, $co: ID, $b: String!) { sendPortalMessage(clientId: $c, contactId: $co, body: $b) { id } }`, vars, nil)
		}
	})
}
