package portal

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/portalsession"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// SessionPrefix marks portal session tokens, as kith_st_ marks staff ones.
const SessionPrefix = "kith_ps_"

// Session is a freshly issued portal session. Token is shown once and never
// stored.
type Session struct {
	// Token is the bearer token.
	Token string
	// ExpiresAt is when it stops working.
	ExpiresAt time.Time
	// Viewer is the signed-in person, acting for no client yet.
	Viewer viewer.Portal
}

// issue starts a session for email in org.
func (s *Service) issue(ctx context.Context, org pulid.ID, email string) (*Session, error) {
	secret, h, err := newSecret(SessionPrefix)
	if err != nil {
		return nil, err
	}
	expires := s.now().Add(s.cfg.SessionTTL)
	row, err := s.client(ctx).PortalSession.Create().
		SetOrganizationID(org).SetEmail(email).SetTokenHash(h).SetExpiresAt(expires).
		Save(systemIn(ctx, org))
	if err != nil {
		return nil, fmt.Errorf("starting a portal session: %w", err)
	}
	return &Session{Token: secret, ExpiresAt: expires, Viewer: viewer.Portal{OrgID: org, SessionID: row.ID, Email: email}}, nil
}

// Authenticate returns the portal viewer of a session token, acting for
// client when it names one the person may act for right now; otherwise
// acting for nobody, which reads no client's records. It is
// ErrUnauthenticated when the token is unknown, expired or revoked.
// Revoking a contact's access or changing its scopes takes effect here, on
// the very next request. It costs one statement, two with a client.
func (s *Service) Authenticate(ctx context.Context, token string, client pulid.ID) (viewer.Portal, error) {
	if !strings.HasPrefix(token, SessionPrefix) {
		return viewer.Portal{}, kith.ErrUnauthenticated
	}
	row, err := s.db.PortalSession.Query().
		Where(portalsession.TokenHash(hash(token)), portalsession.RevokedAtIsNil(), portalsession.ExpiresAtGT(s.now())).
		Only(viewer.SystemContext(ctx))
	switch {
	case ent.IsNotFound(err):
		return viewer.Portal{}, kith.ErrUnauthenticated
	case err != nil:
		return viewer.Portal{}, fmt.Errorf("checking a portal session: %w", err)
	}
	v := viewer.Portal{OrgID: row.OrganizationID, SessionID: row.ID, Email: row.Email}
	if client == "" {
		return v, nil
	}
	a, err := s.accessTo(ctx, row.OrganizationID, row.Email, client)
	switch {
	case err == nil:
		return a.Viewer(v), nil
	case errors.Is(err, kith.ErrNotFound):
		return v, nil
	default:
		return viewer.Portal{}, err
	}
}

// SignOut revokes the session of the portal viewer in ctx.
func (s *Service) SignOut(ctx context.Context) error {
	p, ok := viewer.PortalFromContext(ctx)
	if !ok {
		return kith.ErrUnauthenticated
	}
	err := s.client(ctx).PortalSession.UpdateOneID(p.SessionID).
		Where(portalsession.RevokedAtIsNil()).
		SetRevokedAt(s.now()).
		Exec(systemIn(ctx, p.OrgID))
	if err != nil && !ent.IsNotFound(err) {
		return fmt.Errorf("signing out: %w", err)
	}
	return nil
}
