package schema

import (
	"context"
	"slices"

	"entgo.io/ent"

	"github.com/kith-health/kith"
	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/ent/contact"
	"github.com/kith-health/kith/ent/predicate"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
)

// validateContact normalises a contact's names, email and phone.
func validateContact() ent.Hook {
	return hookOn(func(ctx context.Context, m *gen.ContactMutation) error {
		org, err := tenantOf(ctx, m)
		if err != nil {
			return err
		}
		if a, ok := m.Address(); ok {
			if err := checkAddress("address", a); err != nil {
				return err
			}
		}
		return each(m, map[string]normalizer{
			"first_name":             required,
			"last_name":              trimmed,
			"email":                  schematype.NormalizeEmail,
			"phone":                  phoneIn(org.DefaultPhoneRegion),
			"organization_reference": trimmed,
		}, "first_name", "last_name", "email", "phone", "organization_reference")
	}, writeOps)
}

// refuseDuplicateContact fails a new contact whose email or phone matches
// existing contacts with a ConflictError listing them, unless the context
// says the caller knows it is a different person (schematype.WithDuplicatesAllowed).
func refuseDuplicateContact() ent.Hook {
	return hookOn(func(ctx context.Context, m *gen.ContactMutation) error {
		if schematype.DuplicatesAllowed(ctx) {
			return nil
		}
		email, _ := m.Email()
		phone, _ := m.Phone()
		var or []predicate.Contact
		if email != "" {
			or = append(or, contact.EmailEQ(email))
		}
		if phone != "" {
			or = append(or, contact.PhoneEQ(phone))
		}
		if len(or) == 0 {
			return nil
		}
		matches, err := m.Client().Contact.Query().Where(contact.Or(or...)).Order(contact.ByCreatedAt()).Limit(20).All(ctx)
		if err != nil {
			return err
		}
		if len(matches) == 0 {
			return nil
		}
		field := "email"
		if !slices.ContainsFunc(matches, func(c *gen.Contact) bool { return email != "" && c.Email == email }) {
			field = "phone"
		}
		ids := make([]pulid.ID, len(matches))
		for i, c := range matches {
			ids[i] = c.ID
		}
		return &kith.ConflictError{
			Field:      field,
			Message:    "a contact with this " + field + " already exists; link the existing contact, or set allowDuplicate if this is a different person",
			Candidates: ids,
		}
	}, ent.OpCreate)
}

// checkAddressStillNeeded refuses clearing the address of a contact that is an
// additional address of some client.
func checkAddressStillNeeded() ent.Hook {
	return hookOn(func(ctx context.Context, m *gen.ContactMutation) error {
		addr, set := m.Address()
		if !m.AddressCleared() && (!set || !addr.IsZero()) {
			return nil
		}
		id, ok := m.ID()
		if !ok {
			return nil
		}
		links, err := m.Client().ClientContact.Query().Where(clientcontact.ContactID(id)).All(ctx)
		if err != nil {
			return err
		}
		for _, l := range links {
			if slices.Contains(l.ContactTypes, schematype.ContactTypeAdditionalAddress) {
				return kith.Invalid("address", "the contact is an additional address of a client, so it needs an address; remove that contact type first")
			}
		}
		return nil
	}, ent.OpUpdateOne)
}
