package portal_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/apikey"
	"github.com/kith-health/kith/viewer"
)

// Matrix rows for API keys (issue 15): owners create and revoke keys,
// owners and admins list them, other staff are FORBIDDEN and the portal
// never reaches them. The fixture gains a key. What a key may do is tested
// in graph/apikeys_test.go and package auth.
func init() {
	key := func(fx *fixture) map[string]any { return map[string]any{"id": fx.records["apikey"]} }
	row("Query.apiKeys", matrixOp{doc: `{ apiKeys { id } }`, vars: noVars, who: forAdmin})
	row("Mutation.createApiKey", matrixOp{doc: `mutation { createApiKey(input: {name: "EHR sync", role: PRACTITIONER}) { apiKey { id } secret } }`,
		vars: noVars, who: forOwner})
	row("Mutation.revokeApiKey", matrixOp{doc: `mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`,
		vars: key, who: forOwner, target: true})

	r := staffNode("ApiKey", "id name role prefix createdAt lastUsedAt revokedAt", func(ff *fieldFixture) string { return ff.records["apikey"] }, "node.prefix")
	r.op.who, r.op.staffDenied = forAdmin, "NOT_FOUND" // through node, what they may not read reads as missing
	fieldRowsFor(prefixed("ApiKey", "id", "name", "role", "prefix", "createdAt", "lastUsedAt", "revokedAt"), r)
	fieldRowsFor(prefixed("CreateApiKeyPayload", "apiKey", "secret"),
		fieldRow{op: matrixOp{doc: `mutation { createApiKey(input: {name: "Reports", role: FRONT_DESK}) { apiKey { id prefix } secret } }`, vars: noVars, who: forOwner},
			value: "createApiKey.secret"})

	fixtureHooks = append(fixtureHooks, apiKeyFixture)
}

// apiKeyFixture adds a key of the practice's.
func apiKeyFixture(t *testing.T, fx *fixture) {
	t.Helper()
	owner := viewer.NewContext(context.Background(), viewer.Staff{OrgID: fx.p.Org.ID, StaffID: fx.p.Owner.ID, Role: viewer.RoleOwner})
	k, err := apikey.Create(owner, fx.db.Client, apikey.NewKey{Name: "Fixture key", Role: "ADMIN"})
	require.NoError(t, err)
	fx.records["apikey"] = string(k.APIKey.ID)
}
