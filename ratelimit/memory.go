package ratelimit

import (
	"context"
	"sync"
	"time"
)

// Memory is a Store in this process's memory, for SQLite: SQLite is one
// kith process (it is a file of one machine, and kith's writes queue on
// its lock), so its limits need no sharing. A restart forgets them.
type Memory struct {
	mu      sync.Mutex
	buckets map[memoryKey]bucket
	swept   int64 // the last sweep
}

// bucket is a Memory bucket, its times in nanoseconds since 1970: its TAT,
// and at, the latest time a take of it counted at (see Postgres).
type bucket struct{ tat, at int64 }

type memoryKey struct {
	name string
	key  digest
}

// NewMemory returns an empty Memory.
func NewMemory() *Memory { return &Memory{buckets: make(map[memoryKey]bucket)} }

// memorySweep is how many buckets Memory keeps before it sweeps (at most
// once per memorySweepEvery): a flood of recent keys frees nothing, and
// sweeping on each request would make every one wait on the lock.
const (
	memorySweep      = 10000
	memorySweepEvery = time.Second
)

// Take implements Store.
func (m *Memory) Take(_ context.Context, name string, l Limit, key string, now time.Time) (Result, error) {
	k := memoryKey{name: name, key: digestOf(key)}
	n := now.UnixNano()
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.buckets) >= memorySweep && n-m.swept >= int64(memorySweepEvery) {
		m.sweep(n)
	}
	b := m.buckets[k]
	at := max(b.at, n) // the bucket's time never goes back
	next := max(b.tat, at) + int64(every(l))
	if over := next - at - int64(tolerance(l)); over > 0 {
		return Result{Wait: time.Duration(over)}, nil
	}
	m.buckets[k] = bucket{tat: next, at: at}
	return Result{OK: true, TAT: time.Unix(0, next)}, nil
}

// Give implements Store.
func (m *Memory) Give(_ context.Context, name, key string, d time.Duration) error {
	k := memoryKey{name: name, key: digestOf(key)}
	m.mu.Lock()
	defer m.mu.Unlock()
	if b, ok := m.buckets[k]; ok {
		b.tat -= int64(d)
		m.buckets[k] = b
	}
	return nil
}

// Sweep deletes the buckets that are full again at now and last counted no
// later than now, and returns how many it deleted. Take calls it when the
// store is large.
func (m *Memory) Sweep(now time.Time) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.sweep(now.UnixNano())
}

// sweep is Sweep; m.mu is held.
func (m *Memory) sweep(n int64) int {
	m.swept = n
	deleted := 0
	for k, b := range m.buckets {
		if b.tat <= n && b.at <= n {
			delete(m.buckets, k)
			deleted++
		}
	}
	return deleted
}

// Len is how many buckets m keeps.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.buckets)
}

// Close implements Store; it does nothing.
func (m *Memory) Close() error { return nil }
