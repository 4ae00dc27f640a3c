package graph_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/introspection"
	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/kithtest"
)

// answerSize counts the fields of a JSON answer, a description's 64 bytes
// as one more, and each element of a list of strings (a directive's
// locations): what introspection costs.
func answerSize(v any) int {
	switch x := v.(type) {
	case map[string]any:
		n := 0
		for k, c := range x {
			n += 1 + answerSize(c)
			if s, ok := c.(string); ok && k == "description" {
				n += len(s) / 64
			}
		}
		return n
	case []any:
		n := 0
		for _, c := range x {
			if _, ok := c.(string); ok {
				n++
			}
			n += answerSize(c)
		}
		return n
	}
	return 0
}

// introspectionBomb is the reviewer's reproduction: aliases of types, each
// asking every field for a fragment of 100 aliases of its name. It is 3.7
// KB, costs under 10,000 as data would, and answered 110 MB.
func introspectionBomb(aliases int) string {
	var b strings.Builder
	b.WriteString("{ __schema { ")
	for i := range aliases {
		fmt.Fprintf(&b, "t%d: types { fields { ...N } } ", i)
	}
	b.WriteString("} } fragment N on __Field { ")
	for i := range 100 {
		fmt.Fprintf(&b, "n%d: name ", i)
	}
	return b.String() + "}"
}

// TestIntrospectionCost: what introspection answers is measured exactly on
// the schema, aliases and lists of types and fields included, and refused
// over its own limit before anything runs, signed in or not.
func TestIntrospectionCost(t *testing.T) {
	t.Parallel()

	t.Run("the reviewer's reproduction is refused before it runs", func(t *testing.T) {
		t.Parallel()
		w := setupAccess(t)
		q := introspectionBomb(88)
		body, err := json.Marshal(map[string]string{"query": q})
		require.NoError(t, err)
		a := kithtest.Send(t, w.api.Handler, kithtest.RawPost(string(body))) // no token
		e := kithtest.RequireRefused(t, a, 200, graph.CodeBadUserInput)
		require.Contains(t, e.Message, "the query's introspection would answer")
		require.Contains(t, e.Message, "more than the limit of 100000")
		require.EqualValues(t, graph.DefaultMaxIntrospectionCost, e.Extensions["limit"])
		// No data entry: the executor never started, so no resolver ran.
		require.NotContains(t, a.Members, "data")
		require.Less(t, a.Rec.Body.Len(), 1000)
	})

	t.Run("its cost is the size of the answer", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		for _, q := range []string{
			introspection.Query,
			introspectionBomb(1),
			`{ __type(name: "Client") { name description fields { description name args { name type { kind ofType { kind name ofType { name } } } } } } }`,
			`{ a: __type(name: "Client") { name } b: __type(name: "NoSuchType") { name } }`,
			`{ __schema { directives { name locations args { name } } } }`,
			`{ __schema { types { ... on __Type { kind enumValues(includeDeprecated: true) { name } possibleTypes { name } interfaces { name } } } } }`,
		} {
			rsp := b.api.Do(b.token, q, nil)
			require.Empty(t, rsp.Errors, q)
			var data map[string]any
			require.NoError(t, json.Unmarshal(rsp.Data, &data))
			size := answerSize(data)
			// One less than the answer: refused, and told the cost.
			api := apiWith(t, b.db, graph.HandlerConfig{MaxIntrospectionCost: size - 1})
			e := api.Fail(b.token, q, nil)
			requireCode(t, e, graph.CodeBadUserInput, "")
			require.EqualValues(t, size, e.Extensions["cost"], "%s: %s", q, e.Message)
			// Exactly the answer: allowed.
			apiWith(t, b.db, graph.HandlerConfig{MaxIntrospectionCost: size}).OK(b.token, q, nil, nil)
		}
	})

	t.Run("GraphiQL's introspection query fits with room to grow", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		api := apiWith(t, b.db, graph.HandlerConfig{MaxIntrospectionCost: graph.DefaultMaxIntrospectionCost / 2})
		api.OK(b.token, introspection.Query, nil, nil)
	})

	t.Run("aliases of __type", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		var q strings.Builder
		q.WriteString("{ ")
		for i := range 100 {
			fmt.Fprintf(&q, `t%d: __type(name: "Query") { fields { ...N } } `, i)
		}
		q.WriteString("} fragment N on __Field { " + prefixed("n", 100) + " }")
		e := b.api.Fail("", q.String(), nil)
		requireCode(t, e, graph.CodeBadUserInput, "")
		require.Contains(t, e.Message, "the query's introspection would answer")
	})

	t.Run("fragments spread twice over, seventy times", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		// T70 weighs 2^70 fields: measuring it field by field would never end.
		q := "{ __schema { types { ...F70 } } }\n" + strings.Replace(doubling("__Type", 70), "{ id }", "{ name }", 1)
		e := b.api.Fail(b.token, q, nil)
		requireCode(t, e, graph.CodeBadUserInput, "")
		require.Contains(t, e.Message, "would answer far more than the limit of 100000")
		require.NotContains(t, e.Extensions, "cost")
	})

	t.Run("does not count as data", func(t *testing.T) {
		t.Parallel()
		db := kithtest.DB(t, nil)
		p := kithtest.NewPractice(t, db, "maple")
		api := apiWith(t, db, graph.HandlerConfig{MaxComplexity: 10})
		api.OK(p.Token, `{ __schema { types { name fields { name } } } }`, nil, nil)
	})
}
