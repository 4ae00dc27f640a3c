package portal

import (
	"time"

	"github.com/kith-health/kith/ratelimit"
)

// Limit is a token bucket: Burst requests at once, then one per Every.
type Limit = ratelimit.Limit

// limiter keeps one token bucket per key, such as an email address or an
// IP address (see package ratelimit).
type limiter struct{ keyed *ratelimit.Keyed }

func newLimiter(l Limit) *limiter { return &limiter{keyed: ratelimit.New(l)} }

// allow takes one request of key from its bucket, and reports whether there
// was one.
func (l *limiter) allow(key string, now time.Time) bool { return l.keyed.Allow(key, now) }
