package portal_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/portal"
	"github.com/kith-health/kith/schematype"
)

// The authorisation matrix: every role against every root query and
// mutation, asserting allow or deny. TestMatrixCoversEveryOperation fails
// when an operation of the schema has no row in matrixOps.

// audience is who an operation is for.
type audience int

const (
	forPublic audience = iota // anyone, signed in or not
	forStaff                  // any staff member
	forAdmin                  // owners and admins
	forPortal                 // any portal session, acting for a client or not
	forActing                 // a portal session acting for a client it may act for
	forScope                  // forActing, and the scope (a client has every scope)
	forOwner                  // owners only (FORBIDDEN for other staff)
)

// matrixOp is one row of the matrix: an operation, its variables over a
// fixture and whom it is for.
type matrixOp struct {
	doc  string
	vars func(fx *fixture) map[string]any
	// roleVars, when set, gives each role its own variables (a record of
	// the client it acts for), instead of vars.
	roleVars func(fx *fixture, r role) map[string]any
	who      audience
	// scope is the scope a contact needs, for forScope.
	scope schematype.PortalScope
	// target: the operation names a record of the practice, so staff of
	// another organisation get NOT_FOUND (otherwise they act on their own).
	target bool
	// list is the JSON path (dot-separated) of what a denied portal viewer
	// sees as empty rather than NOT_FOUND.
	list string
	// deniedCode replaces NOT_FOUND for a portal viewer that may not, for
	// operations that name no record (adding a card is FORBIDDEN).
	deniedCode string
	// staffDenied replaces FORBIDDEN for staff below the audience (a
	// record they may not read reads as missing).
	staffDenied string
	// pending names the work that builds the operation, not merged yet: the
	// row is skipped until it is (remove pending then).
	pending string
}

// matrixOps has a row per root field, "Query.name" or "Mutation.name".
var matrixOps = map[string]matrixOp{}

// row adds rows to matrixOps; feature files add theirs in init.
func row(name string, op matrixOp) {
	if _, dup := matrixOps[name]; dup {
		panic("two matrix rows for " + name)
	}
	matrixOps[name] = op
}

func noVars(*fixture) map[string]any { return nil }

