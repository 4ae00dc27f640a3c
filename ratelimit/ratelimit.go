// Package ratelimit keeps token buckets per key (an IP address, an email
// address) in the process's memory, for the portal's and staff's sign-in
// and the booking widget's public fields. Each process keeps its own
// buckets: several kith processes behind one address each allow the limit.
package ratelimit

import (
	"crypto/sha256"
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
// idle long enough to be full again are dropped. A key is kept as a
// fixed-size digest, so a caller's megabyte-long email costs what a short
// one does.
type Keyed struct {
	limit Limit
	mu    sync.Mutex
	keys  map[digest]*bucket
	swept time.Time // the last sweep
}

// digest is what Keyed keeps of a key: 128 bits of its SHA-256.
type digest [16]byte

func digestOf(key string) digest {
	sum := sha256.Sum256([]byte(key))
	return digest(sum[:16])
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
	held int // attempts under way (Attempt), each holding one token
}

// New returns a keyed limiter of l.
func New(l Limit) *Keyed {
	return &Keyed{limit: l, keys: make(map[digest]*bucket)}
}

// Allow takes one request of key from its bucket, and reports whether there
// was one.
func (l *Keyed) Allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.bucket(key, now).lim.AllowN(now, 1)
}

// Attempt starts an attempt of key whose cost depends on how it ends, such
// as a sign-in where only failures count, and reports whether key's
// bucket has a token for it besides those held by attempts under way; so
// attempts made at once cannot outrun the limit. It returns end, to be
// called once when the attempt is over, at time done: counts takes the
// token, else it is given back. A key is used with Attempt or with Allow,
// not both.
func (l *Keyed) Attempt(key string, now time.Time) (end func(done time.Time, counts bool), ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(key, now)
	if b.lim.TokensAt(now)-float64(b.held) < 1 {
		return nil, false
	}
	b.held++
	var once sync.Once
	return func(done time.Time, counts bool) {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			b.held--
			b.seen = done
			if counts {
				b.lim.AllowN(done, 1)
			}
		})
	}, true
}

// bucket returns key's bucket, made when missing; l.mu is held.
func (l *Keyed) bucket(key string, now time.Time) *bucket {
	d := digestOf(key)
	b, ok := l.keys[d]
	if !ok {
		// Sweep when the map is large, at most once per Every: a flood of
		// recent keys frees nothing, and sweeping on each would make every
		// request wait on the lock.
		if len(l.keys) >= 10000 && now.Sub(l.swept) >= l.limit.Every {
			l.sweep(now)
			l.swept = now
		}
		b = &bucket{lim: rate.NewLimiter(rate.Every(l.limit.Every), l.limit.Burst)}
		l.keys[d] = b
	}
	b.seen = now
	return b
}

// sweep drops the buckets that have refilled.
func (l *Keyed) sweep(now time.Time) {
	full := time.Duration(l.limit.Burst) * l.limit.Every
	for k, b := range l.keys {
		if b.held == 0 && now.Sub(b.seen) > full {
			delete(l.keys, k)
		}
	}
}
