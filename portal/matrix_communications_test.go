package portal_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/communication"
	"github.com/kith-health/kith/ent"
	entcomm "github.com/kith-health/kith/ent/communication"
	"github.com/kith-health/kith/ent/communicationparty"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// Matrix rows for the communications log (issue 14). The fixture gains an
// admin and a front-desk member (every row runs as them too), an email and
// an open call that concern Sam and every staff member of the practice (so
// that each staff role may read them: who may not is tested in
// graph/communications_test.go), and a mailbox. The portal never reads a
// communication.
//
// The callEvents subscription runs over a WebSocket, not this matrix's
// HTTP: its row is skipped (pending), and graph/callevents_test.go and
// graph/subscription_test.go test who hears what.
func init() {
	rec := func(name string) func(fx *fixture) map[string]any {
		return func(fx *fixture) map[string]any { return map[string]any{"id": fx.records[name]} }
	}
	row("Query.communications", matrixOp{doc: `{ communications(first: 5, where: {kind: EMAIL}) { totalCount edges { node { id } } } }`, vars: noVars, who: forAdmin})
	row("Query.unmatchedCommunications", matrixOp{doc: `{ unmatchedCommunications(first: 5) { totalCount } }`, vars: noVars, who: forAdmin})
	row("Query.mailboxes", matrixOp{doc: `{ mailboxes { id } }`, vars: noVars, who: forAdmin})
	row("Mutation.updateCommunication", matrixOp{doc: `mutation($id: ID!) { updateCommunication(id: $id, input: {description: "Noted"}) { id description } }`,
		vars: rec("communication/call"), who: forStaff, target: true})
	// The first allowed role ends it; the others are told it is closed
	// (BAD_USER_INPUT), past the access checks.
	row("Mutation.endCall", matrixOp{doc: `mutation($id: ID!) { endCall(id: $id) { id status } }`, vars: rec("communication/call"), who: forStaff, target: true})
	row("Mutation.logCall", matrixOp{doc: `mutation { logCall(input: {direction: OUTBOUND, to: "+14165550100", title: "Called back"}) { id status } }`,
		vars: noVars, who: forStaff})
	row("Mutation.connectMailbox", matrixOp{doc: `mutation { connectMailbox(input: {address: "desk@practice.example", host: "127.0.0.1", port: 1, security: NONE, password: "secret"}) { id } }`,
		vars: noVars, who: forOwner})
	row("Mutation.disconnectMailbox", matrixOp{doc: `mutation($id: ID!) { disconnectMailbox(id: $id) { id active } }`,
		vars: rec("communication/mailbox"), who: forOwner, target: true})

	email := func(ff *fieldFixture) string { return ff.records["communication/email"] }
	call := func(ff *fieldFixture) string { return ff.records["communication/call"] }
	fieldRowsFor(append(prefixed("Communication", "id", "createdAt", "updatedAt", "kind", "direction", "status", "source", "providerID", "occurredAt",
		"fromAddress", "toAddresses", "ccAddresses", "title", "description", "subject", "textBody", "htmlBody", "attachments", "messageID",
		"relatedTo", "candidates", "unmatched", "thread", "loggedBy", "closedBy"), prefixed("Attachment", "filename", "contentType", "size")...),
		staffNode("Communication", `id createdAt updatedAt kind direction status source providerID occurredAt fromAddress toAddresses ccAddresses
			title description subject textBody htmlBody attachments { filename contentType size } messageID
			relatedTo { __typename ... on Client { id } ... on Contact { id } ... on Staff { id } } candidates { id } unmatched thread { id }
			loggedBy { id } closedBy { id }`, email, "node.attachments.filename"))
	fieldRowsFor(prefixed("Communication", "startedAt", "answeredAt", "endedAt", "durationSeconds", "outcome", "recordingURL", "providerStatus",
		"platform", "closedAt", "closedAutomatically"),
		staffNode("Communication", "startedAt answeredAt endedAt durationSeconds outcome recordingURL providerStatus platform closedAt closedAutomatically",
			call, "node.outcome"))
	// The mailbox an email came from is the admins' (Mailbox's policy):
	// other staff read the email with its mailbox null.
	mailboxOf := staffNode("Communication", "mailbox { id address }", email, "")
	mailboxOf.see = func(t *testing.T, _ *fieldFixture, r role, data json.RawMessage) {
		got := valuesAt(t, data, "node.mailbox.address")
		if r.admin {
			require.NotEmpty(t, got, "%s sees the mailbox of the email", r.name)
		} else {
			require.Empty(t, got, "%s reads the email, its mailbox null", r.name)
		}
	}
	fieldRowsFor([]string{"Communication.mailbox"}, mailboxOf)
	fieldRowsFor(append(append([]string{"Client.communications"}, prefixed("CommunicationConnection", "edges", "pageInfo", "totalCount")...),
		prefixed("CommunicationEdge", "node", "cursor")...),
		staffNode("Client", "communications(first: 5) { totalCount pageInfo { hasNextPage } edges { cursor node { id } } }",
			func(ff *fieldFixture) string { return ff.sam }, "node.communications.edges.node.id"))
	// Each staff member reads their own (another's is FORBIDDEN but to
	// admins: graph/communications_test.go).
	fieldRowsFor(prefixed("Staff", "phone", "communications"),
		fieldRow{op: matrixOp{doc: `{ me { phone communications(first: 5) { edges { node { id } } } } }`, vars: noVars, who: forStaff},
			value: "me.communications.edges.node.id"})
	fieldRowsFor([]string{"Organization.callAutoCloseHours"},
		fieldRow{op: matrixOp{doc: `{ organization { callAutoCloseHours } }`, vars: noVars, who: forStaff}, value: "organization.callAutoCloseHours"})
	mailboxNode := staffNode("Mailbox", "id createdAt updatedAt address host port security username inboxFolder sentFolder active lastImportAt lastError lastErrorAt connectedBy { id }",
		func(ff *fieldFixture) string { return ff.records["communication/mailbox"] }, "node.address")
	mailboxNode.op.who, mailboxNode.op.staffDenied = forAdmin, "NOT_FOUND" // to other staff, a mailbox reads as missing
	fieldRowsFor(prefixed("Mailbox", "id", "createdAt", "updatedAt", "address", "host", "port", "security", "username", "inboxFolder", "sentFolder",
		"active", "lastImportAt", "lastError", "lastErrorAt", "connectedBy"), mailboxNode)
	fieldRowsFor(append([]string{"Subscription.callEvents"}, prefixed("CallEvent", "kind", "communication")...),
		fieldRow{op: matrixOp{doc: `subscription { callEvents { kind communication { id } } }`, vars: noVars, who: forStaff, pending: "a WebSocket, not this matrix's HTTP: graph/callevents_test.go and graph/subscription_test.go test it"}})

	fixtureHooks = append(fixtureHooks, communicationFixture)
}

