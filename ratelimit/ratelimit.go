// Package ratelimit owns kith's rate limits: token buckets per key (an IP
// address, an email address, a channel) for the staff and portal sign-ins,
// the booking widget's public fields and the notifier's sends.
//
// Buckets follow GCRA, the generic cell rate algorithm: a bucket is one
// time, its theoretical arrival time (TAT), and a request is allowed when
// the TAT it would move the bucket to is at most Burst times Every ahead of
// now. A Store keeps the times: on PostgreSQL (Postgres) every kith process
// of one database shares them, each check one statement; on SQLite (Memory)
// they are in the process's memory, which is enough since SQLite serves one
// kith process.
package ratelimit

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Limit is a token bucket: Burst requests at once, then one per Every.
type Limit struct {
	// Burst is how many requests may come at once; less than 1 counts as 1.
	Burst int
	// Every is how long it takes to earn one more; 0 or less is no limit.
	Every time.Duration
}

// Result is what Store.Take found.
type Result struct {
	// OK reports whether the bucket had a token, now taken.
	OK bool
	// TAT is the bucket's theoretical arrival time after the token was
	// taken (OK), for giving the token back.
	TAT time.Time
	// Wait is how long until the bucket has a token (not OK). It is an
	// estimate: other processes may take that token first.
	Wait time.Duration
}

// Store keeps the buckets of every limit, each named, of keys kept as a
// 128-bit digest (so a megabyte-long key costs what a short one does).
// Buckets that have refilled are deleted.
type Store interface {
	// Take takes one token from the bucket of key under limit name, which
	// is l, when it has one at now, or at the latest time an earlier take
	// of the bucket counted at when that is later: a bucket's time never
	// goes back, so takes counted out of their clocks' order (or from a
	// process whose clock is behind) are not refused what the burst has.
	Take(ctx context.Context, name string, l Limit, key string, now time.Time) (Result, error)
	// Give moves the bucket of key under limit name back by d (at most
	// the limit's Every), giving back a token Take took.
	Give(ctx context.Context, name, key string, d time.Duration) error
	// Close releases what the store holds.
	Close() error
}

// Limiter is one named limit over a Store. An error of the store is the
// caller's error: limits fail closed, a request that cannot be counted is
// refused (kith answers INTERNAL) rather than let through.
type Limiter struct {
	store Store
	name  string
	limit Limit
}

// New returns the limiter of l named name, kept in store; a nil store is a
// new Memory. Limiters of one name share buckets, in every process when the
// store is Postgres; they should have the same Limit.
func New(store Store, name string, l Limit) *Limiter {
	if store == nil {
		store = NewMemory()
	}
	return &Limiter{store: store, name: name, limit: l}
}

// Allow takes one request of key from its bucket, and reports whether there
// was one.
func (l *Limiter) Allow(ctx context.Context, key string, now time.Time) (bool, error) {
	if l.limit.Every <= 0 {
		return true, nil
	}
	r, err := l.store.Take(ctx, l.name, l.limit, key, now)
	if err != nil {
		return false, fmt.Errorf("checking rate limit %s: %w", l.name, err)
	}
	return r.OK, nil
}

// ErrDeadline is Wait's error when the token would come after the
// context's deadline.
var ErrDeadline = errors.New("waiting for a token would pass the context's deadline")

// Wait takes one request of key from its bucket, waiting as long as it
// takes for a token (as the store estimates it: another process may take
// it first, and Wait waits again). It is ctx's error when ctx ends first,
// and ErrDeadline, at once, when the wait would pass ctx's deadline.
func (l *Limiter) Wait(ctx context.Context, key string) error {
	if l.limit.Every <= 0 {
		return nil
	}
	for {
		now := time.Now()
		r, err := l.store.Take(ctx, l.name, l.limit, key, now)
		if err != nil {
			return fmt.Errorf("checking rate limit %s: %w", l.name, err)
		}
		if r.OK {
			return nil
		}
		if deadline, ok := ctx.Deadline(); ok && now.Add(r.Wait).After(deadline) {
			return fmt.Errorf("rate limit %s: %w", l.name, ErrDeadline)
		}
		t := time.NewTimer(max(r.Wait, time.Millisecond))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// giveBackTimeout bounds giving a token back, which goes on after the
// request's context is cancelled.
const giveBackTimeout = 5 * time.Second

// Attempt starts an attempt of key whose cost depends on how it ends, such
// as a sign-in where only failures count, and reports whether key's bucket
// had a token for it. The attempt holds the token while it is under way,
// so attempts made at once (from any process) cannot outrun the limit. It
// returns end, to be called once when the attempt is over, at time done:
// counts keeps the token, else it is given back, as much of it as has not
// been earned again by done. If the store fails to take it back, the
// token stays taken: the attempt counts. A key is used with Attempt or
// with Allow, not both.
func (l *Limiter) Attempt(ctx context.Context, key string, now time.Time) (end func(done time.Time, counts bool), ok bool, err error) {
	if l.limit.Every <= 0 {
		return func(time.Time, bool) {}, true, nil
	}
	r, err := l.store.Take(ctx, l.name, l.limit, key, now)
	if err != nil {
		return nil, false, fmt.Errorf("checking rate limit %s: %w", l.name, err)
	}
	if !r.OK {
		return nil, false, nil
	}
	ctx = context.WithoutCancel(ctx)
	var once sync.Once
	return func(done time.Time, counts bool) {
		once.Do(func() {
			if counts {
				return
			}
			// The token's slot is the Every before r.TAT; only what of it
			// is still ahead of done is owed to the bucket.
			d := min(max(r.TAT.Sub(done), 0), every(l.limit))
			if d == 0 {
				return
			}
			ctx, cancel := context.WithTimeout(ctx, giveBackTimeout)
			defer cancel()
			_ = l.store.Give(ctx, l.name, key, d) // failing, the attempt counts
		})
	}, true, nil
}

// maxSpan caps a limit's Every and Burst×Every, so that times in
// nanoseconds since 1970 plus them fit in 64 bits.
const maxSpan = 50 * 365 * 24 * time.Hour

// every is l.Every, capped.
func every(l Limit) time.Duration { return min(l.Every, maxSpan) }

// tolerance is how far ahead of now a bucket's TAT may be after a take:
// Burst×Every, capped.
func tolerance(l Limit) time.Duration {
	b := time.Duration(max(l.Burst, 1))
	e := every(l)
	if e > 0 && b > maxSpan/e {
		return maxSpan
	}
	return b * e
}

// digest is what a store keeps of a key: 128 bits of its SHA-256.
type digest [16]byte

func digestOf(key string) digest {
	sum := sha256.Sum256([]byte(key))
	return digest(sum[:16])
}
