package effect

import (
	"context"

	"github.com/kith-health/kith/pulid"
)

// CallEventKind says what happened to a call, in a CallEvent.
type CallEventKind string

// Kinds of call events.
const (
	// CallStarted is a call kith has just learnt of: it rings, was
	// answered, or staff logged it.
	CallStarted CallEventKind = "STARTED"
	// CallUpdated is a change to a call still open: its progress, title,
	// description or the people it concerns.
	CallUpdated CallEventKind = "UPDATED"
	// CallClosed is a call ended by staff or closed automatically.
	CallClosed CallEventKind = "CLOSED"
)

// CallEvent is the news that a call changed, as the Communication hook
// tells it: which organisation, which communication, what happened.
type CallEvent struct {
	// OrganizationID is the call's organisation.
	OrganizationID pulid.ID
	// CommunicationID is the call.
	CommunicationID pulid.ID
	// Kind is what happened.
	Kind CallEventKind
}

// CallEvents is told, in the transaction of the change (ctx carries it),
// that a call changed, so that staff watching calls hear of it once the
// change commits, on every kith instance (package callevent).
type CallEvents interface {
	CallChanged(ctx context.Context, e CallEvent) error
}

// callEventsHolder wraps a CallEvents for atomic.Pointer.
type callEventsHolder struct{ c CallEvents }

// SetCallEvents makes c the slot's client's CallEvents. Set it once, before
// the client serves requests; nil detaches it.
func (s *Slot) SetCallEvents(c CallEvents) {
	if s == nil {
		return
	}
	if c == nil {
		s.ce.Store(nil)
		return
	}
	s.ce.Store(&callEventsHolder{c})
}

// CallEvents returns the attached CallEvents, or nil when none is: the
// change is then written and nobody hears of it live (a tool without a
// server, such as a CLI command).
func (s *Slot) CallEvents() CallEvents {
	if s == nil {
		return nil
	}
	if h := s.ce.Load(); h != nil {
		return h.c
	}
	return nil
}
