package schema

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent"

	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/ent/appointmentchange"
	"github.com/kith-health/kith/ent/rule"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// recordAppointmentChange writes an appointment's history: after a new
// appointment is written, a BOOKED change; after an appointment is moved, a
// RESCHEDULED one with its previous start; after its status changes, one
// named by the new status. Each says who did it, from the viewer: a staff
// member, the client or a contact in the portal, or kith (jobs, the CLI, a
// visitor of the booking widget is the client). It is written through the
// mutation's client, so in its transaction: a change that fails leaves no
// history. Bulk updates of appointments (kith makes none) are not recorded.
func recordAppointmentChange() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			am, ok := m.(*gen.AppointmentMutation)
			if !ok || !m.Op().Is(ent.OpCreate|ent.OpUpdateOne) {
				return next.Mutate(ctx, m)
			}
			var previous *time.Time
			if _, moved := am.StartsAt(); moved && am.Op().Is(ent.OpUpdateOne) {
				old, err := am.OldStartsAt(ctx)
				if err != nil {
					return nil, fmt.Errorf("reading the appointment's start: %w", err)
				}
				previous = &old
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			a, ok := v.(*gen.Appointment)
			if !ok {
				return v, nil
			}
			var actions []appointmentchange.Action
			switch {
			case am.Op().Is(ent.OpCreate):
				actions = append(actions, appointmentchange.ActionBooked)
			default:
				if previous != nil && !previous.Equal(a.StartsAt) {
					actions = append(actions, appointmentchange.ActionRescheduled)
				}
				if s, set := am.Status(); set {
					if action, ok := statusAction(s); ok {
						actions = append(actions, action)
					}
				}
			}
			for _, action := range actions {
				if err := writeAppointmentChange(ctx, am.Client(), a, action, previous); err != nil {
					return nil, err
				}
			}
			return v, nil
		})
	}
}

// statusAction is the change that moving an appointment to status s is.
func statusAction(s appointment.Status) (appointmentchange.Action, bool) {
	switch s {
	case appointment.StatusConfirmed:
		return appointmentchange.ActionConfirmed, true
	case appointment.StatusCancelled:
		return appointmentchange.ActionCancelled, true
	case appointment.StatusCompleted:
		return appointmentchange.ActionCompleted, true
	case appointment.StatusMissed:
		return appointmentchange.ActionMissed, true
	}
	return "", false
}

// writeAppointmentChange records action on a as kith in a's organisation,
// through db, with the actor read from the viewer in ctx.
func writeAppointmentChange(ctx context.Context, db *gen.Client, a *gen.Appointment, action appointmentchange.Action, previous *time.Time) error {
	create := db.AppointmentChange.Create().
		SetOrganizationID(a.OrganizationID).SetAppointmentID(a.ID).SetClientID(a.ClientID).
		SetAction(action).SetStartsAt(a.StartsAt).SetNillablePreviousStartsAt(previous).
		SetActor(appointmentchange.ActorKith)
	if action == appointmentchange.ActionCancelled {
		create.SetReason(a.CancellationReason)
	}
	known := []pulid.ID{a.ID, a.ClientID}
	switch v := viewer.FromContext(ctx).(type) {
	case viewer.Staff:
		create.SetActor(appointmentchange.ActorStaff).SetStaffID(v.StaffID)
		known = append(known, v.StaffID)
	case viewer.Portal:
		if v.ContactID != "" {
			create.SetActor(appointmentchange.ActorContact).SetContactID(v.ContactID)
			known = append(known, v.ContactID)
		} else {
			create.SetActor(appointmentchange.ActorClient)
		}
	default:
		if action == appointmentchange.ActionBooked && a.BookedVia == appointment.BookedViaWidget {
			create.SetActor(appointmentchange.ActorClient) // a new visitor of the widget
		}
	}
	// The appointment was just written, its client checked by its own
	// hooks, and the staff member or contact is the viewer: the edge checks
	// need not read them again (one insert, no reads).
	sys := rule.WithEdgeMemo(viewer.NewContext(ctx, viewer.System{OrgID: a.OrganizationID}), known...)
	if err := create.Exec(sys); err != nil {
		return fmt.Errorf("recording the appointment's history: %w", err)
	}
	return nil
}
