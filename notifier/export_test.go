package notifier

import (
	"github.com/kith-health/kith/ratelimit"
	"github.com/kith-health/kith/schematype"
)

// Limiter is the send rate of channel ch, nil when it has none.
func (q *Queue) Limiter(ch schematype.Channel) *ratelimit.Limiter { return q.handover.Limiter(ch) }