func init() {
	id := func(get func(fx *fixture) string) func(fx *fixture) map[string]any {
		return func(fx *fixture) map[string]any { return map[string]any{"id": get(fx)} }
	}
	client := id(func(fx *fixture) string { return fx.sam })
	spareClient := id(func(fx *fixture) string { return fx.spare })
	appt := id(func(fx *fixture) string { return fx.appt })
	soon := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Minute)

	// Staff queries.
	row("Query.me", matrixOp{doc: `{ me { id } }`, vars: noVars, who: forStaff})
	row("Query.organization", matrixOp{doc: `{ organization { id } }`, vars: noVars, who: forStaff})
	row("Query.searchContacts", matrixOp{doc: `{ searchContacts(query: "x") { id } }`, vars: noVars, who: forStaff})
	row("Query.messagePlaceholders", matrixOp{doc: `{ messagePlaceholders { name } }`, vars: noVars, who: forStaff})
	row("Query.effectiveMessageTemplate", matrixOp{doc: `{ effectiveMessageTemplate(kind: REMINDER, channel: EMAIL) { isDefault } }`, vars: noVars, who: forStaff})
	row("Query.previewMessage", matrixOp{doc: `query($id: ID!) { previewMessage(appointmentID: $id, kind: REMINDER, channel: EMAIL) { text } }`, vars: appt, who: forStaff, target: true})
	row("Query.node", matrixOp{doc: `query($id: ID!) { node(id: $id) { id } }`, vars: client, who: forStaff, target: true})
	row("Query.nodes", matrixOp{doc: `query($id: ID!) { nodes(ids: [$id]) { id } }`, vars: client, who: forStaff, target: true})
	for _, q := range []string{"appointments", "clients", "contacts", "notifications", "scheduledMessages", "staffMembers"} {
		row("Query."+q, matrixOp{doc: `{ ` + q + `(first: 5) { totalCount } }`, vars: noVars, who: forStaff})
	}
	row("Query.emailSuppressions", matrixOp{doc: `{ emailSuppressions { email } }`, vars: noVars, who: forStaff})
	row("Query.phoneOptOuts", matrixOp{doc: `{ phoneOptOuts { phone } }`, vars: noVars, who: forStaff})
	row("Query.messageTemplates", matrixOp{doc: `{ messageTemplates { id } }`, vars: noVars, who: forStaff})

	// Staff mutations.
	row("Mutation.signIn", matrixOp{doc: `mutation { signIn(input: {organization: "practice", email: "owner@practice.example", password: "correct horse battery"}) { token } }`, vars: noVars, who: forPublic})
	row("Mutation.signOut", matrixOp{doc: `mutation { signOut }`, vars: noVars, who: forStaff})
	row("Mutation.updateOrganization", matrixOp{doc: `mutation { updateOrganization(input: {name: "Renamed"}) { id } }`, vars: noVars, who: forAdmin})
	row("Mutation.createStaff", matrixOp{doc: `mutation($e: String!) { createStaff(input: {name: "New", email: $e}) { id } }`,
		vars: func(fx *fixture) map[string]any {
			return map[string]any{"e": fmt.Sprintf("new%d@practice.example", fx.next())}
		}, who: forAdmin})
	row("Mutation.updateStaff", matrixOp{doc: `mutation($id: ID!) { updateStaff(id: $id, input: {name: "Renamed"}) { id } }`,
		vars: id(func(fx *fixture) string { return fx.spareStaff }), who: forAdmin, target: true})
	row("Mutation.createClient", matrixOp{doc: `mutation { createClient(input: {firstName: "N", lastName: "N", email: "n@n.example"}) { id } }`, vars: noVars, who: forStaff})
	row("Mutation.updateClient", matrixOp{doc: `mutation($id: ID!) { updateClient(id: $id, input: {pronouns: "they/them"}) { id } }`, vars: spareClient, who: forStaff, target: true})
	row("Mutation.setClientNotifications", matrixOp{doc: `mutation($id: ID!) { setClientNotifications(id: $id, input: {notifyReminders: false}) { id } }`, vars: spareClient, who: forStaff, target: true})
	row("Mutation.createContact", matrixOp{doc: `mutation { createContact(input: {firstName: "N"}) { id } }`, vars: noVars, who: forStaff})
	row("Mutation.updateContact", matrixOp{doc: `mutation($id: ID!) { updateContact(id: $id, input: {lastName: "Changed"}) { id } }`,
		vars: id(func(fx *fixture) string { return fx.spareContact }), who: forStaff, target: true})
	row("Mutation.addClientContact", matrixOp{doc: `mutation($id: ID!, $c: ID!) { addClientContact(clientID: $id, input: {contactID: $c, relationship: FRIEND}) { id } }`,
		vars: func(fx *fixture) map[string]any { return map[string]any{"id": fx.spare, "c": fx.spareContact} }, who: forStaff, target: true})
	row("Mutation.updateClientContact", matrixOp{doc: `mutation($id: ID!) { updateClientContact(id: $id, input: {relationshipLabel: "x"}) { id } }`,
		vars: id(func(fx *fixture) string { return fx.spareLink }), who: forStaff, target: true})
	row("Mutation.removeClientContact", matrixOp{doc: `mutation($id: ID!) { removeClientContact(id: $id) }`,
		vars: id(func(fx *fixture) string { return fx.newLink() }), who: forStaff, target: true})
	row("Mutation.createCoverage", matrixOp{doc: `mutation($id: ID!) { createCoverage(input: {clientID: $id, region: "ON"}) { id } }`, vars: spareClient, who: forStaff, target: true})
	row("Mutation.updateCoverage", matrixOp{doc: `mutation($id: ID!) { updateCoverage(id: $id, input: {region: "QC"}) { id } }`,
		vars: id(func(fx *fixture) string { return fx.coverage }), who: forStaff, target: true})
	row("Mutation.deleteCoverage", matrixOp{doc: `mutation($id: ID!) { deleteCoverage(id: $id) }`,
		vars: id(func(fx *fixture) string { return fx.newCoverage() }), who: forStaff, target: true})
	row("Mutation.createAppointment", matrixOp{doc: `mutation($id: ID!, $p: ID!, $s: Time!, $e: Time!) { createAppointment(input: {clientID: $id, practitionerID: $p, startsAt: $s, endsAt: $e}) { id } }`,
		vars: func(fx *fixture) map[string]any {
			at := soon.Add(time.Duration(fx.next()) * time.Hour)
			return map[string]any{"id": fx.spare, "p": fx.ownerID, "s": at, "e": at.Add(time.Hour)}
		}, who: forStaff, target: true})
	row("Mutation.rescheduleAppointment", matrixOp{doc: `mutation($id: ID!, $s: Time!, $e: Time!) { rescheduleAppointment(id: $id, startsAt: $s, endsAt: $e) { id } }`,
		vars: func(fx *fixture) map[string]any {
			at := soon.Add(time.Duration(100+fx.next()) * time.Hour)
			return map[string]any{"id": fx.appt, "s": at, "e": at.Add(time.Hour)}
		}, who: forStaff, target: true})
	for _, m := range []string{"confirmAppointment", "markAppointmentMissed", "completeAppointment"} {
		row("Mutation."+m, matrixOp{doc: `mutation($id: ID!) { ` + m + `(id: $id) { id } }`, vars: appt, who: forStaff, target: true})
	}
	row("Mutation.cancelAppointment", matrixOp{doc: `mutation($id: ID!) { cancelAppointment(id: $id, reason: "ill") { id } }`, vars: appt, who: forStaff, target: true})
	row("Mutation.saveMessageTemplate", matrixOp{doc: `mutation { saveMessageTemplate(input: {kind: REMINDER, channel: SMS, language: "en", text: "Hi [RecipientFirstName]"}) { id } }`, vars: noVars, who: forAdmin})
	row("Mutation.deleteMessageTemplate", matrixOp{doc: `mutation($id: ID!) { deleteMessageTemplate(id: $id) }`,
		vars: id(func(fx *fixture) string { return fx.newTemplate() }), who: forAdmin, target: true})
	row("Mutation.createScheduledMessage", matrixOp{doc: `mutation($id: ID!, $at: Time!) { createScheduledMessage(input: {clientID: $id, body: "Hello", sendAt: $at}) { id } }`,
		vars: func(fx *fixture) map[string]any { return map[string]any{"id": fx.spare, "at": soon} }, who: forStaff, target: true})
	row("Mutation.updateScheduledMessage", matrixOp{doc: `mutation($id: ID!) { updateScheduledMessage(id: $id, input: {body: "Changed"}) { id } }`,
		vars: id(func(fx *fixture) string { return fx.scheduled }), who: forStaff, target: true})
	row("Mutation.cancelScheduledMessage", matrixOp{doc: `mutation($id: ID!) { cancelScheduledMessage(id: $id) { id } }`,
		vars: id(func(fx *fixture) string { return fx.scheduled }), who: forStaff, target: true})

	// Portal: sign-in and invitations.
	row("Query.portalInvitation", matrixOp{doc: `query($t: String!) { portalInvitation(token: $t) { state } }`,
		vars: func(fx *fixture) map[string]any { return map[string]any{"t": fx.invitation} }, who: forPublic})
	row("Mutation.requestSignIn", matrixOp{doc: requestSignIn,
		vars: func(*fixture) map[string]any { return map[string]any{"o": "practice", "e": patEmail} }, who: forPublic})
	row("Mutation.verifySignIn", matrixOp{doc: verifySignIn,
		vars: func(*fixture) map[string]any { return map[string]any{"o": "practice", "e": patEmail, "c": "123456"} }, who: forPublic})
	row("Mutation.claimPortalInvitation", matrixOp{doc: `mutation($t: String!) { claimPortalInvitation(token: $t) { token } }`,
		vars: func(fx *fixture) map[string]any { return map[string]any{"t": fx.invitation} }, who: forPublic})
	row("Mutation.signOutOfPortal", matrixOp{doc: `mutation { signOutOfPortal }`, vars: noVars, who: forPortal})
	row("Mutation.inviteClientToPortal", matrixOp{doc: `mutation($id: ID!) { inviteClientToPortal(clientId: $id) { id } }`, vars: spareClient, who: forStaff, target: true})
	row("Mutation.inviteContactToPortal", matrixOp{doc: `mutation($id: ID!) { inviteContactToPortal(linkId: $id) { id } }`,
		vars: id(func(fx *fixture) string { return fx.spareLink }), who: forStaff, target: true})
	row("Mutation.revokeClientPortal", matrixOp{doc: `mutation($id: ID!) { revokeClientPortal(clientId: $id) { id } }`, vars: spareClient, who: forStaff, target: true})
	row("Mutation.revokeContactPortal", matrixOp{doc: `mutation($id: ID!) { revokeContactPortal(linkId: $id) { id } }`,
		vars: id(func(fx *fixture) string { return fx.spareLink }), who: forStaff, target: true})

	// Portal: what a portal user reads.
	row("Query.portalViewer", matrixOp{doc: `{ portalViewer { email clients { clientId } } }`, vars: noVars, who: forPortal})
	row("Query.portalClient", matrixOp{doc: `{ portalClient { id firstName appointments { id } } }`, vars: noVars, who: forActing})
}

