package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/introspection"
	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/server"
)

// nestedLists is clients(first: 100) { edges { node { … } } } with levels
// of contacts and clients lists inside, around inner, a selection on a
// Contact when levels is odd and on a Client when it is even.
func nestedLists(levels int, inner string) string {
	q := inner
	for i := levels; i >= 1; i-- {
		name := "clients"
		if i%2 == 1 {
			name = "contacts"
		}
		q = name + " { " + q + " }"
	}
	return "clients(first: 100) { edges { node { " + q + " } } }"
}

// doubling is fragments F0 … Fn on typ, each spreading the one before twice:
// Fn weighs 2^n fields in a text of a few hundred characters.
func doubling(typ string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "fragment F0 on %s { id }\n", typ)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "fragment F%d on %s { ...F%d ...F%d }\n", i, typ, i-1, i-1)
	}
	return b.String()
}

// TestQueryCostSaturates: no query's cost wraps around past the largest
// integer to a small or negative number that the limit lets through.
func TestQueryCostSaturates(t *testing.T) {
	t.Parallel()

	t.Run("lists and fragments within the depth limit", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		// 100 × 10^11 × 2^20 ≈ 1.05×10^19, more than an int64 holds.
		q := "{ " + nestedLists(11, "...F20") + " }\n" + doubling("Contact", 20)
		e := b.api.Fail(b.token, q, nil)
		requireCode(t, e, graph.CodeBadUserInput, "")
		require.Contains(t, e.Message, "the query would cost far more than the limit of 10000")
		require.EqualValues(t, 10000, e.Extensions["limit"])
		require.NotContains(t, e.Extensions, "cost")
	})

	t.Run("fragments spread twice, seventy times over", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		// F70 weighs 2^70 fields: measuring it field by field would never end.
		e := b.api.Fail(b.token, "{ clients(first: 1) { edges { node { ...F70 } } } }\n"+doubling("Client", 70), nil)
		requireCode(t, e, graph.CodeBadUserInput, "")
		require.Contains(t, e.Message, "far more than the limit of 10000")
	})

	t.Run("nesting deeper than the default depth", func(t *testing.T) {
		t.Parallel()
		db := kithtest.DB(t, nil)
		p := kithtest.NewPractice(t, db, "maple")
		api := apiWith(t, db, graph.HandlerConfig{MaxDepth: 1000})
		for _, levels := range []int{17, 40, 200} {
			e := api.Fail(p.Token, "{ "+nestedLists(levels, "id")+" }", nil)
			requireCode(t, e, graph.CodeBadUserInput, "")
			require.Contains(t, e.Message, "far more than the limit of 10000", "%d levels", levels)
		}
	})

	t.Run("aliases of an expensive field add up without wrapping", func(t *testing.T) {
		t.Parallel()
		db := kithtest.DB(t, nil)
		p := kithtest.NewPractice(t, db, "maple")
		api := apiWith(t, db, graph.HandlerConfig{MaxDepth: 1000})
		var q strings.Builder
		q.WriteString("{ ")
		for i := range 50 {
			fmt.Fprintf(&q, "a%d: %s ", i, nestedLists(16, "id"))
		}
		q.WriteString("}")
		e := api.Fail(p.Token, q.String(), nil)
		requireCode(t, e, graph.CodeBadUserInput, "")
		require.Contains(t, e.Message, "far more than the limit")
	})
}

