// Package ratelimit keeps token buckets per key (an IP address, an email
// address) in the process's memory, for the portal's sign-in and the
// booking widget's public fields.
package ratelimit

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limit is a token bucket: Burst requests at once, then one per Every.
type Limit struct {
	// Burst is how many requests may come at once.
	Burst int
	// Every is how long it takes to earn one more.
	Every time.Duration
}

// Keyed keeps one token bucket (golang.org/x/time/rate) per key, such as
// an email address or an IP address, in this process's memory. Buckets
// idle long enough to be full again are dropped.
type Keyed struct {
	limit Limit
	mu    sync.Mutex
	keys  map[string]*bucket
	swept time.Time // the last sweep
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// New returns a keyed limiter of l.
func New(l Limit) *Keyed {
	return &Keyed{limit: l, keys: make(map[string]*bucket)}
}

// Allow takes one request of key from its bucket, and reports whether there
// was one.
func (l *Keyed) Allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.keys[key]
	if !ok {
		// Sweep when the map is large, at most once per Every: a flood of
		// recent keys frees nothing, and sweeping on each would make every
		// request wait on the lock.
		if len(l.keys) >= 10000 && now.Sub(l.swept) >= l.limit.Every {
			l.sweep(now)
			l.swept = now
		}
		b = &bucket{lim: rate.NewLimiter(rate.Every(l.limit.Every), l.limit.Burst)}
		l.keys[key] = b
	}
	b.seen = now
	return b.lim.AllowN(now, 1)
}

// sweep drops the buckets that have refilled.
func (l *Keyed) sweep(now time.Time) {
	full := time.Duration(l.limit.Burst) * l.limit.Every
	for k, b := range l.keys {
		if now.Sub(b.seen) > full {
			delete(l.keys, k)
		}
	}
}
