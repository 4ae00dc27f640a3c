package schema

import (
	"context"

	"entgo.io/ent"

	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/schematype"
)

// addressInvoice addresses a new invoice given a billing contact
// (billing_contact_id): it must be a link of the invoice's client with the
// BILLING type, and the invoice keeps a copy of its contact's name,
// organisation reference, email and address as they are now (billed_to).
func addressInvoice() ent.Hook {
	return hookOn(func(ctx context.Context, m *gen.InvoiceMutation) error {
		m.ClearBilledTo() // only this hook writes it
		id, ok := m.BillingContactID()
		if !ok || id == "" {
			m.ClearBillingContactID()
			return nil
		}
		client, _ := m.ClientID()
		link, err := billingLink(ctx, m.Client(), "billingContactId", client, id)
		if err != nil {
			return err
		}
		c := link.Edges.Contact
		to := &schematype.BilledTo{
			LinkID: string(link.ID), ContactID: string(c.ID), Name: contactName(c),
			OrganizationReference: c.OrganizationReference, Email: c.Email,
		}
		if !c.Address.IsZero() {
			a := *c.Address
			to.Address = &a
		}
		m.SetBilledTo(to)
		return nil
	}, ent.OpCreate)
}
