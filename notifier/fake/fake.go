// Package fake is a recording provider.Sender for tests: it sends nothing,
// keeps what it was given and fails when told to.
package fake

import (
	"context"
	"fmt"
	"sync"

	"github.com/kith-health/kith/notifier/provider"
	"github.com/kith-health/kith/schematype"
)

// Sender records the messages it is given. It is safe for concurrent use.
type Sender struct {
	channel schematype.Channel

	mu       sync.Mutex
	sent     []provider.Outgoing
	attempts int
	failN    int
	failErr  error
}

var _ provider.Sender = (*Sender)(nil)

// New returns a Sender for channel.
func New(channel schematype.Channel) *Sender { return &Sender{channel: channel} }

// Channel returns the channel given to New.
func (s *Sender) Channel() schematype.Channel { return s.channel }

// Send records m and returns a receipt whose ProviderID is "fake-" and the
// attempt's number, Status "sent". It fails, recording nothing, when ctx is
// done, when m is on another channel, or while FailNext has failures left.
func (s *Sender) Send(ctx context.Context, m provider.Outgoing) (provider.Receipt, error) {
	if err := ctx.Err(); err != nil {
		return provider.Receipt{}, err
	}
	if err := provider.CheckChannel(m, s.channel); err != nil {
		return provider.Receipt{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts++
	if s.failN > 0 {
		s.failN--
		return provider.Receipt{}, s.failErr
	}
	s.sent = append(s.sent, m)
	return provider.Receipt{ProviderID: fmt.Sprintf("fake-%d", s.attempts), Status: "sent"}, nil
}

// FailNext makes the next n sends fail with err, such as
// provider.Transient("http_503", "…", nil), or with a transient SendError
// when err is nil; n ≤ 0 stops failing.
func (s *Sender) FailNext(n int, err error) {
	if err == nil {
		err = provider.Transient("fake", "the fake sender was told to fail", nil)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failN, s.failErr = max(n, 0), err
}

// Sent returns the messages sent successfully, in order.
func (s *Sender) Sent() []provider.Outgoing {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]provider.Outgoing(nil), s.sent...)
}

// Attempts returns how many sends were tried, failed ones included (not
// those refused for their context or channel).
func (s *Sender) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}
