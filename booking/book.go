package booking

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/ent/service"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// MaxKeyLength is the longest idempotency key a booking may carry, in characters.
const MaxKeyLength = schematype.MaxKeyLength

// CheckKey refuses an idempotency key that is not 1 to MaxKeyLength
// printable characters once trimmed, as a ValidationError on idempotencyKey.
// The portal and the widget, whose keys are required, check theirs with it.
func CheckKey(key string) error {
	if err := schematype.CheckKey(strings.TrimSpace(key)); err != nil {
		return &kith.ValidationError{Field: "idempotencyKey", Message: "idempotencyKey " + err.Error()}
	}
	return nil
}

// Request is a booking of a service with a practitioner for a client.
type Request struct {
	// ServiceID is the service booked; its duration gives the end, its
	// location the place.
	ServiceID pulid.ID
	// PractitionerID gives the session; they must offer the service.
	PractitionerID pulid.ID
	// StartsAt is the start.
	StartsAt time.Time
	// IdempotencyKey, when set, makes the booking safe to repeat: the same
	// key with the same details returns the appointment booked the first
	// time; with other details it is a ConflictError. Unique per organisation.
	IdempotencyKey string
	// ClientID is the client the appointment is for.
	ClientID pulid.ID
	// Via says who books: staff, a portal user, or a widget visitor.
	Via appointment.BookedVia
	// AsStaff: staff are not bound by the notice rules, the offered start
	// times, or the service being bookable online.
	AsStaff bool
	// Now is the current time, for the notice rules; zero is time.Now().
	Now time.Time
}

// Book books req as the viewer in ctx (which decides, through the
// appointment's privacy policy, whether it may book for req's client), in
// one transaction: the one in ctx (GraphQL mutations run in one) or its own.
//
// An appointment with req's idempotency key comes first: with the same
// client, practitioner, service and start it is returned as it is (no
// second appointment, no second notice); otherwise the key is a CONFLICT.
// Then CheckBookable, then the appointment is created, ending after the
// service's duration, at the service's location, with booked_via req.Via;
// the notifier's hook sends the confirmation and schedules reminders.
//
// Bookings of one practitioner run one at a time from the calendar check
// to the commit (transaction.LockPractitioner), so buffers hold under concurrency:
// of two bookings within each other's buffers (or overlapping) the second
// gets kith.ErrSlotTaken (SLOT_TAKEN); of two bookings with one key the
// second answers the first's appointment (or CONFLICT if its details
// differ). The database's own overlap rule stands behind it. The insert runs under a savepoint, so the loser's
// transaction stays usable for that answer.
func Book(ctx context.Context, db *ent.Client, req Request) (*ent.Appointment, error) {
	b, err := BookOnce(ctx, db, req)
	return b.Appointment, err
}

// Booked is what BookOnce did.
type Booked struct {
	// Appointment is the appointment booked, or booked before with the key.
	Appointment *ent.Appointment
	// New is false when the key returned an earlier booking.
	New bool
}

// BookOnce is Book, telling a new booking from one the idempotency key
// returned (for callers that record what happened only once).
func BookOnce(ctx context.Context, db *ent.Client, req Request) (Booked, error) {
	var created bool
	a, err := transaction.Run(ctx, db, func(ctx context.Context, tx *ent.Client) (*ent.Appointment, error) {
		a, isNew, err := book(ctx, tx, req)
		created = isNew
		if err == nil {
			err = withPractitioner(ctx, tx, a)
		}
		return a, err
	})
	return Booked{Appointment: a, New: created && err == nil}, err
}

// withPractitioner loads a's practitioner as the system in a's
// organisation: whoever booked may read the practitioner's name on the
// answer, a visitor with no viewer included.
func withPractitioner(ctx context.Context, db *ent.Client, a *ent.Appointment) error {
	if a.Edges.Practitioner != nil {
		return nil
	}
	p, err := db.Staff.Get(publicContext(ctx, a.OrganizationID), a.PractitionerID)
	if err != nil {
		return fmt.Errorf("reading the appointment's practitioner: %w", err)
	}
	a.Edges.Practitioner = p
	return nil
}

