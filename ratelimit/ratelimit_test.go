package ratelimit_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/ratelimit"
)

type bundle struct {
	db *database.DB
	// stores are two stores of one database, as two kith processes have:
	// on SQLite, one Memory twice (SQLite is one process).
	stores [2]ratelimit.Store
	now    time.Time
}

func setup(t *testing.T) *bundle {
	t.Helper()
	db := kithtest.DB(t, nil)
	b := &bundle{db: db, now: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	for i := range b.stores {
		s, err := ratelimit.Open(db)
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		b.stores[i] = s
	}
	if db.Dialect == dialect.SQLite {
		b.stores[1] = b.stores[0]
	}
	return b
}

// rows is how many buckets the database keeps (0 on SQLite).
func (b *bundle) rows(t *testing.T) int {
	t.Helper()
	if b.db.Dialect != dialect.Postgres {
		return 0
	}
	var n int
	require.NoError(t, b.db.SQL.QueryRow(`SELECT count(*) FROM rate_limit_buckets`).Scan(&n))
	return n
}

// TestAttempt: only attempts that end counting take a token, and attempts
// under way hold theirs, so that many at once cannot outrun the limit.
func TestAttempt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	l := ratelimit.New(b.stores[0], "test", ratelimit.Limit{Burst: 2, Every: time.Minute})
	now := b.now
	attempt := func(key string, at time.Time) (func(time.Time, bool), bool) {
		t.Helper()
		end, ok, err := l.Attempt(ctx, key, at)
		require.NoError(t, err)
		return end, ok
	}

	// Successes never count.
	for range 10 {
		end, ok := attempt("k", now)
		require.True(t, ok)
		end(now, false)
	}

	// Two at once hold the bucket; a third waits for one of them.
	end1, ok := attempt("k", now)
	require.True(t, ok)
	end2, ok := attempt("k", now)
	require.True(t, ok)
	_, ok = attempt("k", now)
	require.False(t, ok, "a third attempt outran the limit")
	end1(now, false)
	end3, ok := attempt("k", now)
	require.True(t, ok)

	// Two failures empty it, until a minute has passed.
	end2(now, true)
	end3(now, true)
	end3(now, false) // a second end changes nothing
	_, ok = attempt("k", now)
	require.False(t, ok)
	_, ok = attempt("other", now)
	require.True(t, ok, "keys share a bucket")
	later := now.Add(time.Minute)
	end, ok := attempt("k", later)
	require.True(t, ok)
	end(later, true)
	_, ok = attempt("k", later)
	require.False(t, ok)
}

// TestAttemptGivesBackOnlyWhatIsOwed: an attempt that ends long after it
// began gives back nothing of a token the bucket has earned again since,
// so it does not free the token of an attempt under way.
func TestAttemptGivesBackOnlyWhatIsOwed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	l := ratelimit.New(b.stores[0], "test", ratelimit.Limit{Burst: 1, Every: time.Minute})
	slow, ok, err := l.Attempt(ctx, "k", b.now)
	require.NoError(t, err)
	require.True(t, ok)
	later := b.now.Add(5 * time.Minute)
	_, ok, err = l.Attempt(ctx, "k", later) // the bucket refilled meanwhile
	require.NoError(t, err)
	require.True(t, ok)
	slow(later, false)
	_, ok, err = l.Attempt(ctx, "k", later)
	require.NoError(t, err)
	require.False(t, ok, "the slow attempt gave back the token of the one under way")
}

// TestSharedByProcesses: two stores of one PostgreSQL database (two kith
// processes) share each limit: 5 in all, not 5 each.
func TestSharedByProcesses(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if b.db.Dialect == dialect.SQLite {
		t.Skip("SQLite is one kith process: its limits are in that process's memory")
	}
	ctx := context.Background()
	lim := ratelimit.Limit{Burst: 5, Every: time.Hour}
	one, two := ratelimit.New(b.stores[0], "signin", lim), ratelimit.New(b.stores[1], "signin", lim)
	allowed := 0
	for i := range 8 {
		l := one
		if i%2 == 1 {
			l = two
		}
		ok, err := l.Allow(ctx, "someone@example.com", b.now)
		require.NoError(t, err)
		if ok {
			allowed++
		}
	}
	require.Equal(t, 5, allowed)
	other := ratelimit.New(b.stores[1], "other", lim)
	ok, err := other.Allow(ctx, "someone@example.com", b.now)
	require.NoError(t, err)
	require.True(t, ok, "limits of other names share a bucket")
}