// varsFor is op's variables for r.
func (op matrixOp) varsFor(fx *fixture, r role) map[string]any {
	if op.roleVars != nil {
		return op.roleVars(fx, r)
	}
	return op.vars(fx)
}

// role is one kind of caller.
type role struct {
	name string
	// token and acting are the request's credentials and X-Kith-Client.
	token, acting string
	staff         bool
	admin         bool
	owner         bool
	otherOrg      bool
	// key: an API key (staff rights of its role, but no person).
	key    bool
	portal bool
	// access: the portal viewer may act for the client it names.
	access bool
	self   bool
	scopes []schematype.PortalScope
	// contact is the contact the portal viewer is, if not the client.
	contact string
}

// fixtureHooks add records to every fixture, for feature files' rows:
// func init() { fixtureHooks = append(fixtureHooks, func(t, fx) {...}) }.
var fixtureHooks []func(t *testing.T, fx *fixture)

// allowed says whether r passes op's access checks, and if not, the code
// it gets (or "" for an empty list).
func (op matrixOp) expect(r role) (bool, string) {
	switch {
	case op.who == forPublic:
		return true, ""
	case r.token == "":
		return false, "UNAUTHENTICATED"
	case op.who == forStaff || op.who == forAdmin || op.who == forOwner:
		switch {
		case !r.staff:
			return false, "FORBIDDEN"
		case r.key && needsPerson(op.doc):
			return false, "FORBIDDEN"
		case op.who == forAdmin && !r.admin, op.who == forOwner && !r.owner:
			if op.staffDenied != "" {
				return false, op.staffDenied
			}
			return false, "FORBIDDEN"
		case r.key && !r.admin && relatedToNobody(op.doc):
			return false, "" // reads as missing: see relatedToNobody
		case op.target && r.otherOrg:
			return false, "NOT_FOUND"
		}
		return true, ""
	case !r.portal:
		return false, "FORBIDDEN"
	case op.who == forPortal:
		return true, ""
	}
	missing := "NOT_FOUND" // what the viewer may not reach reads as missing
	if op.list != "" {
		missing = ""
	}
	switch {
	case r.acting == "":
		return false, anyRefusal
	case !r.access:
		return false, missing
	case op.who == forScope && !r.self && !slices.Contains(r.scopes, op.scope):
		if op.deniedCode != "" {
			return false, op.deniedCode
		}
		return false, missing
	}
	return true, ""
}

