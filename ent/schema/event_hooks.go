package schema

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent"

	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointmentchange"
	"github.com/kith-health/kith/ent/effect"
	"github.com/kith-health/kith/ent/hook"
	"github.com/kith-health/kith/schematype"
)

// emit tells the client's Events (package event) of e in the change's
// transaction, so that it is written with the change and delivered to the
// organisation's webhook endpoints once it commits. Without Events attached
// (a tool without a server) nothing is told.
func emit(ctx context.Context, s *effect.Slot, e effect.Event) error {
	events := s.Events()
	if events == nil {
		return nil
	}
	if err := events.Emit(ctx, e); err != nil {
		return fmt.Errorf("writing the %s event: %w", e.Type, err)
	}
	return nil
}

// appointmentEvents are the event types of an appointment's history.
var appointmentEvents = map[appointmentchange.Action]schematype.EventType{
	appointmentchange.ActionBooked:      schematype.EventAppointmentBooked,
	appointmentchange.ActionRescheduled: schematype.EventAppointmentRescheduled,
	appointmentchange.ActionCancelled:   schematype.EventAppointmentCancelled,
	appointmentchange.ActionConfirmed:   schematype.EventAppointmentConfirmed,
	appointmentchange.ActionMissed:      schematype.EventAppointmentMissed,
	appointmentchange.ActionCompleted:   schematype.EventAppointmentCompleted,
}

// emitAppointmentEvents tells, after an appointment is written, of the
// appointment.* event of each change to its history (changeActions, as
// recordAppointmentChange records them): appointment.booked for a new one,
// .rescheduled when it moved, and .confirmed, .cancelled, .completed or
// .missed as its status changes.
func emitAppointmentEvents() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.AppointmentFunc(func(ctx context.Context, m *gen.AppointmentMutation) (ent.Value, error) {
			previous, err := previousStart(ctx, m)
			if err != nil {
				return nil, err
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			a, ok := v.(*gen.Appointment)
			if !ok {
				return v, nil
			}
			for _, action := range changeActions(m, a, previous) {
				if err := emitAppointmentEvent(ctx, m, a, action, previous); err != nil {
					return nil, err
				}
			}
			return v, nil
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}

// emitAppointmentEvent tells of the event of one change to a's history:
// its times, status, people and how it was booked, never its notes or
// address.
func emitAppointmentEvent(ctx context.Context, m *gen.AppointmentMutation, a *gen.Appointment, action appointmentchange.Action, previous *time.Time) error {
	t, ok := appointmentEvents[action]
	if !ok {
		return nil
	}
	actor := actorOf(ctx, a, action)
	data := map[string]any{
		"clientId":       a.ClientID,
		"practitionerId": a.PractitionerID,
		"startsAt":       a.StartsAt.UTC(),
		"endsAt":         a.EndsAt.UTC(),
		"timeZone":       a.TimeZone,
		"status":         a.Status,
		"bookedVia":      a.BookedVia,
		"actor":          actor,
	}
	if a.ServiceID != "" {
		data["serviceId"] = a.ServiceID
	}
	if a.PracticeLocationID != "" {
		data["practiceLocationId"] = a.PracticeLocationID
	}
	if previous != nil && action == appointmentchange.ActionRescheduled {
		data["previousStartsAt"] = previous.UTC()
	}
	return emit(ctx, m.Effects, effect.Event{Type: t, OrganizationID: a.OrganizationID, ObjectID: a.ID, Data: data})
}