// TestTakesOutOfClockOrder: takes that reach the bucket in another order
// than their clocks' (a request reads the clock, then waits on the row
// behind one that read it later) are counted at the bucket's time, which
// never goes back: a burst of 5 allows exactly 5 at once, not 4.
func TestTakesOutOfClockOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	l := ratelimit.New(b.stores[0], "a", ratelimit.Limit{Burst: 5, Every: time.Hour})
	late := b.now.Add(time.Millisecond)
	for i, at := range []time.Time{late, b.now, b.now, b.now, b.now} {
		ok, err := l.Allow(ctx, "k", at)
		require.NoError(t, err)
		require.True(t, ok, "take %d of the burst refused", i+1)
	}
	for _, at := range []time.Time{b.now, late} {
		ok, err := l.Allow(ctx, "k", at)
		require.NoError(t, err)
		require.False(t, ok, "a sixth take outran the burst")
	}
}

// TestProcessBehind: a process whose clock is behind another's shares the
// bucket at the bucket's time: it is neither refused the burst's tokens
// because the other went first, nor given more.
func TestProcessBehind(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	lim := ratelimit.Limit{Burst: 3, Every: time.Minute}
	ahead, behind := ratelimit.New(b.stores[0], "a", lim), ratelimit.New(b.stores[1], "a", lim)
	ok, err := ahead.Allow(ctx, "k", b.now.Add(10*time.Minute))
	require.NoError(t, err)
	require.True(t, ok)
	for i := range 2 {
		ok, err := behind.Allow(ctx, "k", b.now)
		require.NoError(t, err)
		require.True(t, ok, "take %d from the process behind refused", i+2)
	}
	ok, err = behind.Allow(ctx, "k", b.now.Add(time.Minute))
	require.NoError(t, err)
	require.False(t, ok, "the process behind outran the burst")

}

