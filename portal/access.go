package portal

import (
	"context"
	"fmt"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/ent/clientprofile"
	"github.com/kith-health/kith/ent/contact"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// Access is one client a portal email may act for: as the client itself
// (Link is nil) or as one of its contacts, through Link.
type Access struct {
	// Client is the client acted for.
	Client *ent.ClientProfile
	// Link is the contact's link to the client, with its relationship,
	// scopes and can-manage-appointments flag; nil for the client itself.
	Link *ent.ClientContact
}

// AsClient reports whether the person is the client.
func (a Access) AsClient() bool { return a.Link == nil }

// Scopes are what the person may do for the client: every scope for the
// client itself, the link's scopes for a contact.
func (a Access) Scopes() []kith.PortalScope {
	if a.Link == nil {
		return kith.PortalScopes
	}
	return a.Link.PortalScopes
}

// CanManageAppointments reports whether the person may book, reschedule
// and cancel the client's appointments.
func (a Access) CanManageAppointments() bool { return a.Link == nil || a.Link.CanManageAppointments }

// Accesses lists the clients email may act for in organisation org: the
// client whose own portal access is active, then each client whose link to
// a contact with that email is active. Archived clients are left out.
func (s *Service) Accesses(ctx context.Context, org pulid.ID, email string) ([]Access, error) {
	sys := systemIn(ctx, org)
	db := s.client(ctx)
	email = normalEmail(email)
	own, err := db.ClientProfile.Query().
		Where(clientprofile.Email(email), clientprofile.PortalStatusEQ(kith.PortalStatusActive), clientprofile.StatusNEQ(clientprofile.StatusArchived)).
		Order(clientprofile.ByFirstName(), clientprofile.ByID()).
		All(sys)
	if err != nil {
		return nil, fmt.Errorf("finding portal access: %w", err)
	}
	links, err := db.ClientContact.Query().
		Where(
			clientcontact.PortalStatusEQ(kith.PortalStatusActive),
			clientcontact.HasContactWith(contact.Email(email)),
			clientcontact.HasClientWith(clientprofile.StatusNEQ(clientprofile.StatusArchived)),
		).
		WithClient().
		Order(clientcontact.ByCreatedAt(), clientcontact.ByID()).
		All(sys)
	if err != nil {
		return nil, fmt.Errorf("finding portal access: %w", err)
	}
	out := make([]Access, 0, len(own)+len(links))
	for _, c := range own {
		out = append(out, Access{Client: c})
	}
	for _, l := range links {
		out = append(out, Access{Client: l.Edges.Client, Link: l})
	}
	return out, nil
}

// accessTo is email's access to client in org, or ErrNotFound. It looks
// for a contact's link first, the common case (parents), then the client.
func (s *Service) accessTo(ctx context.Context, org pulid.ID, email string, client pulid.ID) (Access, error) {
	sys := systemIn(ctx, org)
	db := s.client(ctx)
	l, err := db.ClientContact.Query().
		Where(
			clientcontact.ClientID(client),
			clientcontact.PortalStatusEQ(kith.PortalStatusActive),
			clientcontact.HasContactWith(contact.Email(email)),
			clientcontact.HasClientWith(clientprofile.StatusNEQ(clientprofile.StatusArchived)),
		).
		First(sys)
	switch {
	case err == nil:
		return Access{Client: &ent.ClientProfile{ID: client, OrganizationID: org}, Link: l}, nil
	case !ent.IsNotFound(err):
		return Access{}, fmt.Errorf("checking portal access: %w", err)
	}
	c, err := db.ClientProfile.Query().
		Where(clientprofile.ID(client), clientprofile.Email(email), clientprofile.PortalStatusEQ(kith.PortalStatusActive), clientprofile.StatusNEQ(clientprofile.StatusArchived)).
		Only(sys)
	switch {
	case ent.IsNotFound(err):
		return Access{}, kith.ErrNotFound
	case err != nil:
		return Access{}, fmt.Errorf("checking portal access: %w", err)
	}
	return Access{Client: c}, nil
}

// Viewer is the portal viewer of a session acting through a.
func (a Access) Viewer(session viewer.Portal) viewer.Portal {
	session.ClientID = a.Client.ID
	session.LinkID, session.ContactID, session.Scopes = "", "", nil
	session.CanManageAppointments = a.CanManageAppointments()
	if a.Link != nil {
		session.LinkID, session.ContactID = a.Link.ID, a.Link.ContactID
		for _, sc := range a.Link.PortalScopes {
			session.Scopes = append(session.Scopes, string(sc))
		}
	}
	return session
}
