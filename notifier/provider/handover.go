package provider

import (
	"context"
	"errors"
	"fmt"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/kith-health/kith/observe"
	"github.com/kith-health/kith/ratelimit"
	"github.com/kith-health/kith/schematype"
)

// Handover hands messages to the Sender of their channel. It is safe for
// concurrent use.
type Handover struct {
	senders  map[schematype.Channel]Sender
	limiters map[schematype.Channel]*ratelimit.Limiter
	tracer   trace.Tracer
	metrics  *observe.Metrics
}

// HandoverConfig configures a Handover.
type HandoverConfig struct {
	// Senders deliver the channels, one per channel; a message on a
	// channel without one fails permanently ("no_provider").
	Senders []Sender
	// Limiters cap each channel's messages a second; a channel without one
	// has no cap.
	Limiters map[schematype.Channel]*ratelimit.Limiter
	// Tracer gives each hand-over a span.
	Tracer trace.Tracer
	// Metrics counts messages in kith_messages_total; nil counts nothing.
	Metrics *observe.Metrics
}

// NewHandover returns the Handover of cfg.
func NewHandover(cfg HandoverConfig) *Handover {
	h := &Handover{senders: make(map[schematype.Channel]Sender, len(cfg.Senders)),
		limiters: cfg.Limiters, tracer: cfg.Tracer, metrics: cfg.Metrics}
	for _, s := range cfg.Senders {
		h.senders[s.Channel()] = s
	}
	return h
}

// Limiter is the rate limit of channel, nil when it has none.
func (h *Handover) Limiter(channel schematype.Channel) *ratelimit.Limiter { return h.limiters[channel] }

// Result is what became of one hand-over.
type Result struct {
	// Receipt is the provider's, when it took the message.
	Receipt Receipt
	// Err is why it did not: a SendError (IsPermanent tells whether to try
	// again), or the context's error when the wait for the rate limit ended.
	Err error
	// Tried is false when the message never reached the provider: the wait
	// for the channel's rate limit ended first.
	Tried bool
}

// Outcome is kith_messages_total's status of r: "sent"; "failed" when the
// failure is permanent or final (no try follows); "retry" when it will be
// tried again; "" when it was never tried, and so not counted.
func (r Result) Outcome(final bool) string {
	switch {
	case r.Err == nil:
		return "sent"
	case IsPermanent(r.Err) || final:
		return "failed"
	case !r.Tried:
		return ""
	default:
		return "retry"
	}
}

// Deliver hands m to the Sender of m.Channel once the channel's rate limit
// allows, in a span, and counts the outcome (final says no try follows a
// transient failure: see Result.Outcome). It is the only code that calls
// Sender.Send.
func (h *Handover) Deliver(ctx context.Context, m Outgoing, final bool) Result {
	r := h.deliver(ctx, m)
	if status := r.Outcome(final); status != "" {
		h.metrics.Message(string(m.Channel), status)
	}
	return r
}

// deliver is Deliver without the count.
func (h *Handover) deliver(ctx context.Context, m Outgoing) Result {
	sender, ok := h.senders[m.Channel]
	if !ok {
		return Result{Tried: true, Err: Permanent("no_provider", fmt.Sprintf("no %s provider is configured", m.Channel), nil)}
	}
	if l := h.limiters[m.Channel]; l != nil {
		if err := l.Wait(ctx, ""); err != nil {
			return Result{Err: err}
		}
	}
	ctx, span := h.tracer.Start(ctx, "send "+string(m.Channel), trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("kith.channel", string(m.Channel))))
	defer span.End()
	receipt, err := sender.Send(ctx, m)
	if err != nil {
		// The reason only: a provider's own text may quote the address.
		span.SetStatus(codes.Error, shortReason(err))
	}
	return Result{Receipt: receipt, Err: err, Tried: true}
}

// shortReason is the short reason of a SendError, or "error".
func shortReason(err error) string {
	var se *SendError
	if errors.As(err, &se) && se.Reason != "" && len(se.Reason) <= 40 {
		return se.Reason
	}
	return "error"
}
