package graph_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/pulid"
)

// TestNodeNotFound: node and nodes answer an ID that names nothing with
// kith's NOT_FOUND sentence on the argument (id, ids.N), not entgql's,
// which repeated the whole ID (900 KB of it); only an ID shaped like
// kith's is quoted, and nothing else of the input is.
func TestNodeNotFound(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.createClient(t, map[string]any{"firstName": "Sam", "lastName": "Stone", "email": "sam@example.com"}, nil)
	unknown := string(pulid.New("cl"))
	huge := "cl" + strings.Repeat("Z", 900_000)
	const forged = "cl-not-an-id"
	for _, tc := range []struct{ name, id, msg string }{
		{"unknown", unknown, "nothing with ID " + unknown + " was found"},
		{"huge", huge, "nothing with that ID was found"},
		{"not an ID", forged, "nothing with that ID was found"},
		{"unknown prefix", "zz" + unknown[2:], "nothing with ID zz" + unknown[2:] + " was found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rsp := b.api.Do(b.token, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": tc.id})
			require.JSONEq(t, `{"node": null}`, string(rsp.Data))
			require.Len(t, rsp.Errors, 1)
			requireCode(t, rsp.Errors[0], graph.CodeNotFound, "id")
			require.Equal(t, tc.msg, rsp.Errors[0].Message)

			rsp = b.api.Do(b.token, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": []string{c.ID, tc.id}})
			require.JSONEq(t, `{"nodes": [{"id": "`+c.ID+`"}, null]}`, string(rsp.Data))
			require.Len(t, rsp.Errors, 1)
			requireCode(t, rsp.Errors[0], graph.CodeNotFound, "ids.1")
			require.Equal(t, tc.msg, rsp.Errors[0].Message)

			rsp = b.api.Do(b.token, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": []string{tc.id}})
			require.Len(t, rsp.Errors, 1)
			requireCode(t, rsp.Errors[0], graph.CodeNotFound, "ids.0")
			require.Equal(t, tc.msg, rsp.Errors[0].Message)
		})
	}
	rsp := b.api.Do(b.token, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": []string{forged, c.ID, unknown, huge}})
	require.JSONEq(t, `{"nodes": [null, {"id": "`+c.ID+`"}, null, null]}`, string(rsp.Data))
	require.Len(t, rsp.Errors, 3)
	fields := map[string]string{}
	for _, e := range rsp.Errors {
		require.Equal(t, graph.CodeNotFound, e.Code())
		fields[e.Field()] = e.Message
	}
	require.Equal(t, map[string]string{
		"ids.0": "nothing with that ID was found",
		"ids.2": "nothing with ID " + unknown + " was found",
		"ids.3": "nothing with that ID was found",
	}, fields)
}