// communicationFixture adds an admin and a front-desk member to the
// fixture's roles, a mailbox, and an email and an open call that concern
// Sam and every staff member of the practice.
func communicationFixture(t *testing.T, fx *fixture) {
	t.Helper()
	ctx := context.Background()
	org := fx.p.Org.ID
	sys := viewer.NewContext(ctx, viewer.System{OrgID: org})
	member := func(name, email, role string) (pulid.ID, string) {
		var out struct{ CreateStaff struct{ ID string } }
		fx.api.OK(fx.p.Token, `mutation($i: CreateStaffInput!) { createStaff(input: $i) { id } }`,
			map[string]any{"i": map[string]any{"name": name, "email": email, "role": role}}, &out)
		s, err := fx.db.Client.Staff.Get(sys, pulid.ID(out.CreateStaff.ID))
		require.NoError(t, err)
		tok, err := fx.api.Auth.Issue(ctx, s)
		require.NoError(t, err)
		return s.ID, tok.Secret
	}
	staffIDs := []pulid.ID{fx.p.Owner.ID}
	for _, r := range fx.roles {
		if r.name == "practitioner" {
			var me struct{ Me struct{ ID string } }
			fx.api.OK(r.token, `{ me { id } }`, nil, &me)
			staffIDs = append(staffIDs, pulid.ID(me.Me.ID))
		}
	}
	admin, adminToken := member("Ada Admin", "ada@practice.example", "ADMIN")
	desk, deskToken := member("Dee Desk", "dee@practice.example", "FRONT_DESK")
	staffIDs = append(staffIDs, admin, desk)
	fx.roles = append(fx.roles,
		role{name: "admin", token: adminToken, staff: true, admin: true},
		role{name: "front desk", token: deskToken, staff: true})

	box, err := fx.db.Client.Mailbox.Create().SetOrganizationID(org).SetAddress("desk@practice.example").SetHost("imap.practice.example").
		SetUsername("desk@practice.example").SetSecret([]byte("sealed")).SetSentFolder("Sent").SetConnectedByID(fx.p.Owner.ID).Save(sys)
	require.NoError(t, err)
	fx.records["communication/mailbox"] = string(box.ID)
	var everyone []communication.Party
	for _, id := range staffIDs {
		everyone = append(everyone, communication.Party{StaffID: id, MatchedBy: communicationparty.MatchedByStaff})
	}
	record := func(in communication.Input) *ent.Communication {
		in.OrganizationID, in.Extra = org, everyone
		c, _, err := communication.Record(ctx, fx.db.Client, in)
		require.NoError(t, err)
		return c
	}
	// From a contact of Sam: Sam and the contact, and every staff member.
	mail := record(communication.Input{Kind: entcomm.KindEmail, Direction: entcomm.DirectionInbound, Source: entcomm.SourceIMAP,
		ProviderID: "q1@family.example", MessageID: "q1@family.example", ThreadKey: "q1@family.example", MailboxID: box.ID,
		From: "c0@family.example", To: []string{"desk@practice.example"}, Cc: []string{"c1@family.example"},
		Title: "A question", Subject: "A question", Text: "Can we move Thursday?", HTML: "<p>Can we move Thursday?</p><script>alert(1)</script>",
		Attachments: []schematype.Attachment{{Filename: "note.pdf", ContentType: "application/pdf", Size: 1024}}})
	fx.records["communication/email"] = string(mail.ID)
	start := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	answered, ended, seconds, outcome := start.Add(10*time.Second), start.Add(250*time.Second), 240, entcomm.OutcomeAnswered
	c := record(communication.Input{Kind: entcomm.KindCall, Direction: entcomm.DirectionInbound, Source: entcomm.SourceTwilioVoice,
		ProviderID: "CA-matrix", From: "+14165550100", To: []string{"+14165550199"}, OccurredAt: start,
		StartedAt: &start, AnsweredAt: &answered, EndedAt: &ended, DurationSeconds: &seconds, Outcome: &outcome, ProviderStatus: "completed"})
	fx.records["communication/call"] = string(c.ID)
}
