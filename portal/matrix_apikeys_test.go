package portal_test

import (
	"context"
	"regexp"
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

// apiKeyFixture adds a key of the practice's, and two roles that call
// every row with a key: an ADMIN key and a PRACTITIONER key, with their
// role's rights but no person's.
func apiKeyFixture(t *testing.T, fx *fixture) {
	t.Helper()
	owner := viewer.NewContext(context.Background(), viewer.Staff{OrgID: fx.p.Org.ID, StaffID: fx.p.Owner.ID, Role: viewer.RoleOwner})
	k, err := apikey.Create(owner, fx.db.Client, apikey.NewKey{Name: "Fixture key", Role: "ADMIN"})
	require.NoError(t, err)
	fx.records["apikey"] = string(k.APIKey.ID)
	admin, err := apikey.Create(owner, fx.db.Client, apikey.NewKey{Name: "Admin integration", Role: "ADMIN"})
	require.NoError(t, err)
	prac, err := apikey.Create(owner, fx.db.Client, apikey.NewKey{Name: "Practitioner integration", Role: "PRACTITIONER"})
	require.NoError(t, err)
	fx.roles = append(fx.roles,
		role{name: "ADMIN API key", token: admin.Secret, staff: true, admin: true, key: true},
		role{name: "PRACTITIONER API key", token: prac.Secret, staff: true, key: true},
	)
}

// personOnly matches the operations only a person may call: an API key
// gets FORBIDDEN (kith.ErrNotAPerson).
var personOnly = regexp.MustCompile(`\bme\s*\{|\bsignOut\b|\blogCall\s*\(`)

// needsPerson reports whether doc calls an operation only a person may.
func needsPerson(doc string) bool { return personOnly.MatchString(doc) }

// relatedOnly matches the reads and edits of communications, which staff
// other than owners and admins reach only when related to them: a key of
// such a role is related to none, so they read as missing.
var relatedOnly = regexp.MustCompile(`\bendCall\b|\bupdateCommunication\b|\bcommunications\s*\(|\bon Communication\b`)

// relatedToNobody reports whether doc reaches only communications related
// to the viewer.
func relatedToNobody(doc string) bool { return relatedOnly.MatchString(doc) }
