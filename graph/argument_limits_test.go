package graph_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/kithtest"
)

func names(n int) []any {
	l := make([]any, n)
	for i := range l {
		l[i] = fmt.Sprintf("n%d", i)
	}
	return l
}

// TestArgumentListLimits: a list longer than graph.MaxListItems, at any
// depth of input objects, more than graph.MaxArgumentValues values in one
// operation, or input nested deeper than graph.MaxInputDepth is refused
// with BAD_USER_INPUT before any resolver runs, alike on both databases.
// (70,000 names answered INTERNAL on both, "too many SQL variables" and
// "limited to 65535 parameters"; 40,000 INTERNAL on SQLite and data on
// PostgreSQL; 1,000 nested nots INTERNAL on SQLite only.)
func TestArgumentListLimits(t *testing.T) {
	t.Parallel()
	const clientsWhere = `query($w: ClientWhereInput) { clients(first: 5, where: $w) { totalCount edges { node { id } } } }`
	ors := func(lists, each int) map[string]any {
		or := make([]any, lists)
		for i := range or {
			or[i] = map[string]any{"firstNameIn": names(each)}
		}
		return map[string]any{"or": or}
	}
	nested := func(depth int) map[string]any {
		w := map[string]any{"firstName": "Sam"}
		for range depth {
			w = map[string]any{"not": w}
		}
		return w
	}
	listMsg := func(field string, n int) string {
		return fmt.Sprintf("%s holds %d items, more than the 1000 a list may hold; split the request", field, n)
	}
	const totalMsg = "the arguments of this operation hold more than 10000 values; split it into smaller requests"
	const depthMsg = "where nests input objects and lists more than 20 deep; write the filter with fewer levels"
	cases := []struct {
		name, query string
		vars        map[string]any
		field, msg  string
		limit       int
	}{
		{"1,001 names", clientsWhere, map[string]any{"w": map[string]any{"firstNameIn": names(1001)}}, "where.firstNameIn", listMsg("where.firstNameIn", 1001), 1000},
		{"40,000 names", clientsWhere, map[string]any{"w": map[string]any{"firstNameIn": names(40_000)}}, "where.firstNameIn", listMsg("where.firstNameIn", 40_000), 1000},
		{"70,000 names", clientsWhere, map[string]any{"w": map[string]any{"firstNameIn": names(70_000)}}, "where.firstNameIn", listMsg("where.firstNameIn", 70_000), 1000},
		{"in a nested filter", clientsWhere, map[string]any{"w": map[string]any{"not": map[string]any{"or": []any{map[string]any{"lastNameNotIn": names(1001)}}}}},
			"where.not.or.0.lastNameNotIn", listMsg("where.not.or.0.lastNameNotIn", 1001), 1000},
		{"a list of filters", clientsWhere, map[string]any{"w": ors(1001, 1)}, "where.or", listMsg("where.or", 1001), 1000},
		{"IDs", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": names(1001)}, "ids", listMsg("ids", 1001), 1000},
		{"11 lists of 1,000", clientsWhere, map[string]any{"w": ors(11, 1000)}, "where", totalMsg, 10_000},
		{"40 lists of 1,000", clientsWhere, map[string]any{"w": ors(40, 1000)}, "where", totalMsg, 10_000},
		{"over two fields", `query($a: ClientWhereInput, $b: ClientWhereInput) { a: clients(first: 1, where: $a) { totalCount } b: clients(first: 1, where: $b) { totalCount } }`,
			map[string]any{"a": ors(6, 1000), "b": ors(6, 1000)}, "where", totalMsg, 10_000},
		{"21 deep", clientsWhere, map[string]any{"w": nested(20)}, "where", depthMsg, 20},
		{"1,000 deep", clientsWhere, map[string]any{"w": nested(1000)}, "where", depthMsg, 20},
		{"or deep", clientsWhere, map[string]any{"w": func() map[string]any {
			w := map[string]any{"firstName": "Sam"}
			for range 600 {
				w = map[string]any{"or": []any{map[string]any{"lastName": "Stone"}, w}}
			}
			return w
		}()}, "where", depthMsg, 20},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.createClient(t, map[string]any{"firstName": "Sam", "lastName": "Stone", "email": "sam@example.com"}, nil)
			e := b.api.Fail(b.token, tc.query, tc.vars)
			requireCode(t, e, graph.CodeBadUserInput, tc.field)
			require.Equal(t, tc.msg, e.Message)
			require.EqualValues(t, tc.limit, e.Extensions["limit"])
		})
	}

	// Up to the limits, both databases answer.
	t.Run("at the limits", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.createClient(t, map[string]any{"firstName": "Sam", "lastName": "Stone", "email": "sam@example.com"}, nil)
		w := ors(10, 1000) // and first: 10,001 values
		w["or"] = append(w["or"].([]any)[:9], map[string]any{"firstNameIn": append(names(998), "Sam")})
		var out struct{ Clients struct{ TotalCount int } }
		b.api.OK(b.token, clientsWhere, map[string]any{"w": w}, &out)
		require.Equal(t, 1, out.Clients.TotalCount)
		b.api.OK(b.token, clientsWhere, map[string]any{"w": nested(19)}, &out)
		require.Equal(t, 0, out.Clients.TotalCount, "19 nots of a match")
	})
}

