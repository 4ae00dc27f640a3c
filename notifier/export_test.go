package notifier

import (
	"github.com/kith-health/kith/message"
	"github.com/kith-health/kith/ratelimit"
)

// Limiter is the send rate of channel ch, nil when it has none.
func (q *Queue) Limiter(ch message.Channel) *ratelimit.Limiter { return q.limiters[ch] }
