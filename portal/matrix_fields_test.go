package portal_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/schematype"
)

// Field rows of the authorisation matrix: every field of an object type
// that was not in the schema before issue 13 (testdata/schema-eb4fd87, the
// schema files at eb4fd87) is read by every role of the fixture.
// TestMatrixCoversEveryNewField fails when such a field has no row.

// fieldRow reads one field: op gives the document and who may read it (as
// for root operations, fixture.check asserts allow or deny), value is the
// dot-separated JSON path (lists are walked into) where a role that may
// read it sees a value (empty: only access is checked), and see, when set,
// asserts what each allowed role sees instead of value.
type fieldRow struct {
	op    matrixOp
	value string
	see   func(t *testing.T, ff *fieldFixture, r role, data json.RawMessage)
}

// fieldRows has a row per "Type.field".
var fieldRows = map[string]*fieldRow{}

// fieldFixture is the matrix fixture with records that carry issue 13's
// fields: a location on a service, on Sam and on Sam's appointment, a form
// sent from it, a health card with a billing contact, invoices addressed to
// a billing contact of Sam and of Alex.
type fieldFixture struct {
	*fixture
	location, service, appt, form, coverage string
	// samInvoice is addressed to billingContact (a contact of Sam);
	// alexInvoice to a contact of Alex.
	samInvoice, alexInvoice, billingContact string
	change, notification                    string
}

// fieldRowsFor adds the same row for several fields.
func fieldRowsFor(names []string, row fieldRow) {
	fr := &row
	for _, n := range names {
		if _, dup := fieldRows[n]; dup {
			panic("two field rows for " + n)
		}
		fieldRows[n] = fr
	}
}

func prefixed(typ string, fields ...string) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = typ + "." + f
	}
	return out
}

// staffNode is a row reading fields of a staff-only record through node:
// staff of the organisation read it, another organisation's get NOT_FOUND,
// portal viewers FORBIDDEN.
func staffNode(typ, selection string, id func(ff *fieldFixture) string, value string) fieldRow {
	return fieldRow{op: matrixOp{
		doc:  `query($id: ID!) { node(id: $id) { ... on ` + typ + ` { ` + selection + ` } } }`,
		vars: func(fx *fixture) map[string]any { return map[string]any{"id": id(fieldFixtures[fx])} },
		who:  forStaff, target: true,
	}, value: value}
}

// fieldFixtures finds the fieldFixture of a fixture, for rows' vars.
var fieldFixtures = map[*fixture]*fieldFixture{}

