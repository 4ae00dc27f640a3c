package portal_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/ent/webhookendpoint"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// Matrix rows for webhooks (issue 15): owners and admins manage endpoints
// and read their deliveries; other staff are FORBIDDEN; the portal never
// reaches them. The fixture gains an endpoint with one delivered event.
// What deliveries do is tested in graph/webhooks_test.go and package event.
func init() {
	endpoint := func(fx *fixture) map[string]any { return map[string]any{"id": fx.records["webhook/endpoint"]} }
	fresh := func(fx *fixture) map[string]any { return map[string]any{"id": fx.newEndpoint()} }
	row("Query.webhookEndpoints", matrixOp{doc: `{ webhookEndpoints { id } }`, vars: noVars, who: forAdmin})
	row("Query.webhookDeliveries", matrixOp{doc: `query($id: ID!) { webhookDeliveries(endpointId: $id, first: 5) { totalCount } }`,
		vars: endpoint, who: forAdmin, target: true})
	row("Query.webhookEventTypes", matrixOp{doc: `{ webhookEventTypes }`, vars: noVars, who: forStaff})
	row("Mutation.createWebhookEndpoint", matrixOp{doc: `mutation { createWebhookEndpoint(input: {url: "https://receiver.example/kith", eventTypes: ["appointment.booked"]}) { endpoint { id } secret } }`,
		vars: noVars, who: forAdmin})
	row("Mutation.updateWebhookEndpoint", matrixOp{doc: `mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: {description: "EHR"}) { id } }`,
		vars: endpoint, who: forAdmin, target: true})
	row("Mutation.deleteWebhookEndpoint", matrixOp{doc: `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`,
		vars: fresh, who: forAdmin, target: true})
	row("Mutation.rotateWebhookSecret", matrixOp{doc: `mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }`,
		vars: endpoint, who: forAdmin, target: true})
	row("Mutation.redeliverWebhook", matrixOp{doc: `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id } }`,
		vars: func(fx *fixture) map[string]any { return map[string]any{"id": fx.records["webhook/delivery"]} }, who: forAdmin, target: true})
	row("Mutation.sendTestWebhook", matrixOp{doc: `mutation($id: ID!) { sendTestWebhook(endpointId: $id) { id } }`,
		vars: endpoint, who: forAdmin, target: true})

	adminNode := func(typ, selection, record, value string) fieldRow {
		r := staffNode(typ, selection, func(ff *fieldFixture) string { return ff.records[record] }, value)
		r.op.who, r.op.staffDenied = forAdmin, "NOT_FOUND" // through node, what they may not read reads as missing
		return r
	}
	fieldRowsFor(prefixed("WebhookEndpoint", "id", "createdAt", "updatedAt", "url", "description", "eventTypes", "enabled",
		"disabledReason", "disabledAt", "previousSecretExpiresAt", "failingSince"),
		adminNode("WebhookEndpoint", "id createdAt updatedAt url description eventTypes enabled disabledReason disabledAt previousSecretExpiresAt failingSince",
			"webhook/endpoint", "node.url"))
	fieldRowsFor(append(prefixed("WebhookDelivery", "id", "createdAt", "updatedAt", "eventType", "status", "attempts", "responseCode",
		"responseMs", "lastError", "lastAttemptAt", "nextAttemptAt", "deliveredAt", "event"),
		prefixed("WebhookEvent", "id", "type", "objectID", "createdAt", "payload")...),
		adminNode("WebhookDelivery", "id createdAt updatedAt eventType status attempts responseCode responseMs lastError lastAttemptAt nextAttemptAt deliveredAt event { id type objectID createdAt payload }",
			"webhook/delivery", "node.event.payload"))
	fieldRowsFor(append(prefixed("WebhookDeliveryConnection", "edges", "pageInfo", "totalCount"), prefixed("WebhookDeliveryEdge", "node", "cursor")...),
		fieldRow{op: matrixOp{doc: `query($id: ID!) { webhookDeliveries(endpointId: $id, first: 5) { totalCount pageInfo { hasNextPage } edges { cursor node { id } } } }`,
			vars: endpoint, who: forAdmin, target: true}, value: "webhookDeliveries.edges.node.id"})
	fieldRowsFor(prefixed("WebhookSecretPayload", "endpoint", "secret"),
		fieldRow{op: matrixOp{doc: `mutation($id: ID!) { rotateWebhookSecret(id: $id) { endpoint { id } secret } }`, vars: endpoint, who: forAdmin, target: true},
			value: "rotateWebhookSecret.secret"})

	fixtureHooks = append(fixtureHooks, webhookFixture)
}

// webhookFixture adds an endpoint with one delivered appointment.booked
// event.
func webhookFixture(t *testing.T, fx *fixture) {
	t.Helper()
	org := fx.p.Org.ID
	sys := viewer.NewContext(context.Background(), viewer.System{OrgID: org})
	ep, err := fx.db.Client.WebhookEndpoint.Create().SetOrganizationID(org).SetURL("https://receiver.example/kith").
		SetEventTypes([]string{"appointment.booked"}).SetSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").Save(sys)
	require.NoError(t, err)
	fx.records["webhook/endpoint"] = string(ep.ID)
	ev, err := fx.db.Client.WebhookEvent.Create().SetOrganizationID(org).SetType("appointment.booked").SetObjectID(fx.p.Owner.ID).
		SetPayload([]byte(`{"type":"appointment.booked","timestamp":"2026-12-03T09:00:00Z","data":{"id":"x","organizationId":"y"}}`)).Save(sys)
	require.NoError(t, err)
	d, err := fx.db.Client.WebhookDelivery.Create().SetOrganizationID(org).SetEventID(ev.ID).SetEndpointID(ep.ID).
		SetEventType(ev.Type).SetStatus("SUCCEEDED").SetAttempts(1).SetResponseCode(204).SetResponseMs(12).Save(sys)
	require.NoError(t, err)
	fx.records["webhook/delivery"] = string(d.ID)
}

// newEndpoint registers an endpoint, for a role to delete, after deleting
// those the rows registered but the fixture's (at most 20 per organisation).
func (fx *fixture) newEndpoint() string {
	sys := viewer.NewContext(context.Background(), viewer.System{OrgID: fx.p.Org.ID})
	if _, err := fx.db.Client.WebhookEndpoint.Delete().
		Where(webhookendpoint.IDNEQ(pulid.ID(fx.records["webhook/endpoint"]))).Exec(sys); err != nil {
		panic(err)
	}
	var out struct {
		CreateWebhookEndpoint struct{ Endpoint struct{ ID string } }
	}
	fx.api.OK(fx.p.Token, `mutation { createWebhookEndpoint(input: {url: "https://receiver.example/spare", eventTypes: ["client.created"]}) { endpoint { id } } }`, nil, &out)
	return out.CreateWebhookEndpoint.Endpoint.ID
}
