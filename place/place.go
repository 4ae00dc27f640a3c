// Package place owns where an appointment is held, written out: at a
// location of the practice (its name and address), at the client's own
// address, at an additional-address contact's address, or at a one-off
// place written as text. Messages ([AppointmentLocation]), staff
// (Appointment.heldAt) and the portal (PortalAppointment.location, which
// keeps a street from those it is not theirs to see) read it here, and
// staff list the addresses an
// appointment may be held at (Client.appointmentAddresses). The rules that
// guard each choice live in the ent hooks (ent/schema/appointment_place.go).
package place

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/schematype"
)

// Written is where a is held, on one line, from the edges already loaded:
// a's practice location (loaded with WithPracticeLocation) as its name and
// address; with an address source, the client's address or the contact's
// of the link (from a's held-at link with its contact, else c's links
// loaded with their contacts); else a's text location. A location or an
// address wins over the text, which is for a one-off place. Empty when a
// names no place (a video appointment) or what it names has no address.
func Written(a *ent.Appointment, c *ent.ClientProfile) string {
	if l := a.Edges.PracticeLocation; l != nil {
		return Location(l)
	}
	switch src := a.AddressSource; {
	case src == nil:
	case *src == appointment.AddressSourceClient && c != nil:
		return c.Address.OneLine()
	case *src == appointment.AddressSourceContact:
		if k := heldAtContact(a, c); k != nil {
			return k.Address.OneLine()
		}
	}
	return strings.TrimSpace(a.Location)
}

// Location is l written on one line: its name, then its address.
func Location(l *ent.Location) string {
	if addr := l.Address.OneLine(); addr != "" {
		return l.Name + ", " + addr
	}
	return l.Name
}

// heldAtContact is the contact whose address a is held at, from the edges
// loaded on a or c; nil when neither has it.
func heldAtContact(a *ent.Appointment, c *ent.ClientProfile) *ent.Contact {
	if l := a.Edges.HeldAtContactLink; l != nil && l.Edges.Contact != nil {
		return l.Edges.Contact
	}
	if c == nil {
		return nil
	}
	for _, l := range c.Edges.ContactLinks {
		if l.ID == a.HeldAtContactLinkID {
			return l.Edges.Contact
		}
	}
	return nil
}

// Load reads what Written needs of a through db as the viewer in ctx, and
// returns where a is held. It reads the edges again: those loaded for a
// GraphQL answer hold only the fields the query asked for.
func Load(ctx context.Context, db *ent.Client, a *ent.Appointment) (string, error) {
	loaded := *a
	loaded.Edges = ent.AppointmentEdges{}
	if a.PracticeLocationID != "" {
		l, err := db.Location.Get(ctx, a.PracticeLocationID)
		if err != nil {
			return "", fmt.Errorf("reading the appointment's location: %w", err)
		}
		loaded.Edges.PracticeLocation = l
	}
	var c *ent.ClientProfile
	if src := a.AddressSource; src != nil {
		switch *src {
		case appointment.AddressSourceClient:
			var err error
			if c, err = db.ClientProfile.Get(ctx, a.ClientID); err != nil {
				return "", fmt.Errorf("reading the appointment's client: %w", err)
			}
		case appointment.AddressSourceContact:
			if a.HeldAtContactLinkID != "" {
				l, err := db.ClientContact.Query().Where(clientcontact.ID(a.HeldAtContactLinkID)).WithContact().Only(ctx)
				if err != nil {
					return "", fmt.Errorf("reading the contact the appointment is held at: %w", err)
				}
				loaded.Edges.HeldAtContactLink = l
			}
		}
	}
	return Written(&loaded, c), nil
}

// Address is an address an appointment of a client may be held at: the
// client's own (Link nil) or that of a contact linked to it as an
// additional address.
type Address struct {
	// Source is what an appointment held there names as its address source.
	Source appointment.AddressSource
	// Link is the client's link to the contact, for CONTACT; pass its ID
	// as heldAtContactLinkID.
	Link *ent.ClientContact
	// Label says whose address it is: "Client" or the contact's name.
	Label string
	// Address is the address itself.
	Address *schematype.Address
}

// Addresses lists where an appointment of client c may be held besides a
// location: c's own address when it has one, then each contact linked to c
// with the type ADDITIONAL_ADDRESS, in the order they were linked.
func Addresses(ctx context.Context, db *ent.Client, c *ent.ClientProfile) ([]Address, error) {
	out := []Address{}
	if !c.Address.IsZero() {
		name := strings.TrimSpace(c.FirstName + " " + c.LastName)
		out = append(out, Address{Source: appointment.AddressSourceClient, Label: name, Address: c.Address})
	}
	links, err := db.ClientContact.Query().
		Where(clientcontact.ClientID(c.ID)).
		WithContact().
		Order(clientcontact.ByCreatedAt(), clientcontact.ByID()).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the client's contacts: %w", err)
	}
	for _, l := range links {
		k := l.Edges.Contact
		if k == nil || k.Address.IsZero() || !slices.Contains(l.ContactTypes, schematype.ContactTypeAdditionalAddress) {
			continue
		}
		out = append(out, Address{
			Source: appointment.AddressSourceContact, Link: l,
			Label: strings.TrimSpace(k.FirstName + " " + k.LastName), Address: k.Address,
		})
	}
	return out, nil
}
