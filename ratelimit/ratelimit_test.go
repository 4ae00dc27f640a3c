package ratelimit_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/ratelimit"
)

// TestAttempt: only attempts that end counting take a token, and attempts
// under way hold theirs, so that many at once cannot outrun the limit.
func TestAttempt(t *testing.T) {
	t.Parallel()
	l := ratelimit.New(ratelimit.Limit{Burst: 2, Every: time.Minute})
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

	// Successes never count.
	for range 10 {
		end, ok := l.Attempt("k", now)
		require.True(t, ok)
		end(now, false)
	}

	// Two at once hold the bucket; a third waits for one of them.
	end1, ok := l.Attempt("k", now)
	require.True(t, ok)
	end2, ok := l.Attempt("k", now)
	require.True(t, ok)
	_, ok = l.Attempt("k", now)
	require.False(t, ok, "a third attempt outran the limit")
	end1(now, false)
	end3, ok := l.Attempt("k", now)
	require.True(t, ok)

	// Two failures empty it, until a minute has passed.
	end2(now, true)
	end3(now, true)
	end3(now, true) // a second end changes nothing
	_, ok = l.Attempt("k", now)
	require.False(t, ok)
	_, ok = l.Attempt("other", now)
	require.True(t, ok, "keys share a bucket")
	later := now.Add(time.Minute)
	end, ok := l.Attempt("k", later)
	require.True(t, ok)
	end(later, true)
	_, ok = l.Attempt("k", later)
	require.False(t, ok)
}