// anyRefusal is the expected outcome of a portal request that names no
// client: a denial, BAD_USER_INPUT asking for the header, or an empty list.
const anyRefusal = "*"

// denials are the codes of access checks; any other outcome (success, or
// BAD_USER_INPUT from a rule met after them) passed them.
var denials = []string{"UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"}

// fixture is a practice with every kind of portal user, another practice,
// and records to act on.
type fixture struct {
	db                                  *database.DB
	api                                 *kithtest.API
	p, other                            kithtest.Practice
	ownerID                             string
	sam, kim, alex, spare               string // clients
	appt, coverage, scheduled, template string
	spareContact, spareLink, spareStaff string
	invitation                          string // an unclaimed invitation's token
	roles                               []role
	counter                             int
	// records holds what fixture hooks made, by name.
	records map[string]string
}

func (fx *fixture) next() int { fx.counter++; return fx.counter }

// newCoverage creates a coverage of the spare client, for a role to delete.
func (fx *fixture) newCoverage() string {
	var out struct{ CreateCoverage struct{ ID string } }
	fx.api.OK(fx.p.Token, `mutation($id: ID!) { createCoverage(input: {clientID: $id, region: "ON"}) { id } }`, map[string]any{"id": fx.spare}, &out)
	return out.CreateCoverage.ID
}