func init() {
	sam := func(ff *fieldFixture) string { return ff.sam }
	appt := func(ff *fieldFixture) string { return ff.appt }

	fieldRowsFor(prefixed("Client", "veteranID", "qualified", "defaultLocationID"),
		staffNode("Client", "veteranID qualified defaultLocationID", sam, "node.veteranID"))
	fieldRowsFor([]string{"Client.defaultLocation"}, staffNode("Client", "defaultLocation { id name }", sam, "node.defaultLocation.name"))
	fieldRowsFor(append([]string{"Client.appointmentAddresses"}, prefixed("AppointmentAddress", "source", "label", "address", "contactLink")...),
		staffNode("Client", "appointmentAddresses { source label address { line1 } contactLink { id } }", sam, ""))
	fieldRowsFor(append(append(append([]string{"Client.timeline"},
		prefixed("TimelineConnection", "edges", "pageInfo")...),
		prefixed("TimelineEdge", "node", "cursor")...),
		append(prefixed("TimelinePageInfo", "hasNextPage", "endCursor"),
			prefixed("TimelineEntry", "id", "at", "kind", "summary", "actor", "staff", "contact", "record")...)...),
		staffNode("Client", "timeline(first: 50) { edges { cursor node { id at kind summary actor staff { id } contact { id } record { id } } } pageInfo { hasNextPage endCursor } }",
			sam, "node.timeline.edges.node.summary"))
	fieldRowsFor(prefixed("AppointmentChange", "id", "action", "startsAt", "previousStartsAt", "reason", "actor", "createdAt", "appointment", "staff", "contact"),
		staffNode("AppointmentChange", "id action startsAt previousStartsAt reason actor createdAt appointment { id } staff { id } contact { id }",
			func(ff *fieldFixture) string { return ff.change }, "node.action"))

	fieldRowsFor(prefixed("Coverage", "healthCardValidatedAt", "healthCardValidatedBy", "healthCardStatus", "healthCardNote"),
		staffNode("Coverage", "healthCardValidatedAt healthCardValidatedBy healthCardStatus healthCardNote", func(ff *fieldFixture) string { return ff.coverage }, "node.healthCardStatus"))
	fieldRowsFor(prefixed("Coverage", "billingContactID", "billingContact"),
		staffNode("Coverage", "billingContactID billingContact { id }", func(ff *fieldFixture) string { return ff.coverage }, "node.billingContact.id"))
	fieldRowsFor(append(prefixed("Invoice", "billingContactID", "billedTo"), prefixed("BilledTo", "name", "organizationReference", "email", "address", "linkId", "contactId")...),
		staffNode("Invoice", "billingContactID billedTo { name organizationReference email address { line1 } linkId contactId }",
			func(ff *fieldFixture) string { return ff.samInvoice }, "node.billedTo.name"))

	fieldRowsFor(prefixed("Appointment", "practiceLocationID", "practiceLocation"),
		staffNode("Appointment", "practiceLocationID practiceLocation { id name }", appt, "node.practiceLocation.name"))
	fieldRowsFor(prefixed("Appointment", "addressSource", "heldAt", "heldAtContactLinkID", "heldAtContactLink"),
		staffNode("Appointment", "addressSource heldAt heldAtContactLinkID heldAtContactLink { id }", appt, "node.heldAt"))
	fieldRowsFor([]string{"Appointment.forms"}, staffNode("Appointment", "forms { id }", appt, "node.forms.id"))
	fieldRowsFor(prefixed("Form", "appointmentID", "appointment", "reminderSentAt", "withdrawnAt"),
		staffNode("Form", "appointmentID appointment { id } reminderSentAt withdrawnAt", func(ff *fieldFixture) string { return ff.form }, "node.appointment.id"))
	fieldRowsFor(prefixed("Notification", "formID", "form"),
		staffNode("Notification", "formID form { id }", func(ff *fieldFixture) string { return ff.notification }, "node.form.id"))
	fieldRowsFor(prefixed("Service", "practiceLocationID", "practiceLocation"),
		staffNode("Service", "practiceLocationID practiceLocation { id name }", func(ff *fieldFixture) string { return ff.service }, "node.practiceLocation.name"))
	fieldRowsFor(prefixed("Location", "id", "createdAt", "updatedAt", "name", "address", "timeZone", "phone", "active"),
		staffNode("Location", "id createdAt updatedAt name address { line1 } timeZone phone active", func(ff *fieldFixture) string { return ff.location }, "node.name"))
	fieldRowsFor(append(prefixed("LocationConnection", "edges", "pageInfo", "totalCount"), prefixed("LocationEdge", "node", "cursor")...),
		fieldRow{op: matrixOp{doc: `{ locations { totalCount pageInfo { hasNextPage } edges { cursor node { id } } } }`, vars: noVars, who: forStaff}, value: "locations.edges.node.id"})
	fieldRowsFor(prefixed("Organization", "portalInviteOnCreate", "formReminderDelayHours"),
		fieldRow{op: matrixOp{doc: `{ organization { portalInviteOnCreate formReminderDelayHours } }`, vars: noVars, who: forStaff}, value: "organization.formReminderDelayHours"})
	// Exports are for owners and admins; the fixture exports nothing, so
	// only access is checked (package export tests the records).
	fieldRowsFor(append(append(prefixed("ExportRecord", "id", "kind", "parameters", "rowCount", "createdAt", "completedAt", "staff", "client"),
		prefixed("ExportRecordConnection", "edges", "pageInfo", "totalCount")...), prefixed("ExportRecordEdge", "node", "cursor")...),
		fieldRow{op: matrixOp{doc: `{ exports(first: 5) { totalCount pageInfo { hasNextPage } edges { cursor node { id kind parameters rowCount createdAt completedAt staff { id } client { id } } } } }`,
			vars: noVars, who: forAdmin}})

	// The portal's and the booking widget's views of a location.
	fieldRowsFor(append([]string{"BookableService.practiceLocation"}, prefixed("PublicLocation", "name", "address", "timeZone", "phone")...),
		fieldRow{op: matrixOp{doc: `{ bookableServices(organization: "practice") { id practiceLocation { name address { line1 } timeZone phone } } }`, vars: noVars, who: forPublic},
			value: "bookableServices.practiceLocation.name"})
	fieldRowsFor([]string{"PortalAppointment.practiceLocation"},
		fieldRow{op: matrixOp{doc: `{ portalClient { appointments { id practiceLocation { name address { line1 } timeZone phone } } } }`, vars: noVars, who: forActing},
			see: func(t *testing.T, ff *fieldFixture, r role, data json.RawMessage) {
				if r.acting == ff.sam {
					require.Contains(t, valuesAt(t, data, "portalClient.appointments.practiceLocation.name"), "Main clinic", "%s sees where Sam's appointment is", r.name)
				}
			}})
	fieldRowsFor([]string{"PortalInvoice.billedTo"},
		fieldRow{op: matrixOp{doc: `{ portalInvoices { id billedTo { name email linkId contactId organizationReference address { line1 } } } }`, vars: noVars,
			who: forScope, scope: schematype.PortalScopeManageBilling, list: "portalInvoices"},
			see: func(t *testing.T, ff *fieldFixture, r role, data json.RawMessage) {
				var out struct {
					PortalInvoices []struct {
						ID       string
						BilledTo *struct{ Name string }
					}
				}
				require.NoError(t, json.Unmarshal(data, &out))
				addressed := ff.samInvoice
				if r.self {
					addressed = ff.alexInvoice
				}
				found := false
				for _, inv := range out.PortalInvoices {
					if inv.ID != addressed {
						require.Nil(t, inv.BilledTo, "%s: an invoice addressed to the client", r.name)
						continue
					}
					found = true
					if r.self || r.contact == ff.billingContact {
						require.NotNil(t, inv.BilledTo, "%s sees whom its invoice is addressed to", r.name)
					} else {
						require.Nil(t, inv.BilledTo, "%s may not see whom the invoice is addressed to", r.name)
					}
				}
				require.True(t, found, "%s sees the addressed invoice", r.name)
			}})
}

