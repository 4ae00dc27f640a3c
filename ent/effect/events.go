package effect

import (
	"context"
	"time"

	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
)

// Event is one integrator event a change causes, as a schema hook tells it:
// its type, the organisation, the object it is about, when it happened and
// the thin facts webhook.Payload puts in its data (IDs, the fields that
// changed, a start time, a status; never notes, alerts, message bodies,
// coverage or addresses).
type Event struct {
	// Type is the event's type, such as appointment.booked.
	Type schematype.EventType
	// OrganizationID is the organisation the object belongs to.
	OrganizationID pulid.ID
	// ObjectID is the object the event is about: the payload's data.id.
	ObjectID pulid.ID
	// At is when it happened; zero for now.
	At time.Time
	// Data are the payload's other facts, keyed as GraphQL names them
	// (camelCase).
	Data map[string]any
}

// Events is told, in the transaction of the change (ctx carries it), of the
// integrator events the change causes, so that each is written with it and
// delivered to the organisation's webhook endpoints once it commits (package
// event), and never for a change that rolled back.
type Events interface {
	// Emit writes events, and a delivery of each to every enabled
	// endpoint of its organisation subscribed to its type, in the change's
	// transaction: a bulk change tells its rows' events in one call.
	Emit(ctx context.Context, events ...Event) error
	// AllowPrivate reports whether endpoints may be plain http and on
	// loopback or private addresses (development and tests only).
	AllowPrivate() bool
}

// eventsHolder wraps an Events for atomic.Pointer.
type eventsHolder struct{ e Events }

// SetEvents makes e the slot's client's Events. Set it once, before the
// client serves requests; nil detaches it.
func (s *Slot) SetEvents(e Events) {
	if s == nil {
		return
	}
	if e == nil {
		s.ev.Store(nil)
		return
	}
	s.ev.Store(&eventsHolder{e})
}

// Events returns the attached Events, or nil when none is: changes are then
// written without integrator events (a tool without a server, such as a CLI
// command), and webhook endpoints take only https URLs on public addresses.
func (s *Slot) Events() Events {
	if s == nil {
		return nil
	}
	if h := s.ev.Load(); h != nil {
		return h.e
	}
	return nil
}
