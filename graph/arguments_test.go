package graph_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/kithtest"
)

// TestNULRefused: a string argument holding U+0000 is refused with
// BAD_USER_INPUT naming it, before any resolver runs, whether it is a
// literal or a variable, in a write, a search or a filter, at any depth.
// (SQLite stored such strings and PostgreSQL answered INTERNAL.)
func TestNULRefused(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, query string
		vars        map[string]any
		field       string
	}{
		{"literal in a write", `mutation { createClient(input: {firstName: "Mi\u0000a", lastName: "Chen"}) { id } }`, nil, "firstName"},
		{"variable in a write", `mutation($in: CreateClientInput!) { createClient(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"firstName": "Mia", "lastName": "Ch\x00en"}}, "lastName"},
		{"in a list", `mutation { createClient(input: {firstName: "Mia", lastName: "Chen", tags: ["ok", "n\u0000"]}) { id } }`, nil, "tags.1"},
		{"in a nested input", `mutation($c: [ClientContactLinkInput!]) { createClient(input: {firstName: "Mia", lastName: "Chen"}, contacts: $c) { id } }`,
			map[string]any{"c": []any{map[string]any{"contact": map[string]any{"firstName": "Wei\x00", "lastName": "Chen"}, "relationship": "PARENT"}}}, "contacts.0.contact.firstName"},
		{"in a fragment", `mutation { ...M } fragment M on Mutation { createClient(input: {firstName: "Mia", lastName: "\u0000"}) { id } }`, nil, "lastName"},
		{"search", `{ searchContacts(query: "we\u0000i") { id } }`, nil, "query"},
		{"search variable", `query($q: String!) { searchContacts(query: $q) { id } }`, map[string]any{"q": "\x00"}, "query"},
		{"filter", `query($w: ClientWhereInput) { clients(first: 5, where: $w) { totalCount } }`,
			map[string]any{"w": map[string]any{"or": []any{map[string]any{"firstNameContains": "a"}, map[string]any{"lastNameContains": "b\x00"}}}}, "where.or.1.lastNameContains"},
		{"filter of a nested connection", `{ clients(first: 5) { edges { node { appointments(first: 1, where: {locationContains: "\u0000"}) { totalCount } } } } }`, nil, "where.locationContains"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.createClient(t, map[string]any{"firstName": "Sam", "lastName": "Stone", "email": "sam@example.com"}, nil)
			e := b.api.Fail(b.token, tc.query, tc.vars)
			requireCode(t, e, graph.CodeBadUserInput, tc.field)
			require.Equal(t, tc.field+" contains the NUL character (U+0000), which is not text kith can store; remove it", e.Message)
			require.Equal(t, 1, b.count(t, "clients"), "a resolver wrote")
			require.Zero(t, b.count(t, "contacts"), "a resolver wrote")
		})
	}
}

// TestInvalidUTF8Refused: a query sent by GET can carry bytes that are not
// UTF-8 in a string literal; the transport refuses them, naming the GET
// parameter (the argument gate would refuse them too).
func TestInvalidUTF8Refused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, rsp := roundTrip(t, b.api.Handler, kithtest.NewRequest(t, http.MethodGet, b.token, "{ searchContacts(query: \"\xff\xfe\") { id } }", nil))
	require.Len(t, rsp.Errors, 1)
	requireCode(t, rsp.Errors[0], graph.CodeBadUserInput, "query")
	require.Equal(t, "the parameter query is not valid UTF-8", rsp.Errors[0].Message)
}

// TestArgumentMessages: an argument that cannot be decoded gets a sentence
// written from its type and extensions.field, never a library's text, as
// a literal or a variable, on a root field or a nested one.
func TestArgumentMessages(t *testing.T) {
	t.Parallel()
	const cursorMsg = "after is not a cursor this API gave out: pass a page's endCursor"
	cases := []struct {
		name, query string
		vars        map[string]any
		field, msg  string
	}{
		{"cursor", `{ clients(first: 1, after: "nope") { totalCount } }`, nil, "after", cursorMsg},
		{"cursor variable", `query($a: Cursor) { clients(first: 1, after: $a) { totalCount } }`, map[string]any{"a": "bmV4dA=="}, "after", cursorMsg},
		{"before cursor", `{ contacts(last: 1, before: "x") { totalCount } }`, nil, "before", "before is not a cursor this API gave out: pass a page's startCursor"},
		{"cursor of a nested connection", `{ clients(first: 1) { edges { node { appointments(first: 1, after: "zz") { totalCount } } } } }`, nil, "after", cursorMsg},
		{"ID", `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": 12}, "id", "id is not an ID this API gave out"},
		{"IDs", `{ nodes(ids: ["cl1", 5]) { id } }`, nil, "ids.1", "ids.1 is not an ID this API gave out"},
		{"time", `{ clients(first: 1, where: {createdAtGT: "yesterday"}) { totalCount } }`, nil, "where.createdAtGT",
			"where.createdAtGT must be a date and time with its offset, such as 2026-06-02T09:00:00-04:00"},
		{"time variable", `query($t: Time!) { clients(first: 1, where: {createdAtGT: $t}) { totalCount } }`, map[string]any{"t": "2026-13-01"}, "where.createdAtGT",
			"where.createdAtGT must be a date and time with its offset, such as 2026-06-02T09:00:00-04:00"},
		{"Int past 32 bits", `mutation($c: ID!) { createCoverage(input: {clientID: $c, numberOfSessions: 99999999999}) { id } }`, nil, "numberOfSessions",
			"numberOfSessions must be a whole number from -2147483648 to 2147483647"},
		{"Int past 32 bits in a variable", `mutation($in: CreateCoverageInput!) { createCoverage(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"numberOfSessions": -3000000000}}, "numberOfSessions",
			"numberOfSessions must be a whole number from -2147483648 to 2147483647"},
		{"Int variable with a fraction", `query($n: Int) { clients(first: $n) { totalCount } }`, map[string]any{"n": 1.5}, "n",
			"n must be a whole number from -2147483648 to 2147483647"},
		{"enum variable", `mutation($s: ClientStatus) { createClient(input: {firstName: "A", lastName: "B", status: $s}) { id } }`, map[string]any{"s": "GONE"}, "s",
			"s must be one of LEAD, ACTIVE, INACTIVE, ARCHIVED"},
		{"missing variable", `mutation($in: CreateCoverageInput!) { createCoverage(input: $in) { id } }`, map[string]any{}, "in", "in is required"},
		{"missing field of a variable", `mutation($in: CreateCoverageInput!) { createCoverage(input: $in) { id } }`, map[string]any{"in": map[string]any{}}, "in.clientID", "in.clientID is required"},
		{"unknown field of a variable", `mutation($in: CreateCoverageInput!) { createCoverage(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"clientID": "cl1", "sessions": 3}}, "in.sessions", "sessions is not a field of CreateCoverageInput"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			client := b.createClient(t, map[string]any{"firstName": "Sam", "lastName": "Stone", "email": "sam@example.com"}, nil)
			vars := map[string]any{}
			for k, v := range tc.vars {
				vars[k] = v
			}
			if in, ok := vars["in"].(map[string]any); ok && len(in) > 0 && in["clientID"] == nil {
				in["clientID"] = client.ID
			}
			if strings.Contains(tc.query, "$c: ID!") {
				vars["c"] = client.ID
			}
			e := b.api.Fail(b.token, tc.query, vars)
			requireCode(t, e, graph.CodeBadUserInput, tc.field)
			require.Equal(t, tc.msg, e.Message)
			require.Zero(t, b.count(t, "coverages"), "a resolver wrote")
			require.Equal(t, 1, b.count(t, "clients"), "a resolver wrote")
		})
	}
}
