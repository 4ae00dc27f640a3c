package schema

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"entgo.io/ent"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/database/transaction"
	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/ent/service"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// This file holds where an appointment is held: a location of the
// practice, an address of the client's (its own, or an additional-address
// contact's), or a one-off place written as text.

// checkClientLocation refuses an archived location as a client's default.
func checkClientLocation() ent.Hook {
	return hookOn(func(ctx context.Context, m *gen.ClientProfileMutation) error {
		if id, ok := m.DefaultLocationID(); ok {
			return checkActiveLocation(ctx, m.Client(), "defaultLocationID", id)
		}
		return nil
	}, writeOps)
}

// checkServiceLocation refuses an archived location for a service.
func checkServiceLocation() ent.Hook {
	return hookOn(func(ctx context.Context, m *gen.ServiceMutation) error {
		if id, ok := m.PracticeLocationID(); ok {
			return checkActiveLocation(ctx, m.Client(), "practiceLocationID", id)
		}
		return nil
	}, writeOps)
}

// placeAppointment checks where an appointment is held: a location chosen
// must be active; an address source is the client's own address (which it
// must have) or, with CONTACT, one of the client's links whose contact
// types include ADDITIONAL_ADDRESS; a location and an address source
// exclude each other. It runs before prepareAppointment, which gives a new
// appointment that names no place its default location (defaultLocation)
// from the client it reads anyway.
func placeAppointment() ent.Hook {
	return hookOn(func(ctx context.Context, m *gen.AppointmentMutation) error {
		if id, ok := m.PracticeLocationID(); ok {
			if err := checkActiveLocation(ctx, m.Client(), "practiceLocationID", id); err != nil {
				return err
			}
		}
		src, srcSet := m.AddressSource()
		_, linkSet := m.HeldAtContactLinkID()
		if linkSet && !srcSet {
			src, srcSet = appointment.AddressSourceContact, true
			m.SetAddressSource(src)
		}
		if srcSet {
			return checkAddressSource(ctx, m, src)
		}
		return nil
	}, writeOps)
}

// checkAddressSource checks that the appointment m writes can be held at
// the address src names.
func checkAddressSource(ctx context.Context, m *gen.AppointmentMutation, src appointment.AddressSource) error {
	if _, ok := m.PracticeLocationID(); ok {
		return kith.Invalid("addressSource", "an appointment is held at a location or at an address, not both: leave out practiceLocationID or addressSource")
	}
	clientID, ok := m.ClientID()
	if !ok {
		var err error
		if clientID, err = m.OldClientID(ctx); err != nil {
			return fmt.Errorf("reading the appointment's client: %w", err)
		}
	}
	linkID, linkSet := m.HeldAtContactLinkID()
	switch src {
	case appointment.AddressSourceClient:
		if linkSet {
			return kith.Invalid("heldAtContactLinkID", "an appointment held at the client's own address names no contact: leave out heldAtContactLinkID, or use addressSource CONTACT")
		}
		c, err := m.Client().ClientProfile.Get(ctx, clientID)
		if err != nil {
			return &kith.NotFoundError{Field: "clientID", ID: clientID}
		}
		if c.Address.IsZero() {
			return kith.Invalid("addressSource", "the client has no address to hold the appointment at; add the client's address first, or choose another place")
		}
		m.ClearHeldAtContactLink()
	case appointment.AddressSourceContact:
		if !linkSet {
			return kith.Invalid("heldAtContactLinkID", "an appointment held at a contact's address needs heldAtContactLinkID: the client's link to a contact of type ADDITIONAL_ADDRESS (see Client.appointmentAddresses)")
		}
		// Locked before it is read, as releaseHeldAtAddress locks it before
		// it reads the appointments held there: on PostgreSQL neither misses
		// the other's change (a booking at an address that is just leaving).
		if err := transaction.LockLink(ctx, m.Client(), linkID); err != nil {
			return err
		}
		l, err := m.Client().ClientContact.Get(ctx, linkID)
		if err != nil || l.ClientID != clientID {
			// Another client's link reads as this client's missing one.
			return kith.Invalid("heldAtContactLinkID", "that is not a contact of this client; choose one of the client's additional addresses (Client.appointmentAddresses)")
		}
		if !slices.Contains(l.ContactTypes, schematype.ContactTypeAdditionalAddress) {
			return kith.Invalid("heldAtContactLinkID", "that contact is not an additional address of the client; give its link the contact type ADDITIONAL_ADDRESS first")
		}
	}
	return nil
}