// TestConcurrentAttempts: attempts made at once from many goroutines of
// both processes never hold more than the burst, and successes give
// every token back.
func TestConcurrentAttempts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	const burst = 3
	lim := ratelimit.Limit{Burst: burst, Every: time.Hour}
	limiters := [2]*ratelimit.Limiter{ratelimit.New(b.stores[0], "a", lim), ratelimit.New(b.stores[1], "a", lim)}
	var (
		held, most, oks atomic.Int64
		wg              sync.WaitGroup
		errs            = make(chan error, 40)
	)
	for g := range 16 {
		wg.Go(func() {
			for range 10 {
				end, ok, err := limiters[g%2].Attempt(ctx, "k", b.now)
				if err != nil {
					errs <- err
					return
				}
				if !ok {
					continue
				}
				oks.Add(1)
				h := held.Add(1)
				for m := most.Load(); h > m && !most.CompareAndSwap(m, h); m = most.Load() {
				}
				held.Add(-1)
				end(b.now, false)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.LessOrEqual(t, most.Load(), int64(burst))
	require.Positive(t, oks.Load())

	// Every token came back: the burst again, at once, from both, and no more.
	var wg2 sync.WaitGroup
	var got atomic.Int64
	for g := range 16 {
		wg2.Go(func() {
			_, ok, err := limiters[g%2].Attempt(ctx, "k", b.now)
			if err == nil && ok {
				got.Add(1)
			}
		})
	}
	wg2.Wait()
	require.Equal(t, int64(burst), got.Load())
}

// TestConcurrentAllow: requests at once from both processes are allowed
// exactly the burst.
func TestConcurrentAllow(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	lim := ratelimit.Limit{Burst: 7, Every: time.Hour}
	limiters := [2]*ratelimit.Limiter{ratelimit.New(b.stores[0], "a", lim), ratelimit.New(b.stores[1], "a", lim)}
	var (
		wg      sync.WaitGroup
		allowed atomic.Int64
		failed  atomic.Int64
	)
	for g := range 40 {
		wg.Go(func() {
			ok, err := limiters[g%2].Allow(ctx, "k", b.now)
			switch {
			case err != nil:
				failed.Add(1)
			case ok:
				allowed.Add(1)
			}
		})
	}
	wg.Wait()
	require.Zero(t, failed.Load())
	require.Equal(t, int64(7), allowed.Load())
}

// TestSweep: buckets full again are deleted; others are kept.
func TestSweep(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	l := ratelimit.New(b.stores[0], "a", ratelimit.Limit{Burst: 2, Every: time.Minute})
	for _, key := range []string{"x", "y", "y"} {
		ok, err := l.Allow(ctx, key, b.now)
		require.NoError(t, err)
		require.True(t, ok)
	}
	sweep := func(at time.Time) int {
		t.Helper()
		switch s := b.stores[0].(type) {
		case *ratelimit.Postgres:
			n, err := s.Sweep(ctx, at)
			require.NoError(t, err)
			return int(n)
		case *ratelimit.Memory:
			return s.Sweep(at)
		}
		t.Fatalf("unknown store %T", b.stores[0])
		return 0
	}
	require.Zero(t, sweep(b.now))
	require.Equal(t, 1, sweep(b.now.Add(time.Minute)), "x is full again")
	require.Equal(t, 1, sweep(b.now.Add(2*time.Minute)), "y is full again")
	require.Zero(t, b.rows(t))
	if m, ok := b.stores[0].(*ratelimit.Memory); ok {
		require.Zero(t, m.Len())
	}
}

// TestTakeSweeps: a Postgres store deletes full buckets by itself, in a
// Take once a minute.
func TestTakeSweeps(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if b.db.Dialect == dialect.SQLite {
		t.Skip("Memory sweeps only past 10,000 buckets (TestMemorySweepsWhenLarge)")
	}
	ctx := context.Background()
	l := ratelimit.New(b.stores[0], "a", ratelimit.Limit{Burst: 1, Every: time.Minute})
	for _, key := range []string{"x", "y", "z"} {
		_, err := l.Allow(ctx, key, b.now)
		require.NoError(t, err)
	}
	// The first Take swept already (at b.now); an hour later the next sweeps again.
	_, err := l.Allow(ctx, "w", b.now.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, 1, b.rows(t), "only the new bucket is left")
}

// TestMemorySweepsWhenLarge: Memory keeps at most about 10,000 buckets
// that are full again.
func TestMemorySweepsWhenLarge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := ratelimit.NewMemory()
	l := ratelimit.New(m, "a", ratelimit.Limit{Burst: 1, Every: time.Second})
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range 10_000 {
		_, err := l.Allow(ctx, string(rune(i)), now)
		require.NoError(t, err)
	}
	_, err := l.Allow(ctx, "late", now.Add(time.Minute))
	require.NoError(t, err)
	require.Equal(t, 1, m.Len())
}

// TestWait: Wait returns once there is a token, and with ctx's error when
// ctx ends first.
func TestWait(t *testing.T) {
	t.Parallel()
	b := setup(t)
	l := ratelimit.New(b.stores[0], "a", ratelimit.Limit{Burst: 1, Every: 20 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for range 3 {
		require.NoError(t, l.Wait(ctx, "sms"))
	}
	slow := ratelimit.New(b.stores[1], "b", ratelimit.Limit{Burst: 1, Every: time.Hour})
	require.NoError(t, slow.Wait(ctx, "sms"))
	short, cancelShort := context.WithTimeout(ctx, 10*time.Second)
	defer cancelShort()
	require.ErrorIs(t, slow.Wait(short, "sms"), ratelimit.ErrDeadline, "an hour's wait fits in no 10 seconds")
	cancelled, cancelNow := context.WithCancel(context.Background())
	cancelNow()
	require.ErrorIs(t, slow.Wait(cancelled, "sms"), context.Canceled)
}

// failing is a Store that fails.
type failing struct{}

var errStore = errors.New("store down")

func (failing) Take(context.Context, string, ratelimit.Limit, string, time.Time) (ratelimit.Result, error) {
	return ratelimit.Result{}, errStore
}
func (failing) Give(context.Context, string, string, time.Duration) error { return errStore }
func (failing) Close() error                                              { return nil }

// TestFailsClosed: when the store fails, nothing is allowed and the error
// says so.
func TestFailsClosed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := ratelimit.New(failing{}, "a", ratelimit.Limit{Burst: 5, Every: time.Minute})
	ok, err := l.Allow(ctx, "k", time.Now())
	require.ErrorIs(t, err, errStore)
	require.False(t, ok)
	end, ok, err := l.Attempt(ctx, "k", time.Now())
	require.ErrorIs(t, err, errStore)
	require.False(t, ok)
	require.Nil(t, end)
	require.ErrorIs(t, l.Wait(ctx, "k"), errStore)
}

// TestClosedPostgresFailsClosed: a Postgres store whose database is gone
// answers errors, not tokens.
func TestClosedPostgresFailsClosed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if b.db.Dialect == dialect.SQLite {
		t.Skip("Memory cannot fail")
	}
	require.NoError(t, b.stores[0].Close())
	ok, err := ratelimit.New(b.stores[0], "a", ratelimit.Limit{Burst: 5, Every: time.Minute}).Allow(context.Background(), "k", b.now)
	require.Error(t, err)
	require.False(t, ok)
}

// BenchmarkTake is one check of a limit: a PostgreSQL statement with
// TEST_DATABASE_URL set, else a map in memory.
func BenchmarkTake(b *testing.B) {
	db := kithtest.DB(b, nil)
	s, err := ratelimit.Open(db)
	require.NoError(b, err)
	defer s.Close()
	l := ratelimit.New(s, "bench", ratelimit.Limit{Burst: 1 << 30, Every: time.Nanosecond})
	ctx := context.Background()
	now := time.Now()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if _, err := l.Allow(ctx, string(rune('a'+i%64)), now); err != nil {
			b.Fatal(err)
		}
	}
}
