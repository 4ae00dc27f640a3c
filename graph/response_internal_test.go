package graph

import (
	"encoding/json"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestResponseJSONIsJSONMarshal proves responseJSON writes the bytes
// json.Marshal writes, on its fast path and off it.
func TestResponseJSONIsJSONMarshal(t *testing.T) {
	t.Parallel()
	yes := true
	for _, resp := range []*graphql.Response{
		nil,
		{},
		{Data: json.RawMessage(`{"clients":{"edges":[{"node":{"id":"cl01","firstName":"Zoë","alert":null}}]}}`)},
		{Data: json.RawMessage(`null`)},
		{Data: json.RawMessage(`{"a":1}`), Extensions: map[string]any{}},
		{Data: json.RawMessage(`{"note":"<b>bold</b> & more"}`)},
		{Data: json.RawMessage("{\"s\":\"line\u2028separator\"}")},
		{Data: json.RawMessage(`{"a":1}`), Errors: gqlerror.List{{Message: "no"}}},
		{Data: json.RawMessage(`{"a":1}`), Extensions: map[string]any{"warnings": []string{"w"}}},
		{Data: json.RawMessage(`{"a":1}`), HasNext: &yes},
	} {
		want, err := json.Marshal(resp)
		require.NoError(t, err)
		got, err := responseJSON(resp)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got))
	}
}
