// Package logsender is the channel kith uses when no provider is configured:
// it sends nothing, records each message in memory and logs it, so that a
// newcomer sees what would have been sent.
package logsender

import (
	"context"
	"log/slog"
	"sync"
	"unicode/utf8"

	"github.com/kith-health/kith/message"
	"github.com/kith-health/kith/notifier"
)

// Capacity is how many of the latest messages a Sender keeps.
const Capacity = 1000

// textPreview is how many characters of the text a log line shows.
const textPreview = 200

// Sender logs messages instead of sending them. It is safe for concurrent use.
type Sender struct {
	channel message.Channel
	log     *slog.Logger

	mu   sync.Mutex
	ring []notifier.Outgoing // up to Capacity, oldest at next once full
	next int
}

var _ notifier.Sender = (*Sender)(nil)

// New returns a Sender for channel that logs to log, or to slog.Default()
// when log is nil.
func New(channel message.Channel, log *slog.Logger) *Sender {
	if log == nil {
		log = slog.Default()
	}
	return &Sender{channel: channel, log: log}
}

// Channel returns the channel given to New.
func (s *Sender) Channel() message.Channel { return s.channel }

// Send records m and logs one line at info: message ID, channel, recipient,
// subject and the first 200 characters of the text. It fails only for a
// message on another channel. The receipt's ProviderID is "log-" and the
// message ID; its Status is "logged".
func (s *Sender) Send(ctx context.Context, m notifier.Outgoing) (notifier.Receipt, error) {
	if err := notifier.CheckChannel(m, s.channel); err != nil {
		return notifier.Receipt{}, err
	}
	s.mu.Lock()
	if len(s.ring) < Capacity {
		s.ring = append(s.ring, m)
	} else {
		s.ring[s.next] = m
		s.next = (s.next + 1) % Capacity
	}
	s.mu.Unlock()

	attrs := []slog.Attr{
		slog.String("message_id", m.MessageID),
		slog.String("channel", string(s.channel)),
		slog.String("to", m.To),
	}
	if m.Subject != "" {
		attrs = append(attrs, slog.String("subject", m.Subject))
	}
	attrs = append(attrs, slog.String("text", preview(m.Text, textPreview)))
	s.log.LogAttrs(ctx, slog.LevelInfo, "message logged, not sent: no "+string(s.channel)+" provider is configured", attrs...)
	return notifier.Receipt{ProviderID: "log-" + m.MessageID, Status: "logged"}, nil
}

// Sent returns the recorded messages, oldest first: all of them, or the
// latest Capacity.
func (s *Sender) Sent() []notifier.Outgoing {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]notifier.Outgoing, 0, len(s.ring))
	out = append(out, s.ring[s.next:]...)
	return append(out, s.ring[:s.next]...)
}

// preview returns the first n characters of text, with "…" when cut.
func preview(text string, n int) string {
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	i := 0
	for range n {
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	return text[:i] + "…"
}