// TestDepthLimit: fields nest at most 15 deep, counted through fragments,
// and the refusal comes before any resolver runs.
func TestDepthLimit(t *testing.T) {
	t.Parallel()

	t.Run("plain nesting", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		// clients, edges, node and 12 lists: the id inside is 16 deep.
		e := b.api.Fail(b.token, "{ "+nestedLists(12, "id")+" }", nil)
		requireCode(t, e, graph.CodeBadUserInput, "")
		require.Equal(t, "the query nests fields 16 deep, more than the limit of 15; ask for fewer levels at once and follow up with node(id:) for the rest", e.Message)
		require.EqualValues(t, 16, e.Extensions["depth"])
		require.EqualValues(t, 15, e.Extensions["limit"])
		// 15 deep is fine.
		b.api.OK(b.token, `{ clients(first: 1) { edges { node {
		  appointments(first: 1) { edges { node { client {
		    appointments(first: 1) { edges { node { client {
		      appointments(first: 1) { edges { node { id } } } } } } } } } } } } } } }`, nil, nil)
	})

	t.Run("through fragment spreads and inline fragments", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		q := `{ clients(first: 1) { edges { node { ...C1 } } } }
		fragment C1 on Client { contacts { ... on Contact { clients { ...C2 } } } }
		fragment C2 on Client { contacts { ... on Contact { clients { ...C3 } } } }
		fragment C3 on Client { contacts { ... on Contact { clients { ...C4 } } } }
		fragment C4 on Client { contacts { ... on Contact { clients { ...C5 } } } }
		fragment C5 on Client { contacts { ... { clients { ... on Client { contacts { ... { clients { contacts { id } } } } } } } } }`
		e := b.api.Fail(b.token, q, nil)
		requireCode(t, e, graph.CodeBadUserInput, "")
		require.EqualValues(t, 17, e.Extensions["depth"], e.Message)
	})

	t.Run("GraphiQL's introspection query passes", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		var out struct {
			Schema struct{ Types []struct{ Name string } } `json:"__schema"`
		}
		b.api.OK(b.token, introspection.Query, nil, &out)
		require.NotEmpty(t, out.Schema.Types)
	})

	t.Run("no resolver runs", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		deep := "contacts { clients { contacts { clients { contacts { clients { contacts { clients { contacts { clients { contacts { clients { contacts { clients { contacts { id } } } } } } } } } } } } } } }"
		e := b.api.Fail(b.token, `mutation { createClient(input: {firstName: "Deep", lastName: "Query", email: "deep@example.com"}) { id `+deep+` } }`, nil)
		requireCode(t, e, graph.CodeBadUserInput, "")
		require.Contains(t, e.Message, "deep, more than the limit of 15")
		require.Zero(t, b.count(t, "clients"), "createClient ran")
	})

	t.Run("configured", func(t *testing.T) {
		t.Parallel()
		db := kithtest.DB(t, nil)
		p := kithtest.NewPractice(t, db, "maple")
		api := apiWith(t, db, graph.HandlerConfig{MaxDepth: 3})
		api.OK(p.Token, `{ clients(first: 1) { edges { cursor } } }`, nil, nil)
		e := api.Fail(p.Token, `{ clients(first: 1) { edges { node { id } } } }`, nil)
		requireCode(t, e, graph.CodeBadUserInput, "")
		require.EqualValues(t, 3, e.Extensions["limit"])
	})
}

// TestCostLimitRunsNoResolver: a mutation over the cost limit writes nothing.
func TestCostLimitRunsNoResolver(t *testing.T) {
	t.Parallel()
	b := setup(t)
	e := b.api.Fail(b.token, `mutation { createClient(input: {firstName: "Costly", lastName: "Query"}) {
	  contacts { clients { contacts { clients { contacts { clients { id } } } } } } } }`, nil)
	requireCode(t, e, graph.CodeBadUserInput, "")
	require.Contains(t, e.Message, "cost 1111112, more than the limit of 10000")
	require.EqualValues(t, 1111112, e.Extensions["cost"])
	require.Zero(t, b.count(t, "clients"), "createClient ran")
}

// aliases is n aliases of __typename.
func aliases(n int) string { return prefixed("a", n) }

// prefixed is n aliases of __typename named prefix0, prefix1…
func prefixed(prefix string, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%s%d: __typename ", prefix, i)
	}
	return b.String()
}