// valuesAt is every non-null value at path in data, walking into lists.
func valuesAt(t *testing.T, data json.RawMessage, path string) []any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(data, &v))
	vals := []any{v}
	for _, k := range strings.Split(path, ".") {
		var next []any
		var walk func(x any)
		walk = func(x any) {
			switch x := x.(type) {
			case []any:
				for _, e := range x {
					walk(e)
				}
			case map[string]any:
				if e, ok := x[k]; ok && e != nil {
					next = append(next, e)
				}
			}
		}
		for _, x := range vals {
			walk(x)
		}
		vals = next
	}
	var out []any
	var flat func(x any)
	flat = func(x any) {
		if l, ok := x.([]any); ok {
			for _, e := range l {
				flat(e)
			}
			return
		}
		out = append(out, x)
	}
	for _, x := range vals {
		flat(x)
	}
	return out
}

// newFieldFixture is a matrix fixture with records carrying issue 13's
// fields (see fieldFixture).
func newFieldFixture(t *testing.T) *fieldFixture {
	t.Helper()
	fx := newFixture(t)
	ff := &fieldFixture{fixture: fx}
	tok := fx.p.Token
	ok := func(q string, vars map[string]any, out any) { fx.api.OK(tok, q, vars, out) }

	ff.location = fx.newLocation()
	ok(`mutation($id: ID!) { updateLocation(id: $id, input: {name: "Main clinic", phone: "416 555 0100", address: {line1: "1 King St", city: "Toronto", region: "ON", postalCode: "M5H 1A1", country: "CA"}}) { id } }`,
		map[string]any{"id": ff.location}, nil)
	var svc struct{ CreateService struct{ ID string } }
	ok(`mutation($p: [ID!], $l: ID!) { createService(input: {name: "At the clinic", durationMinutes: 60, bookableOnline: true, practiceLocationID: $l}, practitionerIds: $p) { id } }`,
		map[string]any{"p": []string{fx.ownerID}, "l": ff.location}, &svc)
	ff.service = svc.CreateService.ID
	ok(`mutation($id: ID!, $l: ID!) { updateClient(id: $id, input: {veteranID: "K-123", qualified: true, defaultLocationID: $l}) { id } }`,
		map[string]any{"id": fx.sam, "l": ff.location}, nil)
	at := time.Now().Add(96 * time.Hour).UTC().Truncate(time.Minute)
	var appt struct{ CreateAppointment struct{ ID string } }
	ok(`mutation($id: ID!, $p: ID!, $s: Time!, $e: Time!, $l: ID!) { createAppointment(input: {clientID: $id, practitionerID: $p, startsAt: $s, endsAt: $e, practiceLocationID: $l}) { id } }`,
		map[string]any{"id": fx.sam, "p": fx.ownerID, "s": at, "e": at.Add(time.Hour), "l": ff.location}, &appt)
	ff.appt = appt.CreateAppointment.ID
	var form struct{ SendForm struct{ ID string } }
	ok(`mutation($id: ID!, $a: ID!) { sendForm(clientId: $id, input: {title: "Before the visit", questions: [{label: "How are you?", type: TEXT}], appointmentId: $a}) { id } }`,
		map[string]any{"id": fx.sam, "a": ff.appt}, &form)
	ff.form = form.SendForm.ID

	// Sam's contact with every scope is the billing contact of a health card
	// and of an invoice; Alex gets a billing contact and an invoice too.
	var links struct {
		Node struct {
			ContactLinks []struct {
				ID      string
				Contact struct{ ID string }
			}
		}
	}
	ok(`query($id: ID!) { node(id: $id) { ... on Client { contactLinks { id contact { id } } } } }`, map[string]any{"id": fx.sam}, &links)
	var all role
	for _, r := range fx.roles {
		if r.access && !r.self && len(r.scopes) == len(schematype.PortalScopes) {
			all = r
		}
	}
	require.NotEmpty(t, all.contact)
	ff.billingContact = all.contact
	var link string
	for _, l := range links.Node.ContactLinks {
		if l.Contact.ID == all.contact {
			link = l.ID
		}
	}
	ok(`mutation($l: ID!) { updateClientContact(id: $l, input: {appendContactTypes: [BILLING]}) { id } }`, map[string]any{"l": link}, nil)
	var cov struct{ CreateCoverage struct{ ID string } }
	ok(`mutation($id: ID!) { createCoverage(input: {clientID: $id, region: "ON", healthCardNumber: "1234 567 897"}) { id } }`, map[string]any{"id": fx.sam}, &cov)
	ff.coverage = cov.CreateCoverage.ID
	ok(`mutation($id: ID!, $l: ID) { setCoverageBillingContact(id: $id, billingContactID: $l) { id } }`, map[string]any{"id": ff.coverage, "l": link}, nil)
	invoice := func(client, link string) string {
		var inv struct{ CreateInvoice struct{ ID string } }
		ok(`mutation($c: ID!, $l: ID!) { createInvoice(clientId: $c, input: {currency: "CAD", lines: [{description: "Session", unitAmountCents: 9000}], billingContactId: $l}) { id } }`,
			map[string]any{"c": client, "l": link}, &inv)
		return inv.CreateInvoice.ID
	}
	ff.samInvoice = invoice(fx.sam, link)
	var alexLink struct{ AddClientContact struct{ ID string } }
	ok(`mutation($c: ID!) { addClientContact(clientID: $c, input: {contact: {firstName: "Jo", lastName: "Stone", email: "jo@stone.example"}, relationship: PARENT, contactTypes: [BILLING]}) { id } }`,
		map[string]any{"c": fx.alex}, &alexLink)
	ff.alexInvoice = invoice(fx.alex, alexLink.AddClientContact.ID)

	// A change of Sam's appointment and the form's request, from the timeline.
	var tl struct {
		Node struct {
			Timeline struct {
				Edges []struct {
					Node struct {
						ID, Kind string
						Record   *struct {
							Typename string `json:"__typename"`
							ID       string
							Form     *struct{ ID string }
						}
					}
				}
			}
		}
	}
	ok(`query($id: ID!) { node(id: $id) { ... on Client { timeline(first: 100) { edges { node { id kind record { __typename id ... on Notification { form { id } } } } } } } } }`,
		map[string]any{"id": fx.sam}, &tl)
	for _, e := range tl.Node.Timeline.Edges {
		switch rec := e.Node.Record; {
		case strings.HasPrefix(e.Node.Kind, "APPOINTMENT_") && ff.change == "":
			// An appointment's entry is the change's: its ID is the change's.
			var ch struct{ Node *struct{ ID string } }
			ok(`query($id: ID!) { node(id: $id) { ... on AppointmentChange { id } } }`, map[string]any{"id": e.Node.ID}, &ch)
			if ch.Node != nil {
				ff.change = ch.Node.ID
			}
		case rec == nil:
		case rec.Typename == "Notification" && rec.Form != nil && rec.Form.ID == ff.form:
			ff.notification = rec.ID
		}
	}
	require.NotEmpty(t, ff.change, "an appointment change of Sam's")
	require.NotEmpty(t, ff.notification, "the form's request")
	fieldFixtures[fx] = ff
	return ff
}

