package schema

import (
	"context"
	"fmt"
	"strings"
	"time"

	"entgo.io/ent"

	"github.com/kith-health/kith"
	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/viewer"
)

// prepareAppointment keeps times in UTC with the end after the start, gives a
// new appointment the client's time zone and its author, and allows status
// changes only from booked or confirmed.
func prepareAppointment() ent.Hook {
	return hookOn(func(ctx context.Context, m *gen.AppointmentMutation) error {
		create := m.Op().Is(ent.OpCreate)
		if create {
			if err := startAppointment(ctx, m); err != nil {
				return err
			}
		}
		if err := checkTimes(ctx, m); err != nil {
			return err
		}
		if create {
			return nil
		}
		return checkTransition(ctx, m)
	}, writeOps)
}

func startAppointment(ctx context.Context, m *gen.AppointmentMutation) error {
	if s, ok := viewer.StaffFromContext(ctx); ok {
		m.SetCreatedByID(s.StaffID)
	}
	clientID, _ := m.ClientID()
	c, err := m.Client().ClientProfile.Get(ctx, clientID)
	if err != nil {
		return &kith.NotFoundError{Field: "clientID", ID: clientID}
	}
	m.SetTimeZone(c.TimeZone)
	return nil
}

func checkTimes(ctx context.Context, m *gen.AppointmentMutation) error {
	start, startSet := m.StartsAt()
	end, endSet := m.EndsAt()
	if !startSet && !endSet {
		return nil
	}
	if !startSet {
		start, _ = oldOr(m.OldStartsAt(ctx))
	}
	if !endSet {
		end, _ = oldOr(m.OldEndsAt(ctx))
	}
	if !end.After(start) {
		return kith.Invalid("endsAt", "the appointment must end after it starts")
	}
	if end.Sub(start) > 24*time.Hour {
		return kith.Invalid("endsAt", "an appointment cannot last more than 24 hours")
	}
	// UTC, to the microsecond: the finest both databases keep, so a time
	// reads back exactly as it was written.
	m.SetStartsAt(start.UTC().Truncate(time.Microsecond))
	m.SetEndsAt(end.UTC().Truncate(time.Microsecond))
	if m.Op().Is(ent.OpUpdateOne) {
		if old, err := m.OldStatus(ctx); err == nil && !open(old) {
			return kith.Invalid("id", "a %s appointment cannot be rescheduled", old)
		}
	}
	return nil
}

// open reports whether an appointment in status s may still change.
func open(s appointment.Status) bool {
	return s == appointment.StatusBooked || s == appointment.StatusConfirmed
}

func checkTransition(ctx context.Context, m *gen.AppointmentMutation) error {
	to, ok := m.Status()
	if !ok {
		return nil
	}
	from, err := m.OldStatus(ctx)
	if err != nil {
		return fmt.Errorf("reading the appointment's status: %w", err)
	}
	switch {
	case !open(from):
		return kith.Invalid("id", "the appointment is already %s", from)
	case to == appointment.StatusConfirmed && from != appointment.StatusBooked:
		return kith.Invalid("id", "the appointment is already confirmed")
	case to == appointment.StatusCancelled:
		reason, _ := m.CancellationReason()
		if strings.TrimSpace(reason) == "" {
			return kith.Invalid("reason", "say why the appointment is cancelled")
		}
		m.SetCancellationReason(strings.TrimSpace(reason))
		m.SetCancelledAt(time.Now().UTC())
	}
	return nil
}
