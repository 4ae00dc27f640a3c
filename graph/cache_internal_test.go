package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBoundedCache: the cache keeps at most its entries and bytes, the
// most recently used first, and never a value over its entry's limit.
func TestBoundedCache(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newBoundedCache(10, 25, 3, func(_, v string) int { return len(v) })

	c.Add(ctx, "big", strings.Repeat("x", 11))
	_, ok := c.Get(ctx, "big")
	require.False(t, ok, "a value over the entry limit is kept")

	for _, k := range []string{"a", "b", "c"} {
		c.Add(ctx, k, strings.Repeat(k, 8))
	}
	n, bytes := c.held()
	require.Equal(t, 3, n)
	require.Equal(t, 24, bytes)
	_, _ = c.Get(ctx, "a") // a is now the most recently used
	c.Add(ctx, "d", "dd")  // 26 bytes: b, the least recently used, goes
	_, ok = c.Get(ctx, "b")
	require.False(t, ok)
	v, ok := c.Get(ctx, "a")
	require.True(t, ok)
	require.Equal(t, "aaaaaaaa", v)
	n, bytes = c.held()
	require.Equal(t, 3, n) // a, c, d
	require.Equal(t, 18, bytes)

	c.Add(ctx, "e", "e") // a fourth entry: c goes
	_, ok = c.Get(ctx, "c")
	require.False(t, ok)
	c.Add(ctx, "a", "A") // replaced, not counted twice
	n, bytes = c.held()
	require.Equal(t, 3, n)
	require.Equal(t, 4, bytes)
}

// TestQueryCachesHoldNoLargeText: through the handler, a query whose text
// is over 16 KiB (comments cost no token) is answered but not kept, and
// the caches never hold more than their bytes however many distinct
// queries come.
func TestQueryCachesHoldNoLargeText(t *testing.T) {
	t.Parallel()
	h := NewHandler(nil, nil, HandlerConfig{})
	caches := h.caches
	post := func(body any) map[string]any {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(b)))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		var out map[string]any
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out))
		return out
	}
	typename := map[string]any{"__typename": "Query"}

	require.Equal(t, typename, post(map[string]string{"query": "{ __typename }"})["data"])
	n, _ := caches.parsed.held()
	require.Equal(t, 1, n, "a small query is kept")

	padding := strings.Repeat("x", 900<<10)
	for i := range 20 {
		q := fmt.Sprintf("{ __typename } #%d %s", i, padding)
		require.Equal(t, typename, post(map[string]string{"query": q})["data"])
	}
	n, bytes := caches.parsed.held()
	require.Equal(t, 1, n, "large queries are kept")
	require.Less(t, bytes, 100)

	// Many distinct queries just under the entry limit: at most 1 MiB of them.
	medium := strings.Repeat("x", maxCachedQuery-100)
	for i := range 100 {
		q := fmt.Sprintf("{ __typename } #%d %s", i, medium)
		require.Equal(t, typename, post(map[string]string{"query": q})["data"])
	}
	n, bytes = caches.parsed.held()
	require.LessOrEqual(t, bytes, cacheBytes)
	require.Greater(t, n, 30)

	// Persisted queries: a large one works when sent, and is not kept.
	large := "{ __typename } #" + padding
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": sha(large)}}
	require.Equal(t, typename, post(map[string]any{"query": large, "extensions": ext})["data"])
	n, _ = caches.persisted.held()
	require.Zero(t, n)
	small := "{ __typename }"
	ext = map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": sha(small)}}
	require.Equal(t, typename, post(map[string]any{"query": small, "extensions": ext})["data"])
	require.Equal(t, typename, post(map[string]any{"extensions": ext})["data"])
	n, bytes = caches.persisted.held()
	require.Equal(t, 1, n)
	require.Equal(t, len(small), bytes)
}

// sha is the hex SHA-256 of s, as automatic persisted queries name it.
func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
