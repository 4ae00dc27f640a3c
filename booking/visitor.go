package booking

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/ent/clientprofile"
	"github.com/kith-health/kith/pulid"
)

// Visitor is a person booking in the widget without signing in, who
// confirmed their email with a code.
type Visitor struct {
	// OrgID is the practice.
	OrgID pulid.ID
	// Email identifies the visitor: the practice's client with this email
	// gets the booking, else a new lead client.
	Email string
	// FirstName, LastName and Phone (optional, a mobile number) describe a
	// new lead client; an existing client keeps its own.
	FirstName, LastName, Phone string
}

// BookAsVisitor books req for visitor v, as kith itself inside v's
// organisation, in one transaction (the one in ctx, or its own): for the
// organisation's client with v's email (the oldest, if several share it),
// or else for a new lead client (status LEAD, with v's name, email and
// mobile number, no SMS consent). The booking is made via the widget and
// bound by every client rule (Book with AsStaff false).
//
// verify checks the visitor's code; it runs after a repeat of a booking
// already made with req's idempotency key (same email, same details) is
// answered, so a retry needs no new code.
func BookAsVisitor(ctx context.Context, db *ent.Client, v Visitor, req Request, verify func(context.Context) error) (*ent.Appointment, error) {
	if err := CheckKey(req.IdempotencyKey); err != nil {
		return nil, err
	}
	ctx = publicContext(ctx, v.OrgID)
	v.Email = strings.ToLower(strings.TrimSpace(v.Email))
	v.FirstName, v.LastName, v.Phone = strings.TrimSpace(v.FirstName), strings.TrimSpace(v.LastName), strings.TrimSpace(v.Phone)
	return transaction.Run(ctx, db, func(ctx context.Context, db *ent.Client) (*ent.Appointment, error) {
		if a, err := repeated(ctx, db, v, req); a != nil || err != nil {
			if err == nil {
				err = withPractitioner(ctx, db, a)
			}
			return a, err
		}
		if err := verify(ctx); err != nil {
			return nil, err
		}
		switch {
		case v.FirstName == "":
			return nil, kith.Invalid("firstName", "give your first name")
		case v.LastName == "":
			return nil, kith.Invalid("lastName", "give your last name")
		}
		client, err := visitorClient(ctx, db, v)
		if err != nil {
			return nil, err
		}
		req.ClientID, req.Via, req.AsStaff = client, appointment.BookedViaWidget, false
		return Book(ctx, db, req)
	})
}

// repeated answers a visitor's booking already made with req's key: the
// appointment when it is for v's email with req's details, a ConflictError
// when the key was used otherwise, nothing when the key is new.
func repeated(ctx context.Context, db *ent.Client, v Visitor, req Request) (*ent.Appointment, error) {
	req.IdempotencyKey = strings.TrimSpace(req.IdempotencyKey)
	if req.IdempotencyKey == "" {
		return nil, nil
	}
	a, err := db.Appointment.Query().Where(appointment.IdempotencyKey(req.IdempotencyKey)).WithClient().Only(ctx)
	switch {
	case ent.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("reading the booking with this key: %w", err)
	}
	req.ClientID = a.ClientID
	if !strings.EqualFold(a.Edges.Client.Email, v.Email) {
		req.ClientID = "" // another person's booking: a conflict
	}
	return byKey(ctx, db, req)
}

// visitorClient is the client of v's email in v's organisation, created
// as a lead when there is none.
func visitorClient(ctx context.Context, db *ent.Client, v Visitor) (pulid.ID, error) {
	existing, err := db.ClientProfile.Query().
		Where(clientprofile.EmailEqualFold(v.Email), clientprofile.StatusNEQ(clientprofile.StatusArchived)).
		Order(ent.Asc(clientprofile.FieldCreatedAt), ent.Asc(clientprofile.FieldID)).
		First(ctx)
	switch {
	case err == nil:
		return existing.ID, nil
	case !ent.IsNotFound(err):
		return "", fmt.Errorf("finding the visitor's client record: %w", err)
	}
	create := db.ClientProfile.Create().
		SetFirstName(v.FirstName).SetLastName(v.LastName).SetEmail(v.Email).
		SetStatus(clientprofile.StatusLead).SetSmsConsent(false)
	if v.Phone != "" {
		create.SetMobilePhone(v.Phone)
	}
	c, err := create.Save(ctx)
	var ve *kith.ValidationError
	if errors.As(err, &ve) && ve.Field == "mobilePhone" {
		return "", kith.Invalid("phone", "%s", ve.Message)
	}
	if err != nil {
		return "", fmt.Errorf("creating a lead client: %w", err)
	}
	return c.ID, nil
}
