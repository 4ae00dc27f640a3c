package graph

import (
	"context"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/activity"
	"github.com/kith-health/kith/booking"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/viewer"
)

// mayManageAppointments is FORBIDDEN for a portal viewer whose link does
// not allow managing the client's appointments; the client itself always
// may. That it acts for a client at all, @portal(acting: true) declares.
func mayManageAppointments(ctx context.Context) error {
	if p, _ := viewer.PortalFromContext(ctx); !p.CanManageAppointments {
		return kith.ErrForbidden
	}
	return nil
}

// recorded notes action on appointment a in the portal viewer's activity,
// and returns a.
func (r *Resolver) recorded(ctx context.Context, action string, a *ent.Appointment, err error) (*ent.Appointment, error) {
	if err != nil {
		return nil, err
	}
	if err := activity.Record(ctx, r.tx(ctx), action, booking.Describe(a), a.ID); err != nil {
		return nil, err
	}
	return a, nil
}
