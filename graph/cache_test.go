package graph_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/kithtest"
)

// TestLargeQueriesAreNotRetained: distinct queries padded with comments
// (which cost no token) up to the body limit are answered, and the handler
// keeps none of their text: 200 of them held some 180 MB in the query
// cache before. Not parallel: it reads the heap.
func TestLargeQueriesAreNotRetained(t *testing.T) {
	db := kithtest.DB(t, nil)
	p := kithtest.NewPractice(t, db, "maple")
	api := kithtest.NewAPI(t, db)
	padding := strings.Repeat("x", 900<<10)

	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	for i := range 200 {
		var out struct {
			Typename string `json:"__typename"`
		}
		api.OK(p.Token, fmt.Sprintf("{ __typename } #%d %s", i, padding), nil, &out)
		require.Equal(t, "Query", out.Typename)
	}
	after := heap()
	grown := int64(after) - int64(before)
	require.Less(t, grown, int64(40<<20), "the heap grew by %d MB", grown>>20)
	runtime.KeepAlive(api)
}