func book(ctx context.Context, db *ent.Client, req Request) (*ent.Appointment, bool, error) {
	org, err := orgOf(ctx)
	if err != nil {
		return nil, false, err
	}
	sys := publicContext(ctx, org)
	req.IdempotencyKey = strings.TrimSpace(req.IdempotencyKey)
	if req.IdempotencyKey != "" {
		if err := CheckKey(req.IdempotencyKey); err != nil {
			return nil, false, err
		}
	}
	if req.Now.IsZero() {
		req.Now = time.Now()
	}
	if a, err := byKey(sys, db, req); a != nil || err != nil {
		return a, false, err
	}
	q := db.Service.Query().Where(service.ID(req.ServiceID), service.ArchivedAtIsNil()).WithOrganization()
	if !req.AsStaff {
		q.Where(service.BookableOnline(true))
	}
	svc, err := onlyService(sys, q, req.ServiceID)
	if err != nil {
		return nil, false, err
	}
	practitioner, err := db.Staff.Get(sys, req.PractitionerID)
	if ent.IsNotFound(err) {
		return nil, false, &kith.NotFoundError{Field: "practitionerId", ID: req.PractitionerID}
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading practitioner %s: %w", req.PractitionerID, err)
	}
	// One booking of this practitioner at a time, from here to the commit:
	// the buffers checked below cannot be taken meanwhile.
	if err := transaction.LockPractitioner(ctx, db, practitioner.ID); err != nil {
		return nil, false, err
	}
	if err := CheckBookable(sys, db, svc.Edges.Organization, svc, practitioner, req.StartsAt, req.Now, req.AsStaff); err != nil {
		if errors.Is(err, ErrSlotTaken) {
			// Perhaps a booking with the same key committed since the first look.
			if won, kerr := byKey(sys, db, req); won != nil || kerr != nil {
				return won, false, kerr
			}
		}
		return nil, false, slotTaken(err)
	}
	create := db.Appointment.Create().
		SetClientID(req.ClientID).SetPractitionerID(practitioner.ID).SetServiceID(svc.ID).
		SetStartsAt(req.StartsAt).SetEndsAt(req.StartsAt.Add(minutes(svc.DurationMinutes))).
		SetBookedVia(req.Via)
	if svc.Mode == service.ModeInPerson && svc.Location != "" {
		create.SetLocation(svc.Location)
	}
	if req.IdempotencyKey == "" {
		a, err := create.Save(ctx)
		if err != nil {
			return nil, false, hideDenied(err, "clientId", req.ClientID)
		}
		a.Edges.Practitioner = practitioner // read above: BookOnce need not read it again
		return a, true, nil
	}
	create.SetIdempotencyKey(req.IdempotencyKey)
	var a *ent.Appointment
	err = savepoint(ctx, db, func() error {
		a, err = create.Save(ctx)
		return err
	})
	if err != nil && (errors.Is(err, kith.ErrSlotTaken) || ent.IsConstraintError(err)) {
		// Perhaps a concurrent booking with the same key won: answer it.
		if won, kerr := byKey(sys, db, req); won != nil || kerr != nil {
			return won, false, kerr
		}
	}
	if err != nil {
		return nil, false, hideDenied(err, "clientId", req.ClientID)
	}
	a.Edges.Practitioner = practitioner
	return a, true, nil
}

// byKey returns the appointment already booked with req's idempotency key
// when its details match req, a ConflictError when they differ, and
// nothing when there is none.
func byKey(sys context.Context, db *ent.Client, req Request) (*ent.Appointment, error) {
	if req.IdempotencyKey == "" {
		return nil, nil
	}
	a, err := db.Appointment.Query().Where(appointment.IdempotencyKey(req.IdempotencyKey)).Only(sys)
	switch {
	case ent.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("reading the booking with this key: %w", err)
	case a.ClientID != req.ClientID || a.PractitionerID != req.PractitionerID || a.ServiceID != req.ServiceID ||
		!a.StartsAt.Equal(req.StartsAt.UTC().Truncate(time.Microsecond)):
		return nil, &kith.ConflictError{Field: "idempotencyKey",
			Message: "this idempotency key was already used for another booking; use a new key for a new booking"}
	}
	return a, nil
}

// orgOf is the organisation of the viewer in ctx.
func orgOf(ctx context.Context) (pulid.ID, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return "", kith.ErrUnauthenticated
	}
	org, ok := v.Organization()
	if !ok || org == "" {
		return "", kith.ErrForbidden
	}
	return org, nil
}

// savepoint runs f under a savepoint of db's transaction and rolls back to
// it when f fails, so the transaction stays usable (PostgreSQL refuses every
// statement of a transaction after an error otherwise).
func savepoint(ctx context.Context, db *ent.Client, f func() error) error {
	if _, err := db.ExecContext(ctx, "SAVEPOINT kith_book"); err != nil {
		return fmt.Errorf("booking: %w", err)
	}
	if err := f(); err != nil {
		if _, rerr := db.ExecContext(ctx, "ROLLBACK TO SAVEPOINT kith_book"); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	if _, err := db.ExecContext(ctx, "RELEASE SAVEPOINT kith_book"); err != nil {
		return fmt.Errorf("booking: %w", err)
	}
	return nil
}

// hideDenied makes a client the viewer may not book for read as missing.
func hideDenied(err error, field string, id pulid.ID) error {
	if err != nil && errors.Is(err, kith.ErrNotFound) {
		return &kith.NotFoundError{Field: field, ID: id}
	}
	return err
}

// slotTaken reads a CheckBookable refusal for a taken time as
// kith.ErrSlotTaken, as the database's own refusal reads: SLOT_TAKEN
// whether the booking lost a race or came second.
func slotTaken(err error) error {
	if errors.Is(err, ErrSlotTaken) {
		return kith.ErrSlotTaken
	}
	return err
}