// newTemplate saves the practice's SMS confirmation template (again, once
// a role deleted it), for a role to delete.
func (fx *fixture) newTemplate() string {
	var out struct{ SaveMessageTemplate struct{ ID string } }
	fx.api.OK(fx.p.Token, `mutation { saveMessageTemplate(input: {kind: CONFIRMATION, channel: SMS, language: "en", text: "Booked"}) { id } }`, nil, &out)
	return out.SaveMessageTemplate.ID
}

// newLink links a new contact to the spare client, for a role to remove.
func (fx *fixture) newLink() string {
	var out struct{ AddClientContact struct{ ID string } }
	fx.api.OK(fx.p.Token, `mutation($id: ID!, $n: String!) { addClientContact(clientID: $id, input: {contact: {firstName: $n}, relationship: FRIEND}) { id } }`,
		map[string]any{"id": fx.spare, "n": fmt.Sprintf("Friend %d", fx.next())}, &out)
	return out.AddClientContact.ID
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := kithtest.DB(t, nil)
	api := kithtest.NewAPIWith(t, db, portal.Config{IPLimit: portal.Limit{Burst: 100000, Every: time.Millisecond}, EmailLimit: portal.Limit{Burst: 100000, Every: time.Millisecond}}, nil)
	fx := &fixture{db: db, api: api, p: kithtest.NewPractice(t, db, "practice"), other: kithtest.NewPractice(t, db, "other"), records: map[string]string{}}
	fx.ownerID = string(fx.p.Owner.ID)
	tok := fx.p.Token
	ids := func(q string, vars map[string]any) map[string]any {
		var out map[string]any
		api.OK(tok, q, vars, &out)
		return out
	}
	str := func(m map[string]any, path ...string) string {
		var v any = m
		for _, k := range path {
			v = v.(map[string]any)[k]
		}
		return v.(string)
	}

	// Sam has 16 contacts, one per combination of scopes, a revoked one and a spare one.
	var links []map[string]any
	for mask := range 16 {
		links = append(links, map[string]any{"contact": map[string]any{"firstName": fmt.Sprintf("C%d", mask), "email": fmt.Sprintf("c%d@family.example", mask)},
			"relationship": "PARENT", "portalScopes": scopesOf(mask)})
	}
	links = append(links,
		map[string]any{"contact": map[string]any{"firstName": "Revoked", "email": "revoked@family.example"}, "relationship": "OTHER"},
		map[string]any{"contact": map[string]any{"firstName": "Spare", "email": "spare@family.example"}, "relationship": "OTHER"},
	)
	var sam struct {
		CreateClient struct {
			ID           string
			ContactLinks []struct {
				ID      string
				Contact struct{ ID, Email string }
			}
		}
	}
	api.OK(tok, `mutation($cs: [ClientContactLinkInput!]) { createClient(input: {firstName: "Sam", lastName: "Rivera"}, contacts: $cs) {
		id contactLinks { id contact { id email } } } }`, map[string]any{"cs": links}, &sam)
	fx.sam = sam.CreateClient.ID
	byEmail := map[string]string{}
	contactOf := map[string]string{}
	for _, l := range sam.CreateClient.ContactLinks {
		byEmail[l.Contact.Email] = l.ID
		contactOf[l.Contact.Email] = l.Contact.ID
		if l.Contact.Email == "spare@family.example" {
			fx.spareLink, fx.spareContact = l.ID, l.Contact.ID
		}
	}
	session := func(email string) string {
		return claimToken(t, api, tok, byEmail[email], email)
	}
	fx.roles = append(fx.roles,
		role{name: "owner", token: tok, staff: true, admin: true, owner: true},
		role{name: "other practice's owner", token: fx.other.Token, staff: true, admin: true, owner: true, otherOrg: true},
		role{name: "visitor"},
	)
	for mask := range 16 {
		email := fmt.Sprintf("c%d@family.example", mask)
		fx.roles = append(fx.roles, role{name: "contact " + strings.Join(scopeNames(mask), "+"), token: session(email), acting: fx.sam, portal: true, access: true, scopes: scopesFor(mask), contact: contactOf[email]})
	}
	revoked := session("revoked@family.example")
	api.OK(tok, `mutation($id: ID!) { revokeContactPortal(linkId: $id) { id } }`, map[string]any{"id": byEmail["revoked@family.example"]}, nil)
	fx.roles = append(fx.roles, role{name: "revoked contact", token: revoked, acting: fx.sam, portal: true, contact: contactOf["revoked@family.example"]})

	// Kim's contact, with every scope, names Sam.
	kim := ids(`mutation { createClient(input: {firstName: "Kim", lastName: "Rivera"}, contacts: [{contact: {firstName: "Xan", email: "xan@family.example"}, relationship: PARENT, portalScopes: [VIEW_FORMS, VIEW_DOCUMENTS, MANAGE_BILLING, MESSAGING]}]) { id contactLinks { id } } }`, nil)
	fx.kim = str(kim, "createClient", "id")
	kimLink := kim["createClient"].(map[string]any)["contactLinks"].([]any)[0].(map[string]any)["id"].(string)
	fx.roles = append(fx.roles, role{name: "contact of Kim acting for Sam", token: claimToken(t, api, tok, kimLink, "xan@family.example"), acting: fx.sam, portal: true, scopes: schematype.PortalScopes})

	// Alex is a client with its own portal access.
	fx.alex = str(ids(`mutation { createClient(input: {firstName: "Alex", lastName: "Stone", email: "alex@stone.example"}) { id } }`, nil), "createClient", "id")
	api.OK(tok, `mutation($id: ID!) { inviteClientToPortal(clientId: $id) { id } }`, map[string]any{"id": fx.alex}, nil)
	alex := fx.claim(t, token(t, api.Outbox.Last(t, "alex@stone.example").Link))
	fx.roles = append(fx.roles,
		role{name: "client acting for itself", token: alex, acting: fx.alex, portal: true, access: true, self: true},
		role{name: "client acting for nobody", token: fx.signIn(t, "alex@stone.example"), portal: true},
		role{name: "client acting for Sam", token: fx.signIn(t, "alex@stone.example"), acting: fx.sam, portal: true},
	)

	// A practitioner, and records to act on.
	prac := ids(`mutation { createStaff(input: {name: "Dr P", email: "p@practice.example", role: PRACTITIONER}, password: "correct horse battery") { id } }`, nil)
	var signIn struct{ SignIn struct{ Token string } }
	api.OK("", `mutation { signIn(input: {organization: "practice", email: "p@practice.example", password: "correct horse battery"}) { token } }`, nil, &signIn)
	fx.roles = append(fx.roles, role{name: "practitioner", token: signIn.SignIn.Token, staff: true})
	_ = prac
	fx.spareStaff = str(ids(`mutation { createStaff(input: {name: "Spare", email: "spare@practice.example", role: FRONT_DESK}) { id } }`, nil), "createStaff", "id")
	fx.spare = str(ids(`mutation { createClient(input: {firstName: "Spare", lastName: "Client", email: "spare.client@example.com"}) { id } }`, nil), "createClient", "id")
	at := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Minute)
	fx.appt = str(ids(`mutation($id: ID!, $p: ID!, $s: Time!, $e: Time!) { createAppointment(input: {clientID: $id, practitionerID: $p, startsAt: $s, endsAt: $e}) { id } }`,
		map[string]any{"id": fx.sam, "p": fx.ownerID, "s": at, "e": at.Add(time.Hour)}), "createAppointment", "id")
	fx.coverage = str(ids(`mutation($id: ID!) { createCoverage(input: {clientID: $id, region: "ON"}) { id } }`, map[string]any{"id": fx.spare}), "createCoverage", "id")
	fx.scheduled = str(ids(`mutation($id: ID!, $at: Time!) { createScheduledMessage(input: {clientID: $id, body: "Hi", sendAt: $at}) { id } }`,
		map[string]any{"id": fx.spare, "at": at}), "createScheduledMessage", "id")
	fx.template = str(ids(`mutation { saveMessageTemplate(input: {kind: CONFIRMATION, channel: SMS, language: "en", text: "Booked"}) { id } }`, nil), "saveMessageTemplate", "id")
	api.OK(tok, `mutation($id: ID!) { inviteContactToPortal(linkId: $id) { id } }`, map[string]any{"id": fx.spareLink}, nil)
	fx.invitation = token(t, api.Outbox.Last(t, "spare@family.example").Link)
	for _, h := range fixtureHooks {
		h(t, fx)
	}
	return fx
}

