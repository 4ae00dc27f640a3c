package graph

import (
	"cmp"
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ratelimit"
)

// widgetFields are the booking widget's public root fields, rate limited
// per IP address. Booking mutations for visitors belong here too.
var widgetFields = map[string]bool{
	"bookableServices": true,
	"availableSlots":   true,
	// Booking as a visitor (booking_writes.graphqls).
	"requestBookingCode": true,
	"bookAsVisitor":      true,
}

// DefaultWidgetLimit is the widget's rate limit per IP address: a page load
// asks for services and a month or two of slots; 60 at once then one a
// second leaves a person clicking around plenty and a scraper little.
var DefaultWidgetLimit = ratelimit.Limit{Burst: 60, Every: time.Second}

// widgetLimit answers RATE_LIMITED when an IP address calls the widget's
// public fields faster than its limit.
type widgetLimit struct{ byIP *ratelimit.Limiter }

var _ fieldCheck = widgetLimit{}

func newWidgetLimit(store ratelimit.Store, l ratelimit.Limit) widgetLimit {
	if l == (ratelimit.Limit{}) {
		l = DefaultWidgetLimit
	}
	return widgetLimit{byIP: ratelimit.New(store, "widget.ip", l)}
}

// checkField implements fieldCheck.
func (l widgetLimit) checkField(ctx context.Context, fc *graphql.FieldContext) (context.Context, error) {
	if (fc.Object == "Query" || fc.Object == "Mutation") && widgetFields[fc.Field.Name] {
		// A count that cannot be checked refuses the field (INTERNAL).
		if ok, err := l.byIP.Allow(ctx, clientIP(ctx), time.Now()); err != nil || !ok {
			return ctx, cmp.Or(err, kith.ErrRateLimited)
		}
	}
	return ctx, nil
}

// pointers returns pointers to the elements of list, as gqlgen's lists of objects want.
func pointers[T any](list []T) []*T {
	out := make([]*T, len(list))
	for i := range list {
		out[i] = &list[i]
	}
	return out
}
