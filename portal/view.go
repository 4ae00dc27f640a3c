package portal

import (
	"context"
	"fmt"
	"time"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/ent/organization"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// Practice is the name of organisation org, as the portal viewer in ctx
// reads it.
func (s *Service) Practice(ctx context.Context, org pulid.ID) (string, error) {
	o, err := s.client(ctx).Organization.Query().Where(organization.ID(org)).Only(ctx)
	if err != nil {
		return "", fmt.Errorf("reading the practice: %w", err)
	}
	return o.Name, nil
}

// Acting is the access through which p acts for its client on this
// request, as Authenticate decided it, or nil when it acts for none. It is
// the entry of Accesses that Authenticate chose, with the client's name.
func (s *Service) Acting(ctx context.Context, p viewer.Portal) (*Access, error) {
	if p.ClientID == "" {
		return nil, nil
	}
	all, err := s.AccessesOf(ctx, p)
	if err != nil {
		return nil, err
	}
	for _, a := range all {
		if a.ClientID == p.ClientID && a.LinkID == p.LinkID {
			return a, nil
		}
	}
	return nil, nil // revoked since the request was authenticated
}

// ActingClient is the client the portal viewer in ctx acts for, read
// through the portal's privacy rules. The field asking for it is declared
// @portal(acting: true), so graph has refused a request acting for no
// client; one that still reaches here reads as missing.
func (s *Service) ActingClient(ctx context.Context) (*ent.ClientProfile, error) {
	p, ok := viewer.PortalFromContext(ctx)
	if !ok {
		return nil, kith.ErrUnauthenticated
	}
	c, err := s.client(ctx).ClientProfile.Get(ctx, p.ClientID)
	if err != nil {
		return nil, notFoundAs("X-Kith-Client", p.ClientID, err)
	}
	return c, nil
}

// Appointments lists up to first appointments of client c as the portal
// viewer in ctx may see them: upcoming ones (booked or confirmed, not yet
// ended) soonest first, or past ones (ended, cancelled or missed) latest
// first, with their practitioners.
func Appointments(ctx context.Context, c *ent.ClientProfile, past bool, first int) ([]*ent.Appointment, error) {
	first = min(max(first, 0), 100)
	now := time.Now()
	upcoming := appointment.And(appointment.EndsAtGT(now), appointment.StatusIn(appointment.StatusBooked, appointment.StatusConfirmed))
	q := c.QueryAppointments().WithPractitioner().Limit(first)
	if past {
		q.Where(appointment.Not(upcoming)).Order(ent.Desc(appointment.FieldStartsAt), ent.Desc(appointment.FieldID))
	} else {
		q.Where(upcoming).Order(ent.Asc(appointment.FieldStartsAt), ent.Asc(appointment.FieldID))
	}
	out, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing appointments: %w", err)
	}
	return out, nil
}