// defaultLocation gives a new appointment of client c that names no
// location, no address, no video link and no one-off place its service's
// location (an in-person service's), else (when its service is not by
// video) c's default one, when active: on every path, so bookings by staff,
// the portal and the widget alike. A text location is a one-off place when
// it is not the service's own text (which portal and widget bookings copy,
// booking.Book): it is kept as the place, since a location taken over it
// would hide it from the messages, which say the location first. The
// service and the location are read as kith itself, in the organisation: a
// portal or widget booking takes them as the widget shows them to anyone.
func defaultLocation(ctx context.Context, m *gen.AppointmentMutation, c *gen.ClientProfile) error {
	if _, ok := m.PracticeLocationID(); ok {
		return nil
	}
	if _, ok := m.AddressSource(); ok {
		return nil
	}
	if u, _ := m.TelehealthURL(); u != "" {
		return nil
	}
	text, _ := m.Location()
	text = strings.TrimSpace(text)
	sys := viewer.NewContext(ctx, viewer.System{OrgID: orgOf(ctx)})
	var chosen pulid.ID
	if id, ok := m.ServiceID(); ok {
		svc, err := m.Client().Service.Get(sys, id)
		if err != nil {
			return &kith.NotFoundError{Field: "serviceID", ID: id}
		}
		if svc.Mode == service.ModeTelehealth {
			return nil
		}
		if text == strings.TrimSpace(svc.Location) {
			text = "" // the service's own text, not a one-off place
		}
		chosen = svc.PracticeLocationID
	}
	if text != "" {
		return nil // a one-off place
	}
	if chosen == "" {
		chosen = c.DefaultLocationID
	}
	if chosen == "" {
		return nil
	}
	l, err := m.Client().Location.Get(sys, chosen)
	if err != nil {
		return fmt.Errorf("reading the default location: %w", err)
	}
	if l.Active {
		m.SetPracticeLocationID(chosen)
	}
	return nil
}

// releaseHeldAtAddress keeps the appointments held at a link's contact's
// address when the link no longer offers it: when its contact types lose
// ADDITIONAL_ADDRESS, or it is removed, each such appointment keeps the
// address as its text location (when it has none; clipped to 255
// characters) and its address source and link are cleared, in the same
// transaction.
func releaseHeldAtAddress() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, em ent.Mutation) (ent.Value, error) {
			m, ok := em.(*gen.ClientContactMutation)
			if !ok {
				return next.Mutate(ctx, em)
			}
			switch {
			case m.Op().Is(ent.OpDelete | ent.OpDeleteOne):
				ids, err := m.IDs(ctx)
				if err != nil {
					return nil, err
				}
				if err := releaseLinks(ctx, m.Client(), ids); err != nil {
					return nil, err
				}
				return next.Mutate(ctx, m)
			case m.Op().Is(ent.OpUpdate | ent.OpUpdateOne):
				types, set := m.ContactTypes()
				if !m.ContactTypesCleared() && (!set || slices.Contains(types, schematype.ContactTypeAdditionalAddress)) {
					return next.Mutate(ctx, m)
				}
				ids, err := m.IDs(ctx)
				if err != nil {
					return nil, err
				}
				v, err := next.Mutate(ctx, m)
				if err != nil {
					return nil, err
				}
				return v, releaseLinks(ctx, m.Client(), ids)
			default:
				return next.Mutate(ctx, m)
			}
		})
	}
}

// releaseLinks clears the links ids from the appointments held at their
// contacts' addresses, writing each address into the appointments' empty
// text location. Each link is locked first (transaction.LockLink), as
// checkAddressSource locks it before it books an appointment there.
func releaseLinks(ctx context.Context, c *gen.Client, ids []pulid.ID) error {
	for _, id := range ids {
		if err := transaction.LockLink(ctx, c, id); err != nil {
			return err
		}
		held := appointment.HeldAtContactLinkID(id)
		if ok, err := c.Appointment.Query().Where(held).Exist(ctx); err != nil || !ok {
			return err
		}
		l, err := c.ClientContact.Query().Where(clientcontact.ID(id)).WithContact().Only(ctx)
		if err != nil {
			return fmt.Errorf("reading the contact link: %w", err)
		}
		if text := clip(l.Edges.Contact.Address.OneLine(), maxShort); text != "" {
			err := c.Appointment.Update().
				Where(held, appointment.Or(appointment.LocationIsNil(), appointment.LocationEQ(""))).
				SetLocation(text).Exec(ctx)
			if err != nil {
				return fmt.Errorf("keeping the address on the appointments held there: %w", err)
			}
		}
		if err := c.Appointment.Update().Where(held).ClearAddressSource().ClearHeldAtContactLink().Exec(ctx); err != nil {
			return fmt.Errorf("clearing the address from the appointments held there: %w", err)
		}
	}
	return nil
}

// clip is s cut to at most n characters.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
