package export_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// bundle is two practices (maple, with clients and contacts, and birch)
// and the API over them.
type bundle struct {
	db           *database.DB
	api          *kithtest.API
	maple, birch kithtest.Practice
	sam, alex    string // maple's clients
	practitioner string // a maple practitioner's token
	portal       string // Alex's portal session
}

func setup(t *testing.T) *bundle {
	t.Helper()
	b := &bundle{db: kithtest.DB(t, nil)}
	b.api = kithtest.NewAPI(t, b.db)
	b.maple = kithtest.NewPractice(t, b.db, "maple")
	b.birch = kithtest.NewPractice(t, b.db, "birch")
	var sam struct{ CreateClient struct{ ID string } }
	b.api.OK(b.maple.Token, `mutation { createClient(
		input: {firstName: "=HYPERLINK(\"http://evil.example\")", lastName: "O'Brien, \"Sam\"", dateOfBirth: "2016-05-02", tags: ["multi\nline"]}
		contacts: [{contact: {firstName: "Wei", lastName: "Chen", email: "wei@example.com", phone: "416 555 0188",
			address: {line1: "1 Main St", city: "Toronto", region: "ON", postalCode: "M5V 1A1", country: "CA"}},
			relationship: PARENT, contactTypes: [BILLING, EMERGENCY]}]) { id } }`, nil, &sam)
	b.sam = sam.CreateClient.ID
	var alex struct{ CreateClient struct{ ID string } }
	b.api.OK(b.maple.Token, `mutation { createClient(input: {firstName: "Élodie", lastName: "<script>alert(1)</script>", email: "alex@example.com", alert: "Allergic to latex"}) { id } }`, nil, &alex)
	b.alex = alex.CreateClient.ID
	b.api.OK(b.maple.Token, `mutation { createContact(input: {firstName: "@Lonely", lastName: "Contact"}) { id } }`, nil, nil)
	b.api.OK(b.birch.Token, `mutation { createClient(input: {firstName: "Birch", lastName: "Only", email: "b@example.com"}) { id } }`, nil, nil)
	b.api.OK(b.birch.Token, `mutation { createContact(input: {firstName: "Birch", lastName: "Contact"}) { id } }`, nil, nil)

	var st struct{ CreateStaff struct{ ID string } }
	b.api.OK(b.maple.Token, `mutation { createStaff(input: {name: "Pat Practitioner", email: "pat@maple.example", role: PRACTITIONER}) { id } }`, nil, &st)
	ctx := viewer.NewContext(context.Background(), viewer.System{OrgID: b.maple.Org.ID})
	pat, err := b.db.Client.Staff.Get(ctx, pulid.ID(st.CreateStaff.ID))
	require.NoError(t, err)
	tok, err := b.api.Auth.Issue(ctx, pat)
	require.NoError(t, err)
	b.practitioner = tok.Secret

	b.api.OK(b.maple.Token, `mutation($id: ID!) { inviteClientToPortal(clientId: $id) { id } }`, map[string]any{"id": b.alex}, nil)
	link := b.api.Outbox.Last(t, "alex@example.com").Link
	_, claim, ok := strings.Cut(link, "token=")
	require.True(t, ok, link)
	var session struct{ ClaimPortalInvitation struct{ Token string } }
	b.api.OK("", `mutation($t: String!) { claimPortalInvitation(token: $t) { token } }`, map[string]any{"t": claim}, &session)
	b.portal = session.ClaimPortalInvitation.Token
	return b
}

// get is GET path as token's bearer ("" for none).
func (b *bundle) get(token, path string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	b.api.Handler.ServeHTTP(rec, req)
	return rec
}