// signIn starts another portal session for email with an emailed code.
func (fx *fixture) signIn(t *testing.T, email string) string {
	t.Helper()
	fx.api.OK("", requestSignIn, map[string]any{"o": "practice", "e": email}, nil)
	var out struct{ VerifySignIn struct{ Token string } }
	fx.api.OK("", verifySignIn, map[string]any{"o": "practice", "e": email, "c": fx.api.Outbox.Last(t, email).Code}, &out)
	return out.VerifySignIn.Token
}

func (fx *fixture) claim(t *testing.T, tok string) string {
	t.Helper()
	var out struct{ ClaimPortalInvitation struct{ Token string } }
	fx.api.OK("", `mutation($t: String!) { claimPortalInvitation(token: $t) { token } }`, map[string]any{"t": tok}, &out)
	return out.ClaimPortalInvitation.Token
}

// claimToken invites the contact of link and claims it, returning a session.
func claimToken(t testing.TB, api *kithtest.API, staff, link, email string) string {
	t.Helper()
	api.OK(staff, `mutation($id: ID!) { inviteContactToPortal(linkId: $id) { id } }`, map[string]any{"id": link}, nil)
	var out struct{ ClaimPortalInvitation struct{ Token string } }
	api.OK("", `mutation($t: String!) { claimPortalInvitation(token: $t) { token } }`, map[string]any{"t": token(t, api.Outbox.Last(t, email).Link)}, &out)
	return out.ClaimPortalInvitation.Token
}