// TestEmptyNestedFilter: a where filter inside another (not, and, or,
// has…With) that sets no condition is refused with BAD_USER_INPUT on its
// path; it answered INTERNAL ("empty predicate"). An empty where itself
// still means no filter.
func TestEmptyNestedFilter(t *testing.T) {
	t.Parallel()
	cases := []struct {
		where map[string]any
		field string
	}{
		{map[string]any{"or": []any{map[string]any{}}}, "where.or.0"},
		{map[string]any{"not": map[string]any{}}, "where.not"},
		{map[string]any{"and": []any{map[string]any{"location": "Room 2"}, map[string]any{"location": nil}}}, "where.and.1"},
		{map[string]any{"not": map[string]any{"or": []any{}}}, "where.not"},
		{map[string]any{"hasClientWith": []any{map[string]any{}}}, "where.hasClientWith.0"},
	}
	for i, tc := range cases {
		t.Run(fmt.Sprint(i, tc.field), func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			e := b.api.Fail(b.token, `query($w: AppointmentWhereInput) { appointments(first: 5, where: $w) { totalCount edges { node { id } } } }`,
				map[string]any{"w": tc.where})
			requireCode(t, e, graph.CodeBadUserInput, tc.field)
			require.Equal(t, tc.field+" sets no condition; give it at least one, or leave it out", e.Message)
		})
	}
	b := setup(t)
	b.api.OK(b.token, `{ appointments(first: 5, where: {}) { totalCount } a: appointments(first: 5, where: {or: []}) { totalCount } }`, nil, nil)
}

