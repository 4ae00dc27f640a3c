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
	mu    sync.Mutex
	tats  map[memoryKey]int64 // TAT in nanoseconds since 1970
	swept int64               // the last sweep
}

type memoryKey struct {
	name string
	key  digest
}

// NewMemory returns an empty Memory.
func NewMemory() *Memory { return &Memory{tats: make(map[memoryKey]int64)} }

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
	if len(m.tats) >= memorySweep && n-m.swept >= int64(memorySweepEvery) {
		m.sweep(n)
	}
	next := max(m.tats[k], n) + int64(every(l))
	if over := next - n - int64(tolerance(l)); over > 0 {
		return Result{Wait: time.Duration(over)}, nil
	}
	m.tats[k] = next
	return Result{OK: true, TAT: time.Unix(0, next)}, nil
}

// Give implements Store.
func (m *Memory) Give(_ context.Context, name, key string, d time.Duration) error {
	k := memoryKey{name: name, key: digestOf(key)}
	m.mu.Lock()
	defer m.mu.Unlock()
	if tat, ok := m.tats[k]; ok {
		m.tats[k] = tat - int64(d)
	}
	return nil
}

// Sweep deletes the buckets that are full again at now, and returns how
// many it deleted. Take calls it when the store is large.
func (m *Memory) Sweep(now time.Time) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.sweep(now.UnixNano())
}

// sweep is Sweep; m.mu is held.
func (m *Memory) sweep(n int64) int {
	m.swept = n
	deleted := 0
	for k, tat := range m.tats {
		if tat <= n {
			delete(m.tats, k)
			deleted++
		}
	}
	return deleted
}

// Len is how many buckets m keeps.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.tats)
}

// Close implements Store; it does nothing.
func (m *Memory) Close() error { return nil }
