package kith

import (
	"context"
	"sync"

	"github.com/kith-health/kith/pulid"
)

// Notice is something a change did besides what was asked, that the
// person who asked it should be told: the API answers it in the
// response's extensions.warnings, once the change has committed. A change
// that fails tells nothing.
type Notice struct {
	// Code says what happened, such as NoticeBillingContactCleared.
	Code string
	// Field is the input that caused it, such as contactTypes.
	Field string
	// Message is a sentence a person understands.
	Message string
	// IDs are the records it changed.
	IDs []pulid.ID
}

// NoticeBillingContactCleared: a link lost its BILLING type, or was
// removed, and the coverage records that named it as their billing
// contact (IDs) now have none.
const NoticeBillingContactCleared = "BILLING_CONTACT_CLEARED"

// Notices collects the notices of one request's changes. Its methods are
// safe for concurrent use.
type Notices struct {
	mu   sync.Mutex
	list []Notice
}

type noticesKey struct{}

// WithNotices returns ctx carrying a new collector of notices, and the collector.
func WithNotices(ctx context.Context) (context.Context, *Notices) {
	n := &Notices{}
	return context.WithValue(ctx, noticesKey{}, n), n
}

// Tell records notice n with the collector ctx carries; without one (a
// change made outside the API, such as the demo's seeding) it is dropped.
func Tell(ctx context.Context, n Notice) {
	if c, ok := ctx.Value(noticesKey{}).(*Notices); ok {
		c.mu.Lock()
		c.list = append(c.list, n)
		c.mu.Unlock()
	}
}

// List returns the notices recorded so far, in order.
func (c *Notices) List() []Notice {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Notice(nil), c.list...)
}
