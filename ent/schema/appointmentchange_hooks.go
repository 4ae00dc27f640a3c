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
			previous, err := previousStart(ctx, am)
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
			for _, action := range changeActions(am, a, previous) {
				if err := writeAppointmentChange(ctx, am.Client(), a, action, previous); err != nil {
					return nil, err
				}
			}
			return v, nil
		})
	}
}

// previousStart is the start of the appointment am moves, read before it
// is written; nil unless am moves one.
func previousStart(ctx context.Context, am *gen.AppointmentMutation) (*time.Time, error) {
	if _, moved := am.StartsAt(); !moved || !am.Op().Is(ent.OpUpdateOne) {
		return nil, nil
	}
	old, err := am.OldStartsAt(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the appointment's start: %w", err)
	}
	return &old, nil
}

// changeActions are the changes to its history that am, which wrote a, is:
// BOOKED for a new appointment, RESCHEDULED when it moved from previous,
// and the change its new status names.
func changeActions(am *gen.AppointmentMutation, a *gen.Appointment, previous *time.Time) []appointmentchange.Action {
	if am.Op().Is(ent.OpCreate) {
		return []appointmentchange.Action{appointmentchange.ActionBooked}
	}
	var actions []appointmentchange.Action
	if previous != nil && !previous.Equal(a.StartsAt) {
		actions = append(actions, appointmentchange.ActionRescheduled)
	}
	if s, set := am.Status(); set {
		if action, ok := statusAction(s); ok {
			actions = append(actions, action)
		}
	}
	return actions
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
	create.SetActor(actorOf(ctx, a, action))
	switch v := viewer.FromContext(ctx).(type) {
	case viewer.Staff:
		if id, ok := v.Person(); ok { // an API key is staff of nobody
			create.SetStaffID(id)
			known = append(known, id)
		}
	case viewer.Portal:
		if v.ContactID != "" {
			create.SetContactID(v.ContactID)
			known = append(known, v.ContactID)
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

// actorOf is who made the change action to a, from the viewer in ctx: a
// staff member, the client or a contact in the portal, or kith (jobs, the
// CLI); a visitor of the booking widget who books is the client.
func actorOf(ctx context.Context, a *gen.Appointment, action appointmentchange.Action) appointmentchange.Actor {
	switch v := viewer.FromContext(ctx).(type) {
	case viewer.Staff:
		return appointmentchange.ActorStaff
	case viewer.Portal:
		if v.ContactID != "" {
			return appointmentchange.ActorContact
		}
		return appointmentchange.ActorClient
	}
	if action == appointmentchange.ActionBooked && a.BookedVia == appointment.BookedViaWidget {
		return appointmentchange.ActorClient // a new visitor of the widget
	}
	return appointmentchange.ActorKith
}
