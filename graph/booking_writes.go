package graph

import (
	"context"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/booking"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/portal"
	"github.com/kith-health/kith/viewer"
)

// managingClient is the client the portal viewer in ctx acts for, when it
// may manage that client's appointments: NOT_FOUND (or BAD_USER_INPUT
// without X-Kith-Client) when it acts for none it may reach, FORBIDDEN for
// a contact whose link does not allow managing appointments.
func (r *mutationResolver) managingClient(ctx context.Context) (*ent.ClientProfile, error) {
	c, err := r.Portal.ActingClient(ctx, actingHeader(ctx))
	if err != nil {
		return nil, err
	}
	if p, _ := viewer.PortalFromContext(ctx); !p.CanManageAppointments {
		return nil, kith.ErrForbidden
	}
	return c, nil
}

// recorded notes action on appointment a in the portal viewer's activity,
// and returns a.
func (r *Resolver) recorded(ctx context.Context, action string, a *ent.Appointment, err error) (*ent.Appointment, error) {
	if err != nil {
		return nil, err
	}
	if err := portal.Record(ctx, r.tx(ctx), action, booking.Describe(a), a.ID); err != nil {
		return nil, err
	}
	return a, nil
}
