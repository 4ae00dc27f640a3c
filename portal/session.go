package portal

import (
	"context"
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

// SessionViewer is the viewer the session signs in: the answer that starts
// it is read as that viewer (graph resolves it so).
func (s *Session) SessionViewer() viewer.Viewer {
	if s == nil {
		return nil
	}
	return s.Viewer
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
// the very next request. It costs one statement: the session and every
// access of its person (accessStatement) are read together
// (authStatement), and a request context made by WithRequest keeps those
// accesses, so that the fields listing them read none again.
func (s *Service) Authenticate(ctx context.Context, token string, client pulid.ID) (viewer.Portal, error) {
	if !strings.HasPrefix(token, SessionPrefix) {
		return viewer.Portal{}, kith.ErrUnauthenticated
	}
	rows, err := s.db.QueryContext(ctx, s.db.Rebind(authStatement), hash(token), s.now())
	if err != nil {
		return viewer.Portal{}, fmt.Errorf("checking a portal session: %w", err)
	}
	defer rows.Close()
	var (
		v     viewer.Portal
		all   []Access
		found bool
	)
	for rows.Next() {
		var r accessRow
		if err := rows.Scan(append([]any{&v.SessionID, &v.OrgID, &v.Email}, r.dest()...)...); err != nil {
			return viewer.Portal{}, fmt.Errorf("checking a portal session: %w", err)
		}
		found = true
		if all, err = r.appendTo(all); err != nil {
			return viewer.Portal{}, err
		}
	}
	if err := rows.Err(); err != nil {
		return viewer.Portal{}, fmt.Errorf("checking a portal session: %w", err)
	}
	if !found {
		return viewer.Portal{}, kith.ErrUnauthenticated
	}
	remember(ctx, v.SessionID, all)
	if a, ok := actingAs(all, client); ok {
		return a.Viewer(v), nil
	}
	return v, nil
}

// authStatement reads the live session of a token's hash (the first
// placeholder) at a time (the second), with every access of its person
// (accessStatement) in accessOrder: one row of NULL access columns when
// it has none. Written for SQLite's ? placeholders; Rebind turns them
// into PostgreSQL's.
const authStatement = `WITH person AS (
	SELECT id, organization_id, email FROM portal_sessions
	WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?),
` + accessStatement + `
SELECT p.id, p.organization_id, p.email, ` + accessColumns + `
FROM person p LEFT JOIN access a ON TRUE
ORDER BY ` + accessOrder

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
