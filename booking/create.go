package booking

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/pulid"
)

// Create is staff's createAppointment: it creates the appointment in as
// the viewer in ctx, in the transaction of db (not bound by hours, rules or
// buffers; the schema's hooks still keep a practitioner from being booked
// twice at once).
//
// With an idempotency key it answers like Book: a key already used in the
// organisation for the same client, practitioner, service, start, end,
// place (location, address source and held-at link, text location), video
// link and notes returns that appointment as it is (no
// second appointment, no second notice); used for anything else it is a
// ConflictError on idempotencyKey. Of two creations racing with one key the
// loser answers the winner's appointment the same way.
//
// heldAtContactLinkID, when set, holds the appointment at the address of
// that link's contact (an additional address of the client; the schema's
// hooks check it).
func Create(ctx context.Context, db *ent.Client, in ent.CreateAppointmentInput, heldAtContactLinkID *pulid.ID) (*ent.Appointment, error) {
	create := func() *ent.AppointmentCreate {
		return db.Appointment.Create().SetInput(in).SetNillableHeldAtContactLinkID(heldAtContactLinkID)
	}
	if in.IdempotencyKey == nil {
		return create().Save(ctx)
	}
	key := strings.TrimSpace(*in.IdempotencyKey)
	if err := CheckKey(key); err != nil {
		return nil, err
	}
	in.IdempotencyKey = &key
	org, err := orgOf(ctx)
	if err != nil {
		return nil, err
	}
	sys := publicContext(ctx, org)
	if a, err := sameInput(sys, db, in, heldAtContactLinkID); a != nil || err != nil {
		return a, err
	}
	var a *ent.Appointment
	err = savepoint(ctx, db, func() error {
		a, err = create().Save(ctx)
		return err
	})
	if err != nil && (errors.Is(err, kith.ErrSlotTaken) || ent.IsConstraintError(err)) {
		// Perhaps a concurrent creation with the same key won: answer it.
		if won, kerr := sameInput(sys, db, in, heldAtContactLinkID); won != nil || kerr != nil {
			return won, kerr
		}
	}
	return a, err
}

// sameInput returns the appointment already made with in's idempotency key
// when it matches in, a ConflictError when it does not, and nothing when
// the key is new. A location the first appointment took by default (from
// its service or client) matches an input that names none.
func sameInput(sys context.Context, db *ent.Client, in ent.CreateAppointmentInput, heldAt *pulid.ID) (*ent.Appointment, error) {
	a, err := db.Appointment.Query().Where(appointment.IdempotencyKey(*in.IdempotencyKey)).Only(sys)
	switch {
	case ent.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("reading the booking with this key: %w", err)
	}
	instant := func(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
	text := func(s *string) string {
		if s == nil {
			return ""
		}
		return strings.TrimSpace(*s)
	}
	id := func(p *pulid.ID) pulid.ID {
		if p == nil {
			return ""
		}
		return *p
	}
	service := string(id(in.ServiceID))
	source := func(s *appointment.AddressSource) appointment.AddressSource {
		if s == nil {
			return ""
		}
		return *s
	}
	inSource := source(in.AddressSource)
	if inSource == "" && heldAt != nil {
		inSource = appointment.AddressSourceContact
	}
	samePlace := (in.PracticeLocationID == nil || *in.PracticeLocationID == a.PracticeLocationID) &&
		inSource == source(a.AddressSource) && id(heldAt) == a.HeldAtContactLinkID
	if a.ClientID != in.ClientID || a.PractitionerID != in.PractitionerID || string(a.ServiceID) != service ||
		!a.StartsAt.Equal(instant(in.StartsAt)) || !a.EndsAt.Equal(instant(in.EndsAt)) ||
		strings.TrimSpace(a.Location) != text(in.Location) || strings.TrimSpace(a.TelehealthURL) != text(in.TelehealthURL) ||
		strings.TrimSpace(a.Notes) != text(in.Notes) || !samePlace {
		return nil, &kith.ConflictError{Field: "idempotencyKey",
			Message: "this idempotency key was already used for another booking; use a new key for a new booking"}
	}
	return a, nil
}