// sheet reads a CSV answer back: its header and rows by column name.
func sheet(t *testing.T, rec *httptest.ResponseRecorder) []map[string]string {
	t.Helper()
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, "text/csv; charset=utf-8; header=present", rec.Header().Get("Content-Type"))
	require.Contains(t, rec.Header().Get("Content-Disposition"), `attachment; filename="`)
	require.Contains(t, rec.Body.String(), "\r\n", "RFC 4180 lines end in CRLF")
	all, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, all)
	var out []map[string]string
	for _, r := range all[1:] {
		m := map[string]string{}
		for i, h := range all[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// problem reads a coded JSON error.
func problem(t *testing.T, rec *httptest.ResponseRecorder, status int) map[string]any {
	t.Helper()
	require.Equal(t, status, rec.Code, rec.Body.String())
	var body struct {
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body), rec.Body.String())
	require.Len(t, body.Errors, 1)
	require.NotEmpty(t, body.Errors[0].Message)
	ext := body.Errors[0].Extensions
	ext["message"] = body.Errors[0].Message
	return ext
}

func TestClientsCSV(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rec := b.get(b.maple.Token, "/exports/clients.csv")
	require.Equal(t, "no-store", rec.Header().Get("Cache-Control"), "health information is kept in no cache")
	rows := sheet(t, rec)
	require.Len(t, rows, 2, "maple's two clients, not birch's")
	byID := map[string]map[string]string{}
	for _, r := range rows {
		byID[r["id"]] = r
		require.NotEqual(t, "Birch", r["first_name"])
	}
	sam := byID[b.sam]
	require.Equal(t, `'=HYPERLINK("http://evil.example")`, sam["first_name"], "a formula is defused with an apostrophe")
	require.Equal(t, `O'Brien, "Sam"`, sam["last_name"], "commas and quotes survive quoting")
	require.Equal(t, "multi\nline", sam["tags"], "a line break inside a cell survives quoting")
	require.Equal(t, "2016-05-02", sam["date_of_birth"])
	require.Equal(t, "Élodie", byID[b.alex]["first_name"], "UTF-8")
	require.Empty(t, byID[b.alex]["notes"])

	other := sheet(t, b.get(b.birch.Token, "/exports/clients.csv"))
	require.Len(t, other, 1)
	require.Equal(t, "Birch", other[0]["first_name"])
}

func TestContactsCSV(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rows := sheet(t, b.get(b.maple.Token, "/exports/contacts.csv"))
	require.Len(t, rows, 2, "Wei's link, and the contact with none")
	var wei, lonely map[string]string
	for _, r := range rows {
		switch r["last_name"] {
		case "Chen":
			wei = r
		case "Contact":
			lonely = r
		}
	}
	require.NotNil(t, wei)
	require.Equal(t, b.sam, wei["client_id"])
	require.Equal(t, "PARENT", wei["relationship"])
	require.Equal(t, "BILLING; EMERGENCY", wei["contact_types"])
	require.Equal(t, "'+14165550188", wei["phone"], "a number starting with + is defused too")
	require.Equal(t, "Toronto", wei["city"])
	require.NotNil(t, lonely)
	require.Equal(t, "'@Lonely", lonely["first_name"])
	require.Empty(t, lonely["link_id"])
	require.Empty(t, lonely["client_id"])
}

func TestAppointmentsCSV(t *testing.T) {
	t.Parallel()
	b := setup(t)
	toronto, _ := time.LoadLocation("America/Toronto")
	d := time.Now().In(toronto).AddDate(0, 0, 3)
	day := time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, toronto)
	for i, at := range []time.Time{day, day.Add(2 * time.Hour), day.AddDate(0, 0, 40)} {
		b.api.OK(b.maple.Token, `mutation($in: CreateAppointmentInput!) { createAppointment(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"clientID": b.sam, "practitionerID": string(b.maple.Owner.ID),
				"startsAt": at, "endsAt": at.Add(time.Hour), "location": fmt.Sprintf("-Room %d", i)}}, nil)
	}
	from := day.Format("2006-01-02")
	to := day.AddDate(0, 0, 1).Format("2006-01-02")
	rec := b.get(b.maple.Token, "/exports/appointments.csv?from="+from+"&to="+to)
	require.Contains(t, rec.Header().Get("Content-Disposition"), "appointments-")
	rows := sheet(t, rec)
	require.Len(t, rows, 2, "the two of that day, not the one 40 days on")
	require.Equal(t, "'-Room 0", rows[0]["location"])
	require.Equal(t, day.Format(time.RFC3339), rows[0]["starts_at"], "in the client's time zone")
	require.Equal(t, "Owner of maple", rows[0]["practitioner"])
	require.Empty(t, sheet(t, b.get(b.birch.Token, "/exports/appointments.csv?from="+from+"&to="+to)))

	for _, c := range []struct{ query, field string }{
		{"", "from"},
		{"?from=" + from, "to"},
		{"?from=yesterday&to=" + to, "from"},
		{"?from=" + to + "&to=" + from, "to"},
		{"?from=2020-01-01&to=2026-01-01", "to"},
		{"?from=" + from + "&from=" + from + "&to=" + to, "from"},
	} {
		ext := problem(t, b.get(b.maple.Token, "/exports/appointments.csv"+c.query), http.StatusBadRequest)
		require.Equal(t, "BAD_USER_INPUT", ext["code"], c.query)
		require.Equal(t, c.field, ext["field"], c.query)
	}
}

func TestExportsPageThroughManyRows(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := viewer.NewContext(context.Background(), viewer.System{OrgID: b.maple.Org.ID})
	n := 1234 // more than two pages of PageSize
	bulk := make([]*ent.ClientProfileCreate, n)
	for i := range bulk {
		bulk[i] = b.db.Client.ClientProfile.Create().SetOrganizationID(b.maple.Org.ID).
			SetFirstName(fmt.Sprintf("Bulk%04d", i)).SetLastName("Client").SetEmail(fmt.Sprintf("bulk%d@example.com", i))
	}
	for i := 0; i < n; i += 200 {
		require.NoError(t, b.db.Client.ClientProfile.CreateBulk(bulk[i:min(i+200, n)]...).Exec(ctx))
	}
	rows := sheet(t, b.get(b.maple.Token, "/exports/clients.csv"))
	require.Len(t, rows, n+2)
	seen := map[string]bool{}
	for _, r := range rows {
		require.False(t, seen[r["id"]], "a client twice")
		seen[r["id"]] = true
	}
	var out struct {
		Exports struct {
			Edges []struct{ Node struct{ RowCount int } }
		}
	}
	b.api.OK(b.maple.Token, `{ exports(first: 1) { edges { node { rowCount } } } }`, nil, &out)
	require.Equal(t, n+2, out.Exports.Edges[0].Node.RowCount)
}

func TestExportAccess(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, path := range []string{"/exports/clients.csv", "/exports/contacts.csv", "/exports/appointments.csv?from=2026-01-01&to=2026-02-01"} {
		require.Equal(t, "UNAUTHENTICATED", problem(t, b.get("", path), http.StatusUnauthorized)["code"], path)
		require.Equal(t, "UNAUTHENTICATED", problem(t, b.get("kith_st_wrong", path), http.StatusUnauthorized)["code"], path)
		require.Equal(t, "FORBIDDEN", problem(t, b.get(b.portal, path), http.StatusForbidden)["code"], path)
		require.Equal(t, "FORBIDDEN", problem(t, b.get(b.practitioner, path), http.StatusForbidden)["code"], path)
	}
	face := "/clients/" + b.alex + "/face-sheet"
	require.Equal(t, "UNAUTHENTICATED", problem(t, b.get("", face), http.StatusUnauthorized)["code"])
	require.Equal(t, "FORBIDDEN", problem(t, b.get(b.portal, face), http.StatusForbidden)["code"])
	require.Equal(t, http.StatusOK, b.get(b.practitioner, face).Code, "any staff member prints a face sheet")

	// HEAD too: an export is run and recorded only when it is fetched.
	for _, method := range []string{http.MethodPost, http.MethodHead} {
		req := httptest.NewRequest(method, "/exports/clients.csv", nil)
		req.Header.Set("Authorization", "Bearer "+b.maple.Token)
		rec := httptest.NewRecorder()
		b.api.Handler.ServeHTTP(rec, req)
		require.Equal(t, "METHOD_NOT_ALLOWED", problem(t, rec, http.StatusMethodNotAllowed)["code"], method)
		require.Equal(t, "GET", rec.Header().Get("Allow"))
	}
	require.Equal(t, "NOT_FOUND", problem(t, b.get(b.maple.Token, "/exports/nothing.csv"), http.StatusNotFound)["code"])

	// Nothing refused reached the audit list.
	var out struct {
		Exports struct{ TotalCount int }
	}
	b.api.OK(b.maple.Token, `{ exports { totalCount } }`, nil, &out)
	require.Equal(t, 1, out.Exports.TotalCount, "only the practitioner's face sheet")
	require.Equal(t, "FORBIDDEN", b.api.Fail(b.practitioner, `{ exports { totalCount } }`, nil).Code())
}

func TestFaceSheet(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rec := b.get(b.maple.Token, "/clients/"+b.sam+"/face-sheet")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, "text/html; charset=utf-8", rec.Header().Get("Content-Type"))
	require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
	html := rec.Body.String()
	require.Contains(t, html, "@media print")
	require.Contains(t, html, "Wei Chen")
	require.Contains(t, html, "PARENT")
	require.Contains(t, html, "BILLING, EMERGENCY")
	require.Contains(t, html, "&#43;14165550188") // html/template escapes +
	require.Contains(t, html, "wei@example.com")
	require.Contains(t, html, "1 Main St, Toronto, ON M5V 1A1, CA")

	alex := b.get(b.maple.Token, "/clients/"+b.alex+"/face-sheet").Body.String()
	require.NotContains(t, alex, "<script>alert(1)</script>", "escaped")
	require.Contains(t, alex, "&lt;script&gt;alert(1)&lt;/script&gt;")
	require.Contains(t, alex, "Allergic to latex")

	// Another organisation's client reads exactly like one that does not exist.
	theirs := problem(t, b.get(b.birch.Token, "/clients/"+b.sam+"/face-sheet"), http.StatusNotFound)
	missing := problem(t, b.get(b.birch.Token, "/clients/"+string(pulid.New("cl"))+"/face-sheet"), http.StatusNotFound)
	require.Equal(t, "NOT_FOUND", theirs["code"])
	require.Equal(t, missing["code"], theirs["code"])
	require.Equal(t, missing["field"], theirs["field"])
	require.Equal(t, "NOT_FOUND", problem(t, b.get(b.maple.Token, "/clients/nonsense/face-sheet"), http.StatusNotFound)["code"])

	var out struct {
		Exports struct {
			Edges []struct {
				Node struct {
					Kind, Parameters string
					RowCount         int
					CompletedAt      *time.Time
					Staff            struct{ ID string }
					Client           *struct{ ID string }
				}
			}
		}
	}
	b.api.OK(b.maple.Token, `{ exports(first: 10) { edges { node { kind parameters rowCount completedAt staff { id } client { id } } } } }`, nil, &out)
	require.Len(t, out.Exports.Edges, 2, "two face sheets of maple; birch's refusals are not on it")
	last := out.Exports.Edges[0].Node
	require.Equal(t, "FACE_SHEET", last.Kind)
	require.Equal(t, b.alex, last.Client.ID, "newest first")
	require.Equal(t, string(b.maple.Owner.ID), last.Staff.ID)
	require.NotNil(t, last.CompletedAt)
	require.Equal(t, 1, out.Exports.Edges[1].Node.RowCount, "Sam's one contact")
}

// TestExportsShowPlacesAndCoverage checks the columns and face-sheet
// entries of locations, addresses held at, Veteran ID, qualified and
// coverage.
func TestExportsShowPlacesAndCoverage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var loc struct{ CreateLocation struct{ ID string } }
	b.api.OK(b.maple.Token, `mutation { createLocation(input: {name: "Downtown clinic",
		address: {line1: "40 King Street West", city: "Toronto"}}) { id } }`, nil, &loc)
	var mia struct {
		CreateClient struct {
			ID           string
			ContactLinks []struct{ ID string }
		}
	}
	b.api.OK(b.maple.Token, `mutation($l: ID!) { createClient(input: {firstName: "Mia", lastName: "Chen", email: "mia@example.com",
		veteranID: "VA-123", qualified: true, defaultLocationID: $l, address: {line1: "12 Elm Street", city: "Toronto"}},
		contacts: [{contact: {firstName: "Jordan", lastName: "Chen", organizationReference: "<b>ACME-7</b>",
			address: {line1: "8 Oak Avenue", city: "Oakville"}}, relationship: PARENT, contactTypes: [ADDITIONAL_ADDRESS, BILLING]}])
		{ id contactLinks { id } } }`, map[string]any{"l": loc.CreateLocation.ID}, &mia)
	client, link := mia.CreateClient.ID, mia.CreateClient.ContactLinks[0].ID

	clients := map[string]map[string]string{}
	for _, r := range sheet(t, b.get(b.maple.Token, "/exports/clients.csv")) {
		clients[r["id"]] = r
	}
	require.Equal(t, "VA-123", clients[client]["veteran_id"])
	require.Equal(t, "yes", clients[client]["qualified"])
	require.Equal(t, "Downtown clinic", clients[client]["default_location"])
	require.Empty(t, clients[b.sam]["qualified"], "not recorded")
	require.Empty(t, clients[b.sam]["default_location"])

	toronto, _ := time.LoadLocation("America/Toronto")
	d := time.Now().In(toronto).AddDate(0, 0, 3)
	day := time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, toronto)
	for i, c := range []struct {
		in     map[string]any
		heldAt any
	}{
		{map[string]any{"practiceLocationID": loc.CreateLocation.ID}, nil},
		{map[string]any{"addressSource": "CLIENT"}, nil},
		{nil, link},
		{map[string]any{"location": "Community hall"}, nil},
	} {
		at := day.Add(time.Duration(i) * time.Hour)
		in := map[string]any{"clientID": client, "practitionerID": string(b.maple.Owner.ID), "startsAt": at, "endsAt": at.Add(50 * time.Minute)}
		for k, v := range c.in {
			in[k] = v
		}
		b.api.OK(b.maple.Token, `mutation($in: CreateAppointmentInput!, $h: ID) { createAppointment(input: $in, heldAtContactLinkID: $h) { id } }`,
			map[string]any{"in": in, "h": c.heldAt}, nil)
	}
	rows := sheet(t, b.get(b.maple.Token, "/exports/appointments.csv?from="+day.Format("2006-01-02")+"&to="+day.AddDate(0, 0, 1).Format("2006-01-02")))
	require.Len(t, rows, 4)
	for i, want := range []struct{ location, practiceLocation, source string }{
		{"Downtown clinic, 40 King Street West, Toronto", "Downtown clinic", ""},
		{"12 Elm Street, Toronto", "", "CLIENT"},
		{"8 Oak Avenue, Oakville", "", "CONTACT"},
		{"Community hall", "", ""},
	} {
		require.Equal(t, want.location, rows[i]["location"], i)
		require.Equal(t, want.practiceLocation, rows[i]["practice_location"], i)
		require.Equal(t, want.source, rows[i]["address_source"], i)
	}

	var cov struct{ CreateCoverage struct{ ID string } }
	b.api.OK(b.maple.Token, `mutation($c: ID!) { createCoverage(input: {clientID: $c, region: "ON", healthCardNumber: "1234-567-897",
		healthCardVersion: "AB", feeProgram: "<i>OHIP</i>"}) { id } }`, map[string]any{"c": client}, &cov)
	b.api.OK(b.maple.Token, `mutation($id: ID!, $l: ID) { setCoverageBillingContact(id: $id, billingContactID: $l) { id } }`,
		map[string]any{"id": cov.CreateCoverage.ID, "l": link}, nil)

	html := b.get(b.maple.Token, "/clients/"+client+"/face-sheet").Body.String()
	for _, want := range []string{"Veteran ID", "VA-123", "Qualified", "<dd>yes</dd>", "Default location", "Downtown clinic",
		"<h2>Coverage</h2>", "<td>ON</td>", "1234567897 AB", "VALID", "(FORMAT)", "Jordan Chen",
		"&lt;i&gt;OHIP&lt;/i&gt;", "Ref. &lt;b&gt;ACME-7&lt;/b&gt;"} {
		require.Contains(t, html, want)
	}
	require.NotContains(t, html, "<i>OHIP</i>", "escaped")
	require.Contains(t, b.get(b.maple.Token, "/clients/"+b.sam+"/face-sheet").Body.String(), "No coverage.")
}

// TestAppointmentsCSVStatementsDoNotGrow proves the places are loaded per
// page, not per row: 4 appointments cost as many statements as 40, held
// at a location, the client's address, a contact's and a text place in
// turn.
func TestAppointmentsCSVStatementsDoNotGrow(t *testing.T) {
	t.Parallel()
	start := time.Now().UTC().AddDate(0, 0, 2).Truncate(24 * time.Hour)
	path := "/exports/appointments.csv?from=" + start.Format(time.RFC3339) + "&to=" + start.AddDate(0, 0, 3).Format(time.RFC3339)
	statements := func(n int) int64 {
		var counter atomic.Int64
		db := kithtest.DB(t, &counter)
		p := kithtest.NewPractice(t, db, fmt.Sprintf("n%d", n))
		ctx := viewer.NewContext(context.Background(), viewer.System{OrgID: p.Org.ID})
		tx, err := db.Client.Tx(ctx)
		require.NoError(t, err)
		ctx = transaction.With(ctx, tx) // the hooks of its writes find it
		c := tx.Client()
		l, err := c.Location.Create().SetName("Downtown clinic").Save(ctx)
		require.NoError(t, err)
		cl, err := c.ClientProfile.Create().SetFirstName("Mia").SetLastName("Chen").SetEmail("mia@example.com").
			SetAddress(&schematype.Address{Line1: "12 Elm Street", City: "Toronto"}).Save(ctx)
		require.NoError(t, err)
		k, err := c.Contact.Create().SetFirstName("Jordan").SetAddress(&schematype.Address{Line1: "8 Oak Avenue", City: "Oakville"}).Save(ctx)
		require.NoError(t, err)
		link, err := c.ClientContact.Create().SetClientID(cl.ID).SetContactID(k.ID).
			SetContactTypes([]schematype.ContactType{schematype.ContactTypeAdditionalAddress}).Save(ctx)
		require.NoError(t, err)
		for i := range n {
			at := start.Add(time.Duration(i) * time.Hour)
			a := c.Appointment.Create().SetClientID(cl.ID).SetPractitionerID(p.Owner.ID).SetStartsAt(at).SetEndsAt(at.Add(50 * time.Minute))
			switch i % 4 {
			case 0:
				a.SetPracticeLocationID(l.ID)
			case 1:
				a.SetAddressSource(appointment.AddressSourceClient)
			case 2:
				a.SetAddressSource(appointment.AddressSourceContact).SetHeldAtContactLinkID(link.ID)
			default:
				a.SetLocation("Community hall")
			}
			require.NoError(t, a.Exec(ctx))
		}
		require.NoError(t, tx.Commit())
		api := kithtest.NewAPI(t, db)
		sheet(t, httpGet(api, p.Token, path)) // warm the token cache
		counter.Store(0)
		rows := sheet(t, httpGet(api, p.Token, path))
		require.Len(t, rows, n)
		require.Equal(t, "8 Oak Avenue, Oakville", rows[2]["location"])
		return counter.Load()
	}
	four, forty := statements(4), statements(40)
	require.Equal(t, four, forty, "statements for 4 appointments vs 40")
	t.Logf("%d statements for 4 appointments and for 40", four)
}

// httpGet is GET path through api's handler as token's bearer.
func httpGet(api *kithtest.API, token, path string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	api.Handler.ServeHTTP(rec, req)
	return rec
}
