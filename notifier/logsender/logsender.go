// Package logsender is the development channel kith uses when no provider
// is configured: it sends nothing, records each message in memory and logs
// it in full, links and codes included, so that a newcomer sees what would
// have been sent and can follow a portal invitation's claim link or type a
// sign-in code. Those are secrets: the log channel is for development only
// (see Warning), and kith never uses it beside a real provider.
package logsender

import (
	"context"
	"log/slog"
	"sync"

	"github.com/kith-health/kith/notifier/provider"
	"github.com/kith-health/kith/schematype"
)

// Capacity is how many of the latest messages a Sender keeps.
const Capacity = 1000

// Warning is what kith logs at WARN when it starts with the log channel.
const Warning = "no SMS or email provider is configured: the log channel prints every message in full, " +
	"secrets included (portal claim links, sign-in codes); for development only"

// Sender logs messages instead of sending them. It is safe for concurrent use.
type Sender struct {
	channel schematype.Channel
	log     *slog.Logger

	mu   sync.Mutex
	ring []provider.Outgoing // up to Capacity, oldest at next once full
	next int
}

var _ provider.Sender = (*Sender)(nil)

// New returns a Sender for channel that logs to log, or to slog.Default()
// when log is nil.
func New(channel schematype.Channel, log *slog.Logger) *Sender {
	if log == nil {
		log = slog.Default()
	}
	return &Sender{channel: channel, log: log}
}

// Channel returns the channel given to New.
func (s *Sender) Channel() schematype.Channel { return s.channel }

// Send records m and logs it whole, on one line at info: message ID,
// channel, recipient, subject and the full text, or the full HTML for an
// email without a text part. It fails only for a message on another
// channel. The receipt's ProviderID is "log-" and the message ID; its
// Status is "logged".
func (s *Sender) Send(ctx context.Context, m provider.Outgoing) (provider.Receipt, error) {
	if err := provider.CheckChannel(m, s.channel); err != nil {
		return provider.Receipt{}, err
	}
	attrs := []slog.Attr{
		slog.String("message_id", m.MessageID),
		slog.String("channel", string(s.channel)),
		slog.String("to", m.To),
	}
	if m.Subject != "" {
		attrs = append(attrs, slog.String("subject", m.Subject))
	}
	if m.Text == "" && m.HTML != "" {
		attrs = append(attrs, slog.String("html", m.HTML))
	} else {
		attrs = append(attrs, slog.String("text", m.Text))
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "message logged, not sent: no "+string(s.channel)+" provider is configured", attrs...)
	// Recorded after the line is written, so what Sent returns is in the log.
	s.mu.Lock()
	if len(s.ring) < Capacity {
		s.ring = append(s.ring, m)
	} else {
		s.ring[s.next] = m
		s.next = (s.next + 1) % Capacity
	}
	s.mu.Unlock()
	return provider.Receipt{ProviderID: "log-" + m.MessageID, Status: "logged"}, nil
}

// Sent returns the recorded messages, oldest first: all of them, or the
// latest Capacity.
func (s *Sender) Sent() []provider.Outgoing {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]provider.Outgoing, 0, len(s.ring))
	out = append(out, s.ring[s.next:]...)
	return append(out, s.ring[:s.next]...)
}
