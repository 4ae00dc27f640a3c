// Package viewer owns who is acting in a request: a staff member of one
// organisation, a portal user acting for one client, the system itself (CLI
// commands, migrations, jobs), or nobody.
// The viewer travels in the context and every privacy rule reads it from there.
package viewer

import (
	"context"
	"slices"

	"github.com/kith-health/kith/pulid"
)

// Role is a staff member's role in an organisation.
type Role string

// Staff roles, from most to least privileged.
const (
	RoleOwner        Role = "OWNER"
	RoleAdmin        Role = "ADMIN"
	RolePractitioner Role = "PRACTITIONER"
	RoleFrontDesk    Role = "FRONT_DESK"
)

// Viewer is the actor of a request.
type Viewer interface {
	// Organization returns the organisation the viewer acts in, if any.
	Organization() (pulid.ID, bool)
	// IsSystem reports whether the viewer is kith itself, which sees every organisation.
	IsSystem() bool
}

// Staff is a signed-in staff member, or an organisation's API key (an
// integration), which has a staff role's rights but is nobody: its StaffID
// is empty and APIKeyID names it. Code that records who did something
// leaves that unset for a key; code that only makes sense for a person
// (their own profile, their session, their calls) refuses a key with
// kith.ErrNotAPerson.
type Staff struct {
	// OrgID is the staff member's organisation.
	OrgID pulid.ID
	// StaffID is the staff member; empty for an API key.
	StaffID pulid.ID
	// Role is the staff member's role, or the API key's.
	Role Role
	// TokenHash is the SHA-256 of the bearer token the request came with, if
	// any (a staff token's or an API key's secret): enough to revoke it,
	// useless to sign in with.
	TokenHash []byte
	// APIKeyID and APIKeyName name the API key the request came with; both
	// are empty for a person.
	APIKeyID   pulid.ID
	APIKeyName string
}

// IsAPIKey reports whether the viewer is an API key rather than a person.
func (s Staff) IsAPIKey() bool { return s.APIKeyID != "" }

// Person returns the staff member acting, and false for an API key (or a
// staff viewer that names nobody).
func (s Staff) Person() (pulid.ID, bool) { return s.StaffID, s.StaffID != "" && !s.IsAPIKey() }

// Organization implements Viewer.
func (s Staff) Organization() (pulid.ID, bool) { return s.OrgID, s.OrgID != "" }

// IsSystem implements Viewer.
func (Staff) IsSystem() bool { return false }

// CanAdminister reports whether the staff member may manage staff and settings.
func (s Staff) CanAdminister() bool { return s.Role == RoleOwner || s.Role == RoleAdmin }

// System is kith acting on its own behalf, optionally inside one organisation.
type System struct {
	// OrgID, when set, confines the system viewer to one organisation.
	OrgID pulid.ID
}

// Organization implements Viewer.
func (s System) Organization() (pulid.ID, bool) { return s.OrgID, s.OrgID != "" }

// IsSystem implements Viewer.
func (System) IsSystem() bool { return true }

type ctxKey struct{}

// NewContext returns a copy of ctx carrying v.
func NewContext(ctx context.Context, v Viewer) context.Context {
	return context.WithValue(ctx, ctxKey{}, v)
}

// FromContext returns the viewer in ctx, or nil when nobody is signed in.
func FromContext(ctx context.Context) Viewer {
	v, _ := ctx.Value(ctxKey{}).(Viewer)
	return v
}

// SystemContext returns ctx acting as the system across all organisations.
func SystemContext(ctx context.Context) context.Context {
	return NewContext(ctx, System{})
}

// StaffFromContext returns the staff viewer in ctx, if the viewer is staff.
func StaffFromContext(ctx context.Context) (Staff, bool) {
	s, ok := FromContext(ctx).(Staff)
	return s, ok
}

// Portal is a person signed in to the client portal with their email: a
// client, a contact of clients, or both. ClientID names the client the
// request acts for; without it the portal viewer sees no client's records.
type Portal struct {
	// OrgID is the organisation the portal belongs to.
	OrgID pulid.ID
	// SessionID is the portal session the request came with.
	SessionID pulid.ID
	// Email is the address the person signed in with.
	Email string
	// ClientID is the client the request acts for, checked against the
	// person's current access on this very request; empty when none.
	ClientID pulid.ID
	// LinkID and ContactID are set when the person acts as a contact of the
	// client; both are empty when the person is the client.
	LinkID, ContactID pulid.ID
	// Scopes are what a contact may do for the client (schematype.PortalScope
	// values); a client acting for itself may do everything.
	Scopes []string
	// CanManageAppointments says the person may book, reschedule and cancel
	// the client's appointments.
	CanManageAppointments bool
}

// Organization implements Viewer.
func (p Portal) Organization() (pulid.ID, bool) { return p.OrgID, p.OrgID != "" }

// IsSystem implements Viewer.
func (Portal) IsSystem() bool { return false }

// AsClient reports whether the person acts for a client as that client.
func (p Portal) AsClient() bool { return p.ClientID != "" && p.LinkID == "" }

// Can reports whether the person may do scope for the client they act for:
// always as the client itself, as a contact only with the scope.
func (p Portal) Can(scope string) bool {
	if p.ClientID == "" {
		return false
	}
	return p.AsClient() || slices.Contains(p.Scopes, scope)
}

// PortalFromContext returns the portal viewer in ctx, if the viewer is one.
func PortalFromContext(ctx context.Context) (Portal, bool) {
	p, ok := FromContext(ctx).(Portal)
	return p, ok
}
