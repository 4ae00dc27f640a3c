// Package provider is the contract between kith and the services that
// carry its messages (packages twilio, sendgrid, logsender, fake): a
// Sender per channel, the Outgoing message it is handed, its Receipt, and
// the classified SendError of a refusal; and Handover, the one way kith
// hands a message to a provider (rate limit, span, metrics, provider call,
// failure classification), used by the queue's workers and by the portal's
// one-time emails alike. It imports nothing of the queue.
package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/kith-health/kith/schematype"
)

// Outgoing is one rendered message to one address, as handed to a Sender.
type Outgoing struct {
	// MessageID is kith's ID of the message; providers carry it back in
	// their webhooks where they can (SendGrid's custom_args).
	MessageID string
	// Channel is the channel the message travels by.
	Channel schematype.Channel
	// To is the recipient: an E.164 number for SMS, an email address for email.
	To string
	// FromName is the practice's name, shown as the email's sender.
	FromName string
	// Subject, HTML and Text are the rendered message (see Rendered); SMS
	// uses Text only.
	Subject, HTML, Text string
	// StatusCallbackURL is where Twilio reports delivery; optional, SMS only.
	StatusCallbackURL string
}

// Receipt is a provider's acknowledgement of a message it accepted.
type Receipt struct {
	// ProviderID is the provider's ID of the message (Twilio's SID,
	// SendGrid's X-Message-Id); empty when the provider gave none.
	ProviderID string
	// Status is the provider's word for the message's state, such as
	// "queued" or "accepted".
	Status string
}

// Sender sends messages on one channel. Send returns a *SendError (possibly
// wrapped) when the provider refuses or fails; IsPermanent tells whether to
// try again. Senders are safe for concurrent use.
type Sender interface {
	// Send hands m to the provider and returns its receipt.
	Send(ctx context.Context, m Outgoing) (Receipt, error)
	// Channel is the channel this Sender sends on.
	Channel() schematype.Channel
}

// SendError is a failed send, classified.
type SendError struct {
	// Permanent is true when sending the same message again cannot succeed
	// (invalid number, opted out, rejected credentials); false when a later
	// try may (rate limits, provider outages, timeouts).
	Permanent bool
	// Code is the provider's error code, such as "21610", or a short word
	// of ours, such as "http_503" or "timeout".
	Code string
	// Reason says what went wrong in a sentence a person understands.
	Reason string
	// Err is the underlying error, if any.
	Err error
}

// Error returns the reason, the code and the underlying error.
func (e *SendError) Error() string {
	s := e.Reason
	if e.Code != "" {
		s += " [" + e.Code + "]"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns Err.
func (e *SendError) Unwrap() error { return e.Err }

// Permanent returns a SendError that retrying cannot fix.
func Permanent(code, reason string, err error) *SendError {
	return &SendError{Permanent: true, Code: code, Reason: reason, Err: err}
}

// Transient returns a SendError that a later try may not meet.
func Transient(code, reason string, err error) *SendError {
	return &SendError{Code: code, Reason: reason, Err: err}
}

// IsPermanent reports whether err, or an error it wraps, is a permanent
// SendError. Any other error, such as a network timeout, counts as
// transient; nil is not permanent.
func IsPermanent(err error) bool {
	var se *SendError
	return errors.As(err, &se) && se.Permanent
}

// CheckChannel returns a permanent SendError when m is addressed to a channel
// other than want; an empty Channel is accepted.
func CheckChannel(m Outgoing, want schematype.Channel) error {
	if m.Channel != "" && m.Channel != want {
		return Permanent("wrong_channel", fmt.Sprintf("this sender sends %s, not %s", want, m.Channel), nil)
	}
	return nil
}

// FailureReason is the sentence recorded on a message that could not be
// sent: a SendError's reason, else the error's text.
func FailureReason(err error) string {
	var se *SendError
	if errors.As(err, &se) && se.Reason != "" {
		return schematype.Clip(se.Reason, schematype.MaxNoteLength)
	}
	return schematype.Clip(err.Error(), schematype.MaxNoteLength)
}
