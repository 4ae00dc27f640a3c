package portal

import (
	"database/sql"
	"encoding/json"

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
// the very next request. It costs one statement: the session and the
// person's access to client are read together (authStatement).
func (s *Service) Authenticate(ctx context.Context, token string, client pulid.ID) (viewer.Portal, error) {
	if !strings.HasPrefix(token, SessionPrefix) {
		return viewer.Portal{}, kith.ErrUnauthenticated
	}
	query := s.db.Rebind(authStatement)
	var (
		v                         viewer.Portal
		linkID, contactID, selfID sql.NullString
		scopes                    sql.NullString
		canManage                 sql.NullBool
	)
	rows, err := s.db.QueryContext(ctx, query, string(client), string(client), hash(token), s.now())
	if err != nil {
		return viewer.Portal{}, fmt.Errorf("checking a portal session: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return viewer.Portal{}, fmt.Errorf("checking a portal session: %w", err)
		}
		return viewer.Portal{}, kith.ErrUnauthenticated
	}
	if err := rows.Scan(&v.SessionID, &v.OrgID, &v.Email, &linkID, &contactID, &scopes, &canManage, &selfID); err != nil {
		return viewer.Portal{}, fmt.Errorf("checking a portal session: %w", err)
	}
	switch {
	case linkID.Valid:
		v.ClientID, v.LinkID, v.ContactID = client, pulid.ID(linkID.String), pulid.ID(contactID.String)
		v.CanManageAppointments = canManage.Bool
		if scopes.Valid && scopes.String != "" {
			if err := json.Unmarshal([]byte(scopes.String), &v.Scopes); err != nil {
				return viewer.Portal{}, fmt.Errorf("reading portal scopes: %w", err)
			}
		}
	case selfID.Valid:
		v.ClientID, v.CanManageAppointments = client, true
	}
	return v, nil
}

// authStatement reads, for a client (the first two placeholders), the live
// session of a token's hash (the third) at a time (the fourth), with the
// session's access to the client: the first active link of a contact with
// the session's email, and the client's own access. Archived clients give
// none. Written for SQLite's ? placeholders;
// numbered turns them into PostgreSQL's.
const authStatement = `SELECT s.id, s.organization_id, s.email, l.id, l.contact_id, l.portal_scopes, l.can_manage_appointments, c.id
FROM portal_sessions s
LEFT JOIN client_contacts l ON l.id = (
	SELECT l2.id FROM client_contacts l2
	JOIN contacts co ON co.id = l2.contact_id AND co.email = s.email
	JOIN clients lc ON lc.id = l2.client_id AND lc.status <> 'ARCHIVED'
	WHERE l2.organization_id = s.organization_id AND l2.client_id = ? AND l2.portal_status = 'ACTIVE'
	ORDER BY l2.id LIMIT 1)
LEFT JOIN clients c ON c.id = ? AND c.organization_id = s.organization_id AND c.email = s.email
	AND c.portal_status = 'ACTIVE' AND c.status <> 'ARCHIVED'
WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ?`

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
