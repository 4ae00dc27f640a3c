package portal

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// Access is one client a portal email may act for, and how: as the client
// itself (LinkID empty) or as one of its contacts, through the link LinkID.
// It is a row of accessStatement, the one definition of portal access:
// Authenticate reads every one of a session's person with the session (and
// the client switcher answers from those), Accesses every one of an email
// for sign-in, and the privacy rules read the viewer.Portal an Access makes
// (Viewer).
type Access struct {
	// ClientID is the client acted for.
	ClientID pulid.ID
	// ClientFirstName is the client's preferred name when set, else its
	// first name; ClientLastName its last name.
	ClientFirstName, ClientLastName string
	// LinkID and ContactID are the contact's link to the client and the
	// contact; both are empty for the client itself.
	LinkID, ContactID pulid.ID
	// Relationship and RelationshipLabel are the link's; nil for the
	// client itself.
	Relationship      *clientcontact.Relationship
	RelationshipLabel *string
	// Scopes are what the person may do for the client: every scope for the
	// client itself, the link's scopes for a contact.
	Scopes []schematype.PortalScope
	// CanManageAppointments says the person may book, reschedule and cancel
	// the client's appointments: always the client itself, a contact when
	// its link allows it.
	CanManageAppointments bool
}

// AsClient reports whether the person is the client.
func (a Access) AsClient() bool { return a.LinkID == "" }

// Viewer is the portal viewer of a session acting through a.
func (a Access) Viewer(session viewer.Portal) viewer.Portal {
	session.ClientID, session.LinkID, session.ContactID = a.ClientID, a.LinkID, a.ContactID
	session.CanManageAppointments, session.Scopes = a.CanManageAppointments, nil
	if !a.AsClient() {
		for _, sc := range a.Scopes {
			session.Scopes = append(session.Scopes, string(sc))
		}
	}
	return session
}

// accessStatement is the one definition of portal access, as SQL: a WITH
// clause ending in `access`, every client the person of the CTE `person`
// (its organization_id and email) may act for, and how: the client whose
// email it is, when the client's own portal access is ACTIVE, and each
// client whose link to a contact with that email is ACTIVE. Archived
// clients give none. The statement that uses it starts `WITH person AS
// (...), `, selects accessColumns from access and orders them by
// accessOrder.
const accessStatement = `access AS (
	SELECT c.id AS client_id, c.first_name, c.preferred_name, c.last_name,
		NULL AS link_id, NULL AS contact_id, NULL AS relationship, NULL AS relationship_label,
		NULL AS portal_scopes, TRUE AS can_manage_appointments, NULL AS link_created_at
	FROM person p
	JOIN clients c ON c.organization_id = p.organization_id AND c.email = p.email
	WHERE c.portal_status = 'ACTIVE' AND c.status <> 'ARCHIVED'
	UNION ALL
	SELECT c.id, c.first_name, c.preferred_name, c.last_name,
		l.id, l.contact_id, l.relationship, l.relationship_label,
		l.portal_scopes, l.can_manage_appointments, l.created_at
	FROM person p
	JOIN contacts co ON co.organization_id = p.organization_id AND co.email = p.email
	JOIN client_contacts l ON l.contact_id = co.id AND l.organization_id = p.organization_id
	JOIN clients c ON c.id = l.client_id
	WHERE l.portal_status = 'ACTIVE' AND c.status <> 'ARCHIVED')`

// accessOrder is the order Accesses lists them in: the client's own first,
// by first name, then each contact's link, oldest first.
const accessOrder = `a.link_id IS NOT NULL, CASE WHEN a.link_id IS NULL THEN a.first_name END, a.link_created_at, COALESCE(a.link_id, a.client_id)`

// accessColumns are the columns of access scanAccess reads, in order.
const accessColumns = `a.client_id, a.first_name, a.preferred_name, a.last_name, a.link_id, a.contact_id, a.relationship, a.relationship_label, a.portal_scopes, a.can_manage_appointments`

// accessRow holds the columns of accessColumns as scanned: every one is
// NULL when the person has no access (LEFT JOIN).
type accessRow struct {
	client, first, preferred, last, link, contact, relationship, label, scopes sql.NullString
	canManage                                                                  sql.NullBool
}

// dest are the scan destinations of accessColumns.
func (r *accessRow) dest() []any {
	return []any{&r.client, &r.first, &r.preferred, &r.last, &r.link, &r.contact, &r.relationship, &r.label, &r.scopes, &r.canManage}
}

// appendTo appends the row's Access to all, unless it holds none.
func (r *accessRow) appendTo(all []Access) ([]Access, error) {
	a, ok, err := r.access()
	if err != nil || !ok {
		return all, err
	}
	return append(all, a), nil
}

// access is the row as an Access; ok is false when it holds none.
func (r *accessRow) access() (a Access, ok bool, err error) {
	if !r.client.Valid {
		return Access{}, false, nil
	}
	a = Access{
		ClientID: pulid.ID(r.client.String), ClientFirstName: r.first.String, ClientLastName: r.last.String,
		LinkID: pulid.ID(r.link.String), ContactID: pulid.ID(r.contact.String), CanManageAppointments: r.canManage.Bool,
	}
	if r.preferred.String != "" {
		a.ClientFirstName = r.preferred.String
	}
	if a.AsClient() {
		a.Scopes, a.CanManageAppointments = schematype.PortalScopes, true
		return a, true, nil
	}
	rel := clientcontact.Relationship(r.relationship.String)
	a.Relationship = &rel
	if r.label.String != "" {
		a.RelationshipLabel = &r.label.String
	}
	a.Scopes = []schematype.PortalScope{}
	if r.scopes.String != "" {
		if err := json.Unmarshal([]byte(r.scopes.String), &a.Scopes); err != nil {
			return Access{}, false, fmt.Errorf("reading portal scopes: %w", err)
		}
	}
	return a, true, nil
}

// accessesStatement lists every access of the email (second placeholder)
// in the organisation (first), in accessOrder.
const accessesStatement = `WITH person AS (SELECT CAST(? AS TEXT) AS organization_id, CAST(? AS TEXT) AS email),
` + accessStatement + `
SELECT ` + accessColumns + ` FROM access a
ORDER BY ` + accessOrder

// Accesses lists the clients email may act for in organisation org
// (accessStatement), in one statement: the client whose own portal access
// is active, then each client whose link to a contact with that email is
// active.
func (s *Service) Accesses(ctx context.Context, org pulid.ID, email string) ([]Access, error) {
	db := s.client(ctx)
	rows, err := db.QueryContext(ctx, db.Rebind(accessesStatement), string(org), normalEmail(email))
	if err != nil {
		return nil, fmt.Errorf("finding portal access: %w", err)
	}
	defer rows.Close()
	var out []Access
	for rows.Next() {
		var r accessRow
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, fmt.Errorf("finding portal access: %w", err)
		}
		if out, err = r.appendTo(out); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("finding portal access: %w", err)
	}
	return out, nil
}

// actingAs is the access of all through which a request acts for client:
// a contact's link, the lowest link ID when there are several, before the
// client's own access; ok is false when all has none for client.
func actingAs(all []Access, client pulid.ID) (a Access, ok bool) {
	for _, c := range all {
		if c.ClientID != client {
			continue
		}
		switch {
		case !ok, a.AsClient() && !c.AsClient(), !c.AsClient() && c.LinkID < a.LinkID:
			a, ok = c, true
		}
	}
	return a, ok
}
