package booking

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/pulid"
)

// DefaultCancellationReason is recorded when a client cancels online without
// giving a reason and the rules do not ask for one.
const DefaultCancellationReason = "Cancelled online"

// Change moves or cancels an appointment.
type Change struct {
	// ID is the appointment.
	ID pulid.ID
	// StartsAt is the new start, for Reschedule.
	StartsAt time.Time
	// PractitionerID is the new practitioner, for Reschedule; empty keeps it.
	PractitionerID pulid.ID
	// Reason is why, for Cancel.
	Reason string
	// AsStaff: staff are not bound by the notice rules.
	AsStaff bool
	// Now is the current time; zero is time.Now().
	Now time.Time
}

// Reschedule moves an appointment booked for a service to c.StartsAt (and
// c.PractitionerID if set), keeping the service's duration, as the viewer
// in ctx, in one transaction (the one in ctx, or its own). The appointment
// is found through the viewer's privacy rules, so one it may not see is
// NOT_FOUND. Unless c.AsStaff, the rescheduling notice applies, then the
// new time must be bookable (CheckBookable, not counting the appointment
// itself). The notifier sends the reschedule notice and moves reminders.
func Reschedule(ctx context.Context, db *ent.Client, c Change) (*ent.Appointment, error) {
	return transaction.Run(ctx, db, func(ctx context.Context, db *ent.Client) (*ent.Appointment, error) {
		a, org, svc, err := loadAppointment(ctx, db, c.ID)
		if err != nil {
			return nil, err
		}
		now := nowOr(c.Now)
		if svc == nil || (!c.AsStaff && !svc.BookableOnline) {
			return nil, kith.Invalid("id", "this appointment is not for a service that can be booked online; call the practice to move it")
		}
		if err := Effective(org, svc).CheckReschedule(a.StartsAt, now, c.AsStaff); err != nil {
			return nil, err
		}
		sys := publicContext(ctx, org.ID)
		pid := a.PractitionerID
		if c.PractitionerID != "" {
			pid = c.PractitionerID
		}
		practitioner, err := db.Staff.Get(sys, pid)
		if ent.IsNotFound(err) {
			return nil, &kith.NotFoundError{Field: "practitionerId", ID: pid}
		}
		if err != nil {
			return nil, fmt.Errorf("reading practitioner %s: %w", pid, err)
		}
		if err := transaction.LockPractitioner(ctx, db, practitioner.ID); err != nil { // as Book does
			return nil, err
		}
		if err := CheckBookable(sys, db, org, svc, practitioner, c.StartsAt, now, c.AsStaff, a.ID); err != nil {
			return nil, slotTaken(err)
		}
		u := db.Appointment.UpdateOneID(a.ID).
			SetStartsAt(c.StartsAt).SetEndsAt(c.StartsAt.Add(minutes(svc.DurationMinutes)))
		if pid != a.PractitionerID {
			u.SetPractitionerID(pid)
		}
		out, err := u.Save(ctx)
		if err != nil {
			return nil, hideDenied(err, "id", c.ID)
		}
		out.Edges.Practitioner = practitioner
		return out, nil
	})
}

// Cancel cancels an appointment as the viewer in ctx, in one transaction
// (the one in ctx, or its own). The appointment is found through the
// viewer's privacy rules, so one it may not see is NOT_FOUND. Unless
// c.AsStaff, the cancellation notice applies and, when the rules say so, a
// reason is required; without one DefaultCancellationReason is recorded.
// The notifier sends the cancellation notice and cancels reminders.
func Cancel(ctx context.Context, db *ent.Client, c Change) (*ent.Appointment, error) {
	return transaction.Run(ctx, db, func(ctx context.Context, db *ent.Client) (*ent.Appointment, error) {
		a, org, svc, err := loadAppointment(ctx, db, c.ID)
		if err != nil {
			return nil, err
		}
		if a.Status != appointment.StatusBooked && a.Status != appointment.StatusConfirmed {
			return nil, kith.Invalid("id", "the appointment is already %s", a.Status)
		}
		if err := Effective(org, svc).CheckCancel(a.StartsAt, nowOr(c.Now), c.Reason, c.AsStaff); err != nil {
			return nil, err
		}
		reason := strings.TrimSpace(c.Reason)
		if reason == "" && !c.AsStaff {
			reason = DefaultCancellationReason
		}
		out, err := db.Appointment.UpdateOneID(a.ID).
			SetStatus(appointment.StatusCancelled).SetCancellationReason(reason).
			Save(ctx)
		if err != nil {
			return nil, hideDenied(err, "id", c.ID)
		}
		return out, nil
	})
}

// loadAppointment reads appointment id as the viewer in ctx may see it, with
// its organisation and service (nil when it has none).
func loadAppointment(ctx context.Context, db *ent.Client, id pulid.ID) (*ent.Appointment, *ent.Organization, *ent.Service, error) {
	a, err := db.Appointment.Get(ctx, id)
	if ent.IsNotFound(err) || ent.IsNotSingular(err) {
		return nil, nil, nil, &kith.NotFoundError{Field: "id", ID: id}
	}
	if err != nil {
		return nil, nil, nil, hideDenied(fmt.Errorf("reading appointment %s: %w", id, err), "id", id)
	}
	sys := publicContext(ctx, a.OrganizationID)
	org, err := db.Organization.Get(sys, a.OrganizationID)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("reading the organisation: %w", err)
	}
	if a.ServiceID == "" {
		return a, org, nil, nil
	}
	svc, err := db.Service.Get(sys, a.ServiceID)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("reading the appointment's service: %w", err)
	}
	return a, org, svc, nil
}

// nowOr is now, or the current time when it is zero.
func nowOr(now time.Time) time.Time {
	if now.IsZero() {
		return time.Now()
	}
	return now
}

// Portal activity of booking (package portal's Record), in its UPPER_CASE style.
const (
	ActionBooked      = "APPOINTMENT_BOOKED"
	ActionRescheduled = "APPOINTMENT_RESCHEDULED"
	ActionCancelled   = "APPOINTMENT_CANCELLED"
)

// Describe is a short line about appointment a for activity records, such
// as "Mon 4 May 2026 09:00 EDT", in its time zone.
func Describe(a *ent.Appointment) string {
	loc, err := Location(a.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	return a.StartsAt.In(loc).Format("Mon 2 Jan 2006 15:04 MST")
}
