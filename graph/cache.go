package graph

import (
	"container/list"
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
)

// Bounds of the caches of query documents (parsed and validated, keyed by
// their text) and of automatic persisted queries (their text, keyed by
// hash). A parsed document keeps its whole text (every position points
// into it) and takes some 30 times its size, and a comment costs no
// token: counting entries alone let 1000 distinct 1 MB queries hold a
// gigabyte. So a text over maxCachedQuery is answered but not kept, and
// each cache keeps at most cacheEntries entries and cacheBytes of text,
// dropping the least recently used first.
const (
	maxCachedQuery = 16 << 10
	cacheBytes     = 1 << 20
	cacheEntries   = 1000
)

// boundedCache is a graphql.Cache holding at most maxEntries values and
// maxBytes of their weight (weigh's), forgetting the least recently used
// first; a value heavier than maxEntry is not kept at all.
type boundedCache[T any] struct {
	maxEntry, maxBytes, maxEntries int
	weigh                          func(key string, value T) int

	mu    sync.Mutex
	order *list.List // of *cached[T], most recently used first
	items map[string]*list.Element
	bytes int
}

type cached[T any] struct {
	key    string
	value  T
	weight int
}

var _ graphql.Cache[string] = (*boundedCache[string])(nil)

func newBoundedCache[T any](maxEntry, maxBytes, maxEntries int, weigh func(string, T) int) *boundedCache[T] {
	return &boundedCache[T]{maxEntry: maxEntry, maxBytes: maxBytes, maxEntries: maxEntries, weigh: weigh,
		order: list.New(), items: map[string]*list.Element{}}
}

// queryCache is the cache of parsed documents, weighed by their text.
func queryCache[T any]() *boundedCache[T] {
	return newBoundedCache(maxCachedQuery, cacheBytes, cacheEntries, func(key string, _ T) int { return len(key) })
}

// persistedQueries is the cache of automatic persisted queries, weighed by
// their text.
func persistedQueries() *boundedCache[string] {
	return newBoundedCache(maxCachedQuery, cacheBytes, cacheEntries, func(_, query string) int { return len(query) })
}

// Get implements graphql.Cache.
func (c *boundedCache[T]) Get(_ context.Context, key string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[key]
	if !ok {
		var zero T
		return zero, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cached[T]).value, true
}

// Add implements graphql.Cache.
func (c *boundedCache[T]) Add(_ context.Context, key string, value T) {
	w := c.weigh(key, value)
	if w > c.maxEntry {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.remove(e)
	}
	c.items[key] = c.order.PushFront(&cached[T]{key: key, value: value, weight: w})
	c.bytes += w
	for c.bytes > c.maxBytes || c.order.Len() > c.maxEntries {
		c.remove(c.order.Back())
	}
}

func (c *boundedCache[T]) remove(e *list.Element) {
	v := c.order.Remove(e).(*cached[T])
	delete(c.items, v.key)
	c.bytes -= v.weight
}

// held is how many values the cache holds and their weight.
func (c *boundedCache[T]) held() (entries, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len(), c.bytes
}
