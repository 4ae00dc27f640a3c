package webhook

import (
	"math/rand/v2"
	"time"
)

// Schedule is how long after each failed attempt the next one is made,
// before jitter: about 5 seconds, 5 minutes, 30 minutes, 2, 5, 10, 14, 20
// and 24 hours, so the last attempt comes about three days after the event.
var Schedule = []time.Duration{
	5 * time.Second, 5 * time.Minute, 30 * time.Minute,
	2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 14 * time.Hour, 20 * time.Hour, 24 * time.Hour,
}

// MaxAttempts is how many times a delivery is attempted: the first and one
// retry per step of Schedule.
var MaxAttempts = len(Schedule) + 1

// Jitter is how far a retry may be moved either way from its step of
// Schedule, as a fraction of it: 10 %, so that the deliveries an outage
// failed together do not all come back at the same second.
const Jitter = 0.1

// MaxRetryAfter caps how long a receiver's Retry-After may hold a retry
// back: the longest step of Schedule.
const MaxRetryAfter = 24 * time.Hour

// NextRetry returns how long after attempt (1 for the first) failed the
// next one is made, and false when it was the last. The step of Schedule
// is moved by up to Jitter either way; a receiver's Retry-After that asks
// for longer is honoured, up to MaxRetryAfter.
func NextRetry(attempt int, retryAfter time.Duration) (time.Duration, bool) {
	if attempt < 1 || attempt > len(Schedule) {
		return 0, false
	}
	step := Schedule[attempt-1]
	d := step + time.Duration((rand.Float64()*2-1)*Jitter*float64(step))
	if retryAfter > d {
		d = min(retryAfter, MaxRetryAfter)
	}
	return d, true
}