func TestAuthorizationMatrixFields(t *testing.T) {
	t.Parallel()
	ff := newFieldFixture(t) // reads change nothing: one fixture serves them all
	// Rows shared by several fields run once, under their fields' names.
	names := map[*fieldRow][]string{}
	for n, fr := range fieldRows {
		names[fr] = append(names[fr], n)
	}
	for fr, ns := range names {
		slices.Sort(ns)
		name := strings.Join(ns, ", ")
		// A public row's value is read by one role of each kind: the
		// widget's fields are rate-limited by IP address.
		kinds := map[string]bool{}
		for _, r := range ff.roles {
			vars := fr.op.varsFor(ff.fixture, r)
			ff.check(t, name, fr.op, r, vars)
			if allowed, _ := fr.op.expect(r); !allowed || r.otherOrg || fr.op.pending != "" {
				continue
			}
			if kind := fmt.Sprint(r.staff, r.portal); fr.op.who == forPublic {
				if kinds[kind] {
					continue
				}
				kinds[kind] = true
			}
			rsp := ff.api.Acting(r.acting).Do(r.token, fr.op.doc, vars)
			require.Empty(t, rsp.Errors, "%s as %s", name, r.name)
			switch {
			case fr.see != nil:
				fr.see(t, ff, r, rsp.Data)
			case fr.value != "":
				require.NotEmpty(t, valuesAt(t, rsp.Data, fr.value), "%s as %s should see a value at %s: %s", name, r.name, fr.value, rsp.Data)
			}
		}
	}
}