// TestVariablesAreNotCoerced: a variable's JSON value that GraphQL's input
// coercion does not accept for its type (a string for an Int, a number for
// a String, an enum spelt otherwise) is refused as the variable's error,
// BAD_USER_INPUT on the variable's path with no data, as gqlparser's own
// refusals are; "5" for an Int was read as 5.
func TestVariablesAreNotCoerced(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, query string
		vars        string // JSON, so that numbers stay numbers
		field, msg  string
	}{
		{"string for an Int", `query($n: Int) { clients(first: $n) { totalCount } }`, `{"n": "5"}`, "n", "n must be a whole number from -2147483648 to 2147483647"},
		{"string for a nested Int", `mutation($in: CreateCoverageInput!) { createCoverage(input: $in) { id } }`,
			`{"in": {"clientID": "CLIENT", "numberOfSessions": "3"}}`, "in.numberOfSessions", "in.numberOfSessions must be a whole number from -2147483648 to 2147483647"},
		{"string for a non-null Int", `query($n: Int!) { clients(first: $n) { totalCount } }`, `{"n": "5"}`, "n", "n must be a whole number from -2147483648 to 2147483647"},
		{"number for a String", `query($q: String!) { searchContacts(query: $q) { id } }`, `{"q": 5}`, "q", "q must be a string"},
		{"boolean for a String", `query($q: String!) { searchContacts(query: $q) { id } }`, `{"q": true}`, "q", "q must be a string"},
		{"number for a nested String", `mutation($in: CreateClientInput!) { createClient(input: $in) { id } }`,
			`{"in": {"firstName": 12, "lastName": "Chen"}}`, "in.firstName", "in.firstName must be a string"},
		{"number in a list of Strings", `mutation($in: CreateClientInput!) { createClient(input: $in) { id } }`,
			`{"in": {"firstName": "Mia", "lastName": "Chen", "tags": ["a", 7]}}`, "in.tags.1", "in.tags.1 must be a string"},
		{"string for a Boolean", `mutation($in: CreateClientInput!) { createClient(input: $in) { id } }`,
			`{"in": {"firstName": "Mia", "lastName": "Chen", "smsConsent": "true"}}`, "in.smsConsent", "in.smsConsent must be true or false"},
		{"number for a Boolean", `mutation($in: CreateClientInput!) { createClient(input: $in) { id } }`,
			`{"in": {"firstName": "Mia", "lastName": "Chen", "smsConsent": 1}}`, "in.smsConsent", "in.smsConsent must be true or false"},
		{"fraction for an ID", `query($id: ID!) { node(id: $id) { id } }`, `{"id": 1.5}`, "id", "id is not an ID this API gave out"},
		{"boolean for an ID", `query($id: ID!) { node(id: $id) { id } }`, `{"id": false}`, "id", "id is not an ID this API gave out"},
		{"enum in lower case", `mutation($s: ClientStatus) { createClient(input: {firstName: "A", lastName: "B", status: $s}) { id } }`, `{"s": "active"}`, "s",
			"s must be one of LEAD, ACTIVE, INACTIVE, ARCHIVED"},
		{"number for a Time", `query($t: Time!) { clients(first: 1, where: {createdAtGT: $t}) { totalCount } }`, `{"t": 1700000000}`, "t",
			"t must be a date and time with its offset, such as 2026-06-02T09:00:00-04:00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			c := b.createClient(t, map[string]any{"firstName": "Sam", "lastName": "Stone", "email": "sam@example.com"}, nil)
			a := kithtest.Send(t, b.api.Handler, authed(b.token, tc.query, tc.vars, c.ID))
			require.Len(t, a.Response.Errors, 1, a.Rec.Body.String())
			e := a.Response.Errors[0]
			requireCode(t, e, graph.CodeBadUserInput, tc.field)
			require.Equal(t, tc.msg, e.Message)
			require.NotContains(t, a.Members, "data", "a variable that does not coerce: the operation does not run")
			require.Zero(t, b.count(t, "coverages"))
			require.Equal(t, 1, b.count(t, "clients"))
		})
	}
	// What the specification coerces still works: an integer for an ID
	// reaches the ID's own check, an Int for an Int, a string for an enum.
	b := setup(t)
	b.api.OK(b.token, `query($n: Int, $s: ClientStatus) { clients(first: $n, where: {status: $s}) { totalCount } }`, map[string]any{"n": 5, "s": "ACTIVE"}, nil)
	e := b.api.Fail(b.token, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": 12})
	requireCode(t, e, graph.CodeBadUserInput, "id")
}

// authed is a POST of query with vars (JSON text) as token's bearer; CLIENT
// in vars becomes client.
func authed(token, query, vars, client string) *http.Request {
	q, _ := json.Marshal(query)
	req := kithtest.RawPost(`{"query": ` + string(q) + `, "variables": ` + strings.ReplaceAll(vars, "CLIENT", client) + `}`)
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}