func scopesFor(mask int) []schematype.PortalScope {
	var out []schematype.PortalScope
	for i, s := range schematype.PortalScopes {
		if mask&(1<<i) != 0 {
			out = append(out, s)
		}
	}
	return out
}

func scopesOf(mask int) []string {
	out := []string{}
	for _, s := range scopesFor(mask) {
		out = append(out, string(s))
	}
	return out
}

func scopeNames(mask int) []string {
	if mask == 0 {
		return []string{"no scopes"}
	}
	return scopesOf(mask)
}

// check runs op as r and asserts its outcome.
func (fx *fixture) check(t *testing.T, name string, op matrixOp, r role, vars map[string]any) {
	t.Helper()
	if op.pending != "" {
		return
	}
	allowed, code := op.expect(r)
	rsp := fx.api.Acting(r.acting).Do(r.token, op.doc, vars)
	var codes []string
	for _, e := range rsp.Errors {
		codes = append(codes, e.Code())
	}
	require.NotContains(t, codes, "INTERNAL", "%s as %s: %v", name, r.name, rsp.Errors)
	require.NotContains(t, codes, "GRAPHQL_VALIDATION_FAILED", "%s: %v", name, rsp.Errors)
	denied := slices.ContainsFunc(codes, func(c string) bool { return slices.Contains(denials, c) })
	switch {
	case allowed:
		require.False(t, denied, "%s as %s should be allowed: %v", name, r.name, rsp.Errors)
		if op.list != "" {
			require.NotEmpty(t, listAt(t, rsp.Data, op.list), "%s as %s should see records", name, r.name)
		}
	case code == anyRefusal:
		if len(codes) > 0 {
			require.Len(t, codes, 1, "%s as %s", name, r.name)
			require.Contains(t, append(slices.Clone(denials), "BAD_USER_INPUT"), codes[0], "%s as %s", name, r.name)
		} else {
			require.Empty(t, listAt(t, rsp.Data, op.list), "%s as %s should see nothing", name, r.name)
		}
	case code == "": // reads as missing: an empty list, or NOT_FOUND
		if len(codes) > 0 {
			require.Equal(t, []string{"NOT_FOUND"}, codes, "%s as %s", name, r.name)
		} else {
			require.Empty(t, listAt(t, rsp.Data, op.list), "%s as %s should see nothing", name, r.name)
		}
	default:
		require.Equal(t, []string{code}, codes, "%s as %s", name, r.name)
	}
}

