package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/ent/stafftoken"
	"github.com/kith-health/kith/viewer"
)

// StillValid checks again, for a connection that outlives the request that
// authenticated it (a GraphQL subscription's WebSocket), that v still
// stands: its token (v.TokenHash) is unrevoked and unexpired, its staff
// member active, in the same organisation, with the same role. It is
// ErrUnauthenticated when any of that changed (sign in again, which gives
// the new role) and another error when it cannot be checked. It costs one
// statement. For an API key it checks the key is unrevoked, in the same
// organisation, with the same role.
func (s *Service) StillValid(ctx context.Context, v viewer.Staff) error {
	if v.IsAPIKey() && len(v.TokenHash) > 0 {
		return s.keyStillValid(ctx, v)
	}
	if len(v.TokenHash) == 0 || v.StaffID == "" {
		return kith.ErrUnauthenticated
	}
	n, err := s.client.Staff.Query().
		Where(
			staff.ID(v.StaffID),
			staff.OrganizationID(v.OrgID),
			staff.RoleEQ(staff.Role(v.Role)),
			staff.Active(true),
			staff.HasTokensWith(
				stafftoken.TokenHash(v.TokenHash),
				stafftoken.RevokedAtIsNil(),
				stafftoken.ExpiresAtGT(time.Now()),
			),
		).
		Count(viewer.SystemContext(ctx))
	if err != nil {
		return fmt.Errorf("checking a staff token again: %w", err)
	}
	if n == 0 {
		return kith.ErrUnauthenticated
	}
	return nil
}