// TestFieldsLimit: one selection set asks for at most 100 fields, aliases
// and the fields of its fragments included.
func TestFieldsLimit(t *testing.T) {
	t.Parallel()

	t.Run("aliases", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.api.OK(b.token, "{ "+aliases(100)+" }", nil, nil)
		e := b.api.Fail(b.token, "{ "+aliases(101)+" }", nil)
		requireCode(t, e, graph.CodeBadUserInput, "")
		require.Equal(t, "the query asks for 101 fields at one level, more than the limit of 100; ask for fewer fields or aliases", e.Message)
		require.EqualValues(t, 101, e.Extensions["fields"])
		require.EqualValues(t, 100, e.Extensions["limit"])
	})

	t.Run("nested, through fragments, before any resolver", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		e := b.api.Fail(b.token, `mutation { createClient(input: {firstName: "Wide", lastName: "Query"}) { id ...W ... on Client { `+aliases(60)+` } } }
		fragment W on Client { `+prefixed("b", 60)+` }`, nil)
		requireCode(t, e, graph.CodeBadUserInput, "")
		require.Equal(t, "createClient asks for 121 fields at one level, more than the limit of 100; ask for fewer fields or aliases", e.Message)
		require.Equal(t, []any{"createClient"}, e.Path)
		require.Zero(t, b.count(t, "clients"), "createClient ran")
	})

	t.Run("repeats, counted before validation", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		// A field asked again counts once against the limit of 100, but
		// validation compares repeats pairwise: at most 200 are written.
		b.api.OK(b.token, "{ "+strings.Repeat("__typename ", 200)+" }", nil, nil)
		e := b.api.Fail(b.token, "{ "+strings.Repeat("__typename ", 4900)+" }", nil)
		requireCode(t, e, graph.CodeBadUserInput, "")
		require.Equal(t, "the query asks for 4900 fields at one level, more than the limit of 200; ask for fewer fields or aliases", e.Message)
		// Fields of one response key merge, and so do their selections.
		q := "{ " + strings.Repeat("s: __schema { queryType { "+strings.Repeat("name ", 90)+"} } ", 50) + "}"
		e = b.api.Fail(b.token, q, nil)
		requireCode(t, e, graph.CodeBadUserInput, "")
		require.Equal(t, "s.queryType asks for 4500 fields at one level, more than the limit of 200; ask for fewer fields or aliases", e.Message)
		require.Equal(t, []any{"s", "queryType"}, e.Path)
	})

	t.Run("fragments expanding a hundredfold at each level", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		frag := func(name, typ, list, next string) string {
			var f strings.Builder
			fmt.Fprintf(&f, "fragment %s on %s { ", name, typ)
			for i := range 90 {
				fmt.Fprintf(&f, "a%d: %s { ...%s } ", i, list, next)
			}
			return f.String() + "}\n"
		}
		q := "{ clients(first: 1) { edges { node { ...F1 } } } }\n" +
			frag("F1", "Client", "contacts", "F2") + frag("F2", "Contact", "clients", "F3") +
			frag("F3", "Client", "contacts", "F4") + "fragment F4 on Contact { id }"
		e := b.api.Fail(b.token, q, nil)
		requireCode(t, e, graph.CodeBadUserInput, "")
		require.Equal(t, "the query expands to more than 100000 fields through its fragments; ask for fewer", e.Message)
	})

	t.Run("configured", func(t *testing.T) {
		t.Parallel()
		db := kithtest.DB(t, nil)
		p := kithtest.NewPractice(t, db, "maple")
		api := apiWith(t, db, graph.HandlerConfig{MaxFields: 3})
		api.OK(p.Token, "{ "+aliases(3)+" }", nil, nil)
		requireCode(t, api.Fail(p.Token, "{ "+aliases(4)+" }", nil), graph.CodeBadUserInput, "")
	})
}

// apiWith is an API over db whose handler has cfg.
func apiWith(t *testing.T, db *database.DB, cfg graph.HandlerConfig) *kithtest.API {
	return kithtest.NewAPIConfig(t, db, server.Config{HandlerConfig: cfg}, auth.Config{})
}