// listAt is the JSON list at path in data.
func listAt(t *testing.T, data json.RawMessage, path string) []any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(data, &v))
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	l, _ := v.([]any)
	return l
}

func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	queries := newFixture(t) // queries change nothing: one fixture serves them all
	for name, op := range matrixOps {
		if !strings.HasPrefix(name, "Query.") {
			continue
		}
		for _, r := range queries.roles {
			queries.check(t, name, op, r, op.varsFor(queries, r))
		}
	}
	for name, op := range matrixOps {
		if !strings.HasPrefix(name, "Mutation.") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if op.pending != "" {
				t.Skipf("%s is built on %s", name, op.pending)
			}
			fx := newFixture(t)
			// Denied roles first: an allowed one may change the records.
			roles := slices.Clone(fx.roles)
			slices.SortStableFunc(roles, func(a, b role) int {
				aok, _ := op.expect(a)
				bok, _ := op.expect(b)
				switch {
				case aok == bok:
					return 0
				case bok:
					return -1
				}
				return 1
			})
			for _, r := range roles {
				fx.check(t, name, op, r, op.varsFor(fx, r))
			}
		})
	}
}

// TestMatrixCoversEveryOperation fails when a root query or mutation has no
// row in the authorisation matrix.
func TestMatrixCoversEveryOperation(t *testing.T) {
	t.Parallel()
	schema := graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{}}).Schema()
	var missing []string
	for _, typ := range []string{"Query", "Mutation"} {
		for _, f := range schema.Types[typ].Fields {
			name := typ + "." + f.Name
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if _, ok := matrixOps[name]; !ok {
				missing = append(missing, name)
			}
		}
	}
	require.Empty(t, missing, "operations without a row in the authorisation matrix (portal/matrix_test.go)")
}
