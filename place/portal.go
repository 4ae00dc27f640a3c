package place

import (
	"context"
	"fmt"
	"strings"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/viewer"
)

// ForPortal is where a is held as the portal shows it to p
// (PortalAppointment.location), on one line: as Written for a location of
// the practice and for a one-off place. An address is a person's: its
// street shows only to the client itself and, for a contact's address, to
// that contact; anyone else (another contact, or a viewer who is no portal
// person) reads whose address it is, "At Sam's address", by first name.
// What it reads it reads as kith in a's organisation: p may read a, and
// what it learns of the addresses is decided here, not by p's own access to
// the client's contacts.
func ForPortal(ctx context.Context, db *ent.Client, a *ent.Appointment, p viewer.Portal) (string, error) {
	sys := viewer.NewContext(ctx, viewer.System{OrgID: a.OrganizationID})
	src := a.AddressSource
	if a.PracticeLocationID != "" || src == nil {
		return Load(sys, db, a)
	}
	asClient := p.AsClient() && p.ClientID == a.ClientID
	switch {
	case *src == appointment.AddressSourceClient:
		c, err := db.ClientProfile.Get(sys, a.ClientID)
		if err != nil {
			return "", fmt.Errorf("reading the appointment's client: %w", err)
		}
		if asClient {
			return c.Address.OneLine(), nil
		}
		name := c.PreferredName
		if strings.TrimSpace(name) == "" {
			name = c.FirstName
		}
		return addressOf(name), nil
	case *src == appointment.AddressSourceContact && a.HeldAtContactLinkID != "":
		l, err := db.ClientContact.Query().Where(clientcontact.ID(a.HeldAtContactLinkID)).WithContact().Only(sys)
		if err != nil {
			return "", fmt.Errorf("reading the contact the appointment is held at: %w", err)
		}
		k := l.Edges.Contact
		if asClient || (p.LinkID != "" && p.LinkID == l.ID) || (p.ContactID != "" && p.ContactID == l.ContactID) {
			return k.Address.OneLine(), nil
		}
		return addressOf(k.FirstName), nil
	}
	return Load(sys, db, a)
}

// addressOf says whose address it is without saying where it is.
func addressOf(firstName string) string {
	if firstName = strings.TrimSpace(firstName); firstName == "" {
		return "At a private address"
	}
	return "At " + firstName + "'s address"
}
