package schema

import (
	"context"
	"slices"
	"strings"

	"entgo.io/ent"

	"github.com/kith-health/kith"
	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/schematype"
)

// validateLink removes repeated contact types and scopes, and requires an
// address on a contact linked as an additional address; the lists are the
// whole ones the link will have, set or appended to (foldAppends).
func validateLink() ent.Hook {
	return hookOn(func(ctx context.Context, m *gen.ClientContactMutation) error {
		if label, ok := m.RelationshipLabel(); ok {
			m.SetRelationshipLabel(strings.TrimSpace(label))
		}
		if scopes, ok := m.PortalScopes(); ok {
			m.SetPortalScopes(schematype.Dedupe(scopes))
		}
		types, ok := m.ContactTypes()
		if !ok {
			return nil
		}
		types = schematype.Dedupe(types)
		m.SetContactTypes(types)
		if !slices.Contains(types, schematype.ContactTypeAdditionalAddress) {
			return nil
		}
		contactID, ok := m.ContactID()
		if !ok {
			var err error
			if contactID, err = m.OldContactID(ctx); err != nil {
				return err
			}
		}
		c, err := m.Client().Contact.Get(ctx, contactID)
		if err != nil {
			return &kith.NotFoundError{Field: "contactID", ID: contactID}
		}
		if c.Address.IsZero() {
			return kith.Invalid("contactTypes", "ADDITIONAL_ADDRESS needs the contact to have an address; add the contact's address first")
		}
		return nil
	}, writeOps)
}