// TestMatrixCoversEveryNewField fails when a field of an object type that
// was not in the schema before issue 13 has no field row, or a row names a
// field the schema does not have.
func TestMatrixCoversEveryNewField(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/schema-eb4fd87/*.graphqls")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var sources []*ast.Source
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		sources = append(sources, &ast.Source{Name: f, Input: string(b)})
	}
	doc, err := parser.ParseSchemas(sources...)
	require.NoError(t, err)
	old := map[string]bool{}
	for _, d := range append(doc.Definitions, doc.Extensions...) {
		for _, f := range d.Fields {
			old[d.Name+"."+f.Name] = true
		}
	}
	schema := graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{}}).Schema()
	var missing []string
	for _, typ := range schema.Types {
		if typ.Kind != ast.Object || typ.Name == "Query" || typ.Name == "Mutation" || strings.HasPrefix(typ.Name, "__") {
			continue
		}
		for _, f := range typ.Fields {
			name := typ.Name + "." + f.Name
			if !strings.HasPrefix(f.Name, "__") && !old[name] {
				if _, ok := fieldRows[name]; !ok {
					missing = append(missing, name)
				}
			}
		}
	}
	slices.Sort(missing)
	require.Empty(t, missing, "fields added since eb4fd87 without a row in portal/matrix_fields_test.go")
	for name := range fieldRows {
		typ, field, _ := strings.Cut(name, ".")
		require.NotNil(t, schema.Types[typ], name)
		require.NotNil(t, schema.Types[typ].Fields.ForName(field), "%s: no such field", name)
	}
}
