package schema

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"entgo.io/ent"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/database/transaction"
	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/ent/coverage"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
)

// checkBillingContact lets a coverage name as its billing contact only a
// link of its own client with the BILLING contact type.
func checkBillingContact() ent.Hook {
	return hookOn(func(ctx context.Context, m *gen.CoverageMutation) error {
		id, ok := m.BillingContactID()
		if !ok {
			return nil
		}
		if !m.Op().Is(ent.OpCreate | ent.OpUpdateOne) {
			return fmt.Errorf("billing contacts are chosen one coverage at a time")
		}
		clientID, err := coverageClient(ctx, m)
		if err != nil {
			return err
		}
		_, err = billingLink(ctx, m.Client(), "billingContactID", clientID, id)
		return err
	}, writeOps)
}

// billingLink is link id of client with the BILLING type, or the error on
// field that says why it is not one. It locks the link first
// (transaction.LockLink), as releaseBillingContact does before it reads
// which coverage records a link bills, so neither misses the other's
// change on PostgreSQL.
func billingLink(ctx context.Context, db *gen.Client, field string, client, id pulid.ID) (*gen.ClientContact, error) {
	if id.Prefix() == "co" {
		return nil, kith.Invalid(field, "%s is a contact's ID: give the ID of its link to the client (lk…), as the client's billingContacts list them", id)
	}
	if err := transaction.LockLink(ctx, db, id); err != nil {
		return nil, err
	}
	link, err := db.ClientContact.Query().Where(clientcontact.ID(id)).WithContact().Only(ctx)
	if err != nil {
		if gen.IsNotFound(err) {
			return nil, &kith.NotFoundError{Field: field, ID: id}
		}
		return nil, fmt.Errorf("reading the billing contact: %w", err)
	}
	name := contactName(link.Edges.Contact)
	switch {
	case link.ClientID != client:
		return nil, kith.Invalid(field, "%s is linked to another client, not this one; choose one of this client's billing contacts", name)
	case !slices.Contains(link.ContactTypes, schematype.ContactTypeBilling):
		return nil, kith.Invalid(field, "%s is not a billing contact of the client: add BILLING to the link's contact types first", name)
	}
	return link, nil
}

// contactName is a contact's full name, or "the contact" when it cannot be read.
func contactName(c *gen.Contact) string {
	if c == nil {
		return "the contact"
	}
	return strings.TrimSpace(c.FirstName + " " + c.LastName)
}

// releaseBillingContact clears the billing contact of the coverage records
// that name a link when the link loses its BILLING type or is removed, in
// the same transaction, and tells the mutation's answer so
// (kith.NoticeBillingContactCleared in extensions.warnings).
func releaseBillingContact() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			lm, ok := m.(*gen.ClientContactMutation)
			if !ok {
				return next.Mutate(ctx, m)
			}
			var field, why string
			switch {
			case m.Op().Is(ent.OpDelete | ent.OpDeleteOne):
				field, why = "id", "was removed from the client"
			case m.Op().Is(ent.OpUpdate|ent.OpUpdateOne) && losesBilling(lm):
				field, why = "contactTypes", "no longer has the BILLING contact type"
			default:
				return next.Mutate(ctx, m)
			}
			links, err := lm.IDs(ctx)
			if err != nil {
				return nil, fmt.Errorf("reading the links: %w", err)
			}
			for _, id := range links { // before reading who they bill: see billingLink
				if err := transaction.LockLink(ctx, lm.Client(), id); err != nil {
					return nil, err
				}
			}
			covs, err := lm.Client().Coverage.Query().
				Where(coverage.BillingContactIDIn(links...)).
				WithBillingContact(func(q *gen.ClientContactQuery) { q.WithContact() }).
				All(ctx)
			if err != nil {
				return nil, fmt.Errorf("finding the coverage records it bills: %w", err)
			}
			ids := make([]pulid.ID, len(covs))
			for i, c := range covs {
				ids[i] = c.ID
			}
			if len(ids) > 0 {
				if err := lm.Client().Coverage.Update().Where(coverage.IDIn(ids...)).ClearBillingContactID().Exec(ctx); err != nil {
					return nil, fmt.Errorf("clearing the billing contact of coverage records: %w", err)
				}
			}
			v, err := next.Mutate(ctx, m)
			if err != nil || len(ids) == 0 {
				return v, err
			}
			name := contactName(covs[0].Edges.BillingContact.Edges.Contact)
			what := "a coverage record of the client"
			if len(ids) > 1 {
				what = fmt.Sprintf("%d coverage records of the client", len(ids))
			}
			kith.Tell(ctx, kith.Notice{
				Code:    kith.NoticeBillingContactCleared,
				Field:   field,
				Message: fmt.Sprintf("%s was the billing contact of %s and no longer is, since the link %s; choose another billing contact for it", name, what, why),
				IDs:     ids,
			})
			return v, nil
		})
	}
}

// losesBilling reports whether m leaves the link without the BILLING type.
func losesBilling(m *gen.ClientContactMutation) bool {
	if types, ok := m.ContactTypes(); ok {
		return !slices.Contains(types, schematype.ContactTypeBilling)
	}
	return m.ContactTypesCleared()
}
