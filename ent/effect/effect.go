// Package effect is how ent/schema reaches the notifier without importing
// it: the Notifier interface the schema's hooks call when a change sends
// messages (appointments, scheduled messages, the practice's portal
// messages, forms sent) or stores wording (message templates, scheduled messages), and
// the Slot each ent client carries it in (the client's Effects dependency,
// see ent/entc.go). It imports neither kith's generated ent package (which
// imports it) nor any domain package: its methods take entgo.io/ent's own
// types, which the notifier asserts to the generated ones.
//
// A client whose slot holds no Notifier refuses those changes with
// ErrNoNotifier rather than writing them without their messages: a
// confirmation silently not sent is worse than an error a test or a
// misconfigured tool sees at once. cmd/kith serve and every test database
// (package kithtest) attach one.
//
// The Slot also carries the health card validator the Coverage hook calls
// (healthcard.go): the format check unless an eligibility service is set;
// the CallEvents the Communication hook tells of calls (callevents.go); and
// the Events the schema's hooks tell of integrator events (events.go).
package effect

import (
	"context"
	"errors"
	"sync/atomic"

	"entgo.io/ent"

	"github.com/kith-health/kith/schematype"
)

// Notifier is what the schema's hooks tell the notifier, in the
// transaction of the change (ctx carries it). m is the mutation, v the
// value it wrote; both are the generated types of kith's ent package.
type Notifier interface {
	// AppointmentChanged writes what a written appointment calls for: the
	// notice of kind to its recipients, its reminders when reschedule is
	// set (it is new or moved), and its scheduled messages kept in step.
	AppointmentChanged(ctx context.Context, m ent.Mutation, v ent.Value, notice schematype.MessageKind, reschedule bool) error
	// ScheduledMessageTimed queues a pending scheduled message's job for
	// the time it is due, after it was created or given another time.
	ScheduledMessageTimed(ctx context.Context, m ent.Mutation, v ent.Value) error
	// PracticeWrote tells the person of a portal thread, by email, that the
	// practice wrote to them there.
	PracticeWrote(ctx context.Context, m ent.Mutation, v ent.Value) error
	// FormSent emails a new form's addressee that it waits for them in the
	// portal, and schedules the form's reminder.
	FormSent(ctx context.Context, m ent.Mutation, v ent.Value) error
	// CheckTemplate checks the wording of a template: it returns the part
	// at fault ("subject", "html" or "text") and the problem, or "" and nil.
	CheckTemplate(subject, html, text string) (part string, err error)
	// CheckText checks the placeholders of one text, such as a scheduled
	// message's body.
	CheckText(text string) error
}

// ErrNoNotifier is the error of a change that sends messages, or stores
// their wording, on an ent client whose Slot holds no Notifier.
var ErrNoNotifier = errors.New("no notifier is attached to this database client: changes that send messages are refused")

// ErrAttached is Attach's error when the slot already holds a Notifier:
// attaching a second would not replace the first, and two would send
// every message twice.
var ErrAttached = errors.New("a notifier is already attached to this database client")

// ErrNoTransaction is the error of a change that sends messages written
// outside a transaction: its notifications and their jobs must commit with
// it, or a crash in between loses the messages. Open one (package
// database/transaction).
var ErrNoTransaction = errors.New("a change that sends messages must be written in a transaction")

// Slot holds the Notifier of one ent client and of every transaction of
// it: it is set once, by Attach. The zero Slot, and a nil one, hold none.
type Slot struct {
	n  atomic.Pointer[holder]
	hc atomic.Pointer[validatorHolder]  // see healthcard.go
	ce atomic.Pointer[callEventsHolder] // see callevents.go
	ev atomic.Pointer[eventsHolder]     // see events.go
}

// holder wraps a Notifier for atomic.Pointer.
type holder struct{ n Notifier }

// Attach makes n the Notifier of the slot's client, once: a second call
// returns ErrAttached and changes nothing.
func (s *Slot) Attach(n Notifier) error {
	if n == nil {
		return errors.New("attaching a nil notifier")
	}
	if s == nil || !s.n.CompareAndSwap(nil, &holder{n}) {
		if s == nil {
			return errors.New("the database client has no notifier slot (open it with database.Open)")
		}
		return ErrAttached
	}
	return nil
}

// Notifier returns the attached Notifier, or ErrNoNotifier.
func (s *Slot) Notifier() (Notifier, error) {
	if s == nil {
		return nil, ErrNoNotifier
	}
	h := s.n.Load()
	if h == nil {
		return nil, ErrNoNotifier
	}
	return h.n, nil
}
