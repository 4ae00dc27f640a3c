package schema

import (
	"context"
	"strings"

	"entgo.io/ent"

	"github.com/kith-health/kith"
	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/scheduledmessage"
)

// validateScheduledMessage requires a body with known placeholders and one
// time: sendAt, or minutesBeforeStart for an appointment of the client. A
// message that has gone or was cancelled no longer changes, not even to be
// cancelled again.
func validateScheduledMessage() ent.Hook {
	return hookOn(func(ctx context.Context, m *gen.ScheduledMessageMutation) error {
		var old *gen.ScheduledMessage
		if m.Op().Is(ent.OpUpdateOne) {
			id, _ := m.ID()
			var err error
			if old, err = m.Client().ScheduledMessage.Get(ctx, id); err != nil {
				return err
			}
			if old.Status != scheduledmessage.StatusPending {
				return kith.Invalid("id", "the message was already %s and can no longer change", strings.ToLower(string(old.Status)))
			}
		}
		if err := checkMessageAppointment(ctx, m); err != nil {
			return err
		}
		body, set := m.Body()
		if !set && old != nil {
			body = old.Body
		}
		if strings.TrimSpace(body) == "" {
			return kith.Invalid("body", "the message is empty")
		}
		n, err := m.Effects.Notifier() // the placeholder rules are the renderer's
		if err != nil {
			return err
		}
		for field, text := range map[string]string{"body": body, "subject": valueOr(m.Subject, old, func(o *gen.ScheduledMessage) string { return o.Subject })} {
			if err := n.CheckText(text); err != nil {
				return kith.Invalid(field, "%v", err)
			}
		}
		sendAt, hasSendAt := m.SendAt()
		if hasSendAt {
			if err := checkInstant("sendAt", sendAt); err != nil {
				return err
			}
		}
		minutes, hasMinutes := m.MinutesBeforeStart()
		if old != nil {
			hasSendAt = hasSendAt || (old.SendAt != nil && !m.SendAtCleared())
			hasMinutes = hasMinutes || (old.MinutesBeforeStart != nil && !m.MinutesBeforeStartCleared())
		}
		_, hasAppointment := m.AppointmentID()
		hasAppointment = hasAppointment || (old != nil && old.AppointmentID != "")
		switch {
		case hasSendAt == hasMinutes:
			return kith.Invalid("sendAt", "give either sendAt or minutesBeforeStart")
		case hasMinutes && !hasAppointment:
			return kith.Invalid("minutesBeforeStart", "minutesBeforeStart needs an appointment")
		case hasMinutes && minutes < 0:
			return kith.Invalid("minutesBeforeStart", "%d is negative; give minutes before the start", minutes)
		}
		return nil
	}, writeOps)
}

// valueOr is the mutation's new value of a field, else the old row's.
func valueOr(get func() (string, bool), old *gen.ScheduledMessage, oldValue func(*gen.ScheduledMessage) string) string {
	if v, ok := get(); ok {
		return v
	}
	if old != nil {
		return oldValue(old)
	}
	return ""
}

// checkMessageAppointment refuses a new message for an appointment of
// another client.
func checkMessageAppointment(ctx context.Context, m *gen.ScheduledMessageMutation) error {
	appointmentID, ok := m.AppointmentID()
	if !ok {
		return nil
	}
	clientID, _ := m.ClientID()
	a, err := m.Client().Appointment.Get(ctx, appointmentID)
	if err != nil {
		return &kith.NotFoundError{Field: "appointmentID", ID: appointmentID}
	}
	if a.ClientID != clientID {
		return kith.Invalid("appointmentID", "the appointment is not one of the client's")
	}
	return nil
}
