package schema

import (
	"context"
	"fmt"

	"entgo.io/ent"

	"github.com/kith-health/kith/database/transaction"
	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/ent/effect"
	"github.com/kith-health/kith/ent/hook"
	"github.com/kith-health/kith/ent/portalmessage"
	"github.com/kith-health/kith/ent/scheduledmessage"
	"github.com/kith-health/kith/schematype"
)

// This file holds the hooks through which changes send messages: each
// decides when a change calls for one and hands the change to the notifier
// (effect.Notifier, attached to the client by notifier.NewQueue), which
// writes the notifications and their jobs in the change's transaction.

// notifierFor is the notifier of the client a mutation runs on, once ctx
// is known to carry a transaction: ErrNoNotifier on a client without one,
// ErrNoTransaction outside a transaction. Both refuse the change whole,
// before it is written.
func notifierFor(ctx context.Context, slot *effect.Slot) (effect.Notifier, error) {
	n, err := slot.Notifier()
	if err != nil {
		return nil, err
	}
	if transaction.From(ctx) == nil {
		return nil, effect.ErrNoTransaction
	}
	return n, nil
}

// notifyAfter writes m through next, then tells the notifier of the
// written value (tell), in the same transaction. Without a notifier or a
// transaction the change is refused whole, before it is written.
func notifyAfter(ctx context.Context, m ent.Mutation, slot *effect.Slot, next ent.Mutator,
	tell func(effect.Notifier, ent.Value) error) (ent.Value, error) {
	n, err := notifierFor(ctx, slot)
	if err != nil {
		return nil, err
	}
	v, err := next.Mutate(ctx, m)
	if err != nil {
		return v, err
	}
	if err := tell(n, v); err != nil {
		return nil, err
	}
	return v, nil
}

// notifyOfAppointment sends the notices of appointment changes: a new
// appointment a confirmation, a moved one a reschedule notice, a cancelled
// or missed one that notice; new and moved appointments also get their
// reminders scheduled, and scheduled messages follow the appointment
// (notifier.Queue.AppointmentChanged).
func notifyOfAppointment() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return hook.AppointmentFunc(func(ctx context.Context, m *gen.AppointmentMutation) (ent.Value, error) {
			notice, remind := appointmentNotice(ctx, m)
			if notice == "" {
				return next.Mutate(ctx, m)
			}
			return notifyAfter(ctx, m, m.Effects, next, func(n effect.Notifier, v ent.Value) error {
				return n.AppointmentChanged(ctx, m, v, notice, remind)
			})
		})
	}
}

// appointmentNotice says which notice a mutation calls for ("" for none),
// and whether reminders must be scheduled (the appointment is new or
// moved).
func appointmentNotice(ctx context.Context, m *gen.AppointmentMutation) (schematype.MessageKind, bool) {
	if m.Op().Is(ent.OpCreate) {
		return schematype.MessageKindConfirmation, true
	}
	if !m.Op().Is(ent.OpUpdateOne) {
		return "", false
	}
	if status, ok := m.Status(); ok {
		switch status {
		case appointment.StatusCancelled:
			return schematype.MessageKindCancellation, false
		case appointment.StatusMissed:
			return schematype.MessageKindMissed, false
		}
	}
	if start, ok := m.StartsAt(); ok {
		if old, err := m.OldStartsAt(ctx); err == nil && !old.Equal(start) {
			return schematype.MessageKindReschedule, true
		}
	}
	return "", false
}

// queueScheduledMessage queues a scheduled message's job when the message
// is created or its time changes (notifier.Queue.ScheduledMessageTimed).
// Its older job, if any, then finds a time that no longer matches and
// sends nothing.
func queueScheduledMessage() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return hook.ScheduledMessageFunc(func(ctx context.Context, m *gen.ScheduledMessageMutation) (ent.Value, error) {
			if !retimed(m) {
				return next.Mutate(ctx, m)
			}
			return notifyAfter(ctx, m, m.Effects, next, func(n effect.Notifier, v ent.Value) error {
				if sm, ok := v.(*gen.ScheduledMessage); !ok || sm.Status != scheduledmessage.StatusPending {
					return nil
				}
				if err := n.ScheduledMessageTimed(ctx, m, v); err != nil {
					return fmt.Errorf("scheduling the message: %w", err)
				}
				return nil
			})
		})
	}
}

// retimed reports whether m creates a message or changes when it goes.
func retimed(m *gen.ScheduledMessageMutation) bool {
	if m.Op().Is(ent.OpCreate) {
		return true
	}
	_, sendAt := m.SendAt()
	_, minutes := m.MinutesBeforeStart()
	return m.Op().Is(ent.OpUpdateOne) && (sendAt || minutes || m.SendAtCleared() || m.MinutesBeforeStartCleared())
}

// notifyOfPortalMessage tells the person of a thread by email that the
// practice wrote there (notifier.Queue.PracticeWrote): "You have a new
// message from [PracticeName]" with a link to the portal, never the
// message itself (it is health information). Messages from the portal
// email nobody: staff see them as unread in the client's threads.
func notifyOfPortalMessage() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.PortalMessageFunc(func(ctx context.Context, m *gen.PortalMessageMutation) (ent.Value, error) {
			if d, _ := m.Direction(); d != portalmessage.DirectionFromPractice {
				return next.Mutate(ctx, m)
			}
			return notifyAfter(ctx, m, m.Effects, next, func(n effect.Notifier, v ent.Value) error {
				if err := n.PracticeWrote(ctx, m, v); err != nil {
					return fmt.Errorf("telling of the new message: %w", err)
				}
				return nil
			})
		})
	}, ent.OpCreate)
}

// notifyOfForm emails a form's addressee, the client or the contact it is
// addressed to, the FORM_REQUEST message with a link to the form in the
// portal, and schedules its one reminder after the organisation's
// formReminderDelayHours (notifier.Queue.FormSent). The reminder goes only
// if the form is still unsubmitted then.
func notifyOfForm() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.FormFunc(func(ctx context.Context, m *gen.FormMutation) (ent.Value, error) {
			return notifyAfter(ctx, m, m.Effects, next, func(n effect.Notifier, v ent.Value) error {
				if err := n.FormSent(ctx, m, v); err != nil {
					return fmt.Errorf("telling of the form: %w", err)
				}
				return nil
			})
		})
	}, ent.OpCreate)
}
