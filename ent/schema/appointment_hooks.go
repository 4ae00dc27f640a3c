package schema

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"entgo.io/ent"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/database/transaction"
	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/ent/hook"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// prepareAppointment keeps times in UTC with the end after the start, gives a
// new appointment the client's time zone, its author and, when it names no
// place, its default location (defaultLocation), and allows status changes
// only from booked or confirmed.
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
		if id, ok := s.Person(); ok { // an API key books for nobody
			m.SetCreatedByID(id)
		}
	}
	clientID, _ := m.ClientID()
	c, err := m.Client().ClientProfile.Get(ctx, clientID)
	if err != nil {
		return &kith.NotFoundError{Field: "clientID", ID: clientID}
	}
	m.SetTimeZone(c.TimeZone)
	return defaultLocation(ctx, m, c)
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
	if startSet {
		if err := checkInstant("startsAt", start); err != nil {
			return err
		}
	}
	if endSet {
		if err := checkInstant("endsAt", end); err != nil {
			return err
		}
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
	case to == appointment.StatusMissed || to == appointment.StatusCompleted:
		return checkStarted(ctx, m, to)
	case to == appointment.StatusCancelled:
		reason, _ := m.CancellationReason()
		if strings.TrimSpace(reason) == "" {
			return kith.Invalid("reason", "say why the appointment is cancelled")
		}
		if err := checkOne("reason", reason, maxShort); err != nil {
			return err
		}
		m.SetCancellationReason(strings.TrimSpace(reason))
		m.SetCancelledAt(time.Now().UTC())
	}
	return nil
}

// checkStarted refuses to mark an appointment missed or completed before it
// starts: only what has begun can have been missed or held.
func checkStarted(ctx context.Context, m *gen.AppointmentMutation, to appointment.Status) error {
	start, ok := m.StartsAt()
	if !ok {
		var err error
		if start, err = m.OldStartsAt(ctx); err != nil {
			return fmt.Errorf("reading the appointment's start: %w", err)
		}
	}
	if !start.After(time.Now()) {
		return nil
	}
	zone, _ := m.OldTimeZone(ctx)
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	verb := "marked missed"
	if to == appointment.StatusCompleted {
		verb = "completed"
	}
	return kith.Invalid("id", "the appointment starts %s: it can be %s only once it has started",
		start.In(loc).Format("Mon 2 Jan 2006 15:04 MST"), verb)
}

// noOverlap refuses to book a practitioner twice at once: an appointment
// that is booked or confirmed may not overlap another booked or confirmed
// one of the same practitioner (back-to-back is fine). The check here gives
// the early, friendly error; the database enforces the rule whatever the
// race (an exclusion constraint on PostgreSQL, triggers on SQLite, whose
// write transactions run one at a time), and its refusal reads the same:
// kith.ErrSlotTaken.
func noOverlap() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return hook.AppointmentFunc(func(ctx context.Context, m *gen.AppointmentMutation) (ent.Value, error) {
			if m.Op().Is(ent.OpCreate) || m.Op().Is(ent.OpUpdateOne) {
				if err := checkFree(ctx, m); err != nil {
					return nil, err
				}
			}
			v, err := next.Mutate(ctx, m)
			if isOverlapViolation(err) {
				return nil, kith.ErrSlotTaken
			}
			return v, err
		})
	}
}

// checkFree returns kith.ErrSlotTaken when the appointment m leaves behind
// would overlap another active one of its practitioner, having taken the
// practitioner's lock (transaction.LockPractitioner) for the rest of the
// transaction.
func checkFree(ctx context.Context, m *gen.AppointmentMutation) error {
	_, movesOrRevives := m.StartsAt()
	if _, ok := m.EndsAt(); ok {
		movesOrRevives = true
	}
	if _, ok := m.PractitionerID(); ok {
		movesOrRevives = true
	}
	if !m.Op().Is(ent.OpCreate) && !movesOrRevives {
		return nil // status changes away from booked never add an overlap
	}
	value := func(get func() (time.Time, bool), old func(context.Context) (time.Time, error)) time.Time {
		if v, ok := get(); ok {
			return v
		}
		v, _ := old(ctx)
		return v
	}
	start := value(m.StartsAt, m.OldStartsAt)
	end := value(m.EndsAt, m.OldEndsAt)
	practitioner, ok := m.PractitionerID()
	if !ok {
		practitioner, _ = m.OldPractitionerID(ctx)
	}
	status, ok := m.Status()
	if !ok && !m.Op().Is(ent.OpCreate) {
		status, _ = m.OldStatus(ctx)
	}
	if status != "" && status != appointment.StatusBooked && status != appointment.StatusConfirmed {
		return nil
	}
	// Whatever path writes it, one booking of a practitioner at a time.
	if err := transaction.LockPractitioner(ctx, m.Client(), practitioner); err != nil {
		return err
	}
	q := m.Client().Appointment.Query().Where(
		appointment.PractitionerID(practitioner),
		appointment.StatusIn(appointment.StatusBooked, appointment.StatusConfirmed),
		appointment.StartsAtLT(end.UTC()),
		appointment.EndsAtGT(start.UTC()),
	)
	if id, ok := m.ID(); ok {
		q.Where(appointment.IDNEQ(id))
	}
	taken, err := q.Exist(viewer.NewContext(ctx, viewer.System{OrgID: orgOf(ctx)}))
	if err != nil {
		return fmt.Errorf("checking the practitioner's calendar: %w", err)
	}
	if taken {
		return kith.ErrSlotTaken
	}
	return nil
}

// orgOf is the organisation of the viewer in ctx, if any.
func orgOf(ctx context.Context) pulid.ID {
	if v := viewer.FromContext(ctx); v != nil {
		org, _ := v.Organization()
		return org
	}
	return ""
}

// isOverlapViolation reports whether err is the database refusing an
// overlapping appointment: PostgreSQL's exclusion_violation (23P01) on
// appointments_no_overlap, or the SQLite trigger's message.
func isOverlapViolation(err error) bool {
	if err == nil {
		return false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23P01"
	}
	return strings.Contains(err.Error(), "kith: appointment overlaps")
}
