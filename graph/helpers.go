package graph

import (
	"context"
	"errors"
	"slices"

	"github.com/99designs/gqlgen/graphql"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/ent/contact"
	"github.com/kith-health/kith/ent/privacy"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// hideDenied makes a record the viewer may not read look like a missing one.
func hideDenied(ctx context.Context, err error) error {
	if errors.Is(err, privacy.Deny) && viewer.FromContext(ctx) != nil {
		return kith.ErrNotFound
	}
	return err
}

// setStatus moves an appointment to status; the appointment hook decides
// whether the move is allowed.
func (r *Resolver) setStatus(ctx context.Context, id pulid.ID, status appointment.Status, reason string) (*ent.Appointment, error) {
	u := r.tx(ctx).Appointment.UpdateOneID(id).SetStatus(status)
	if status == appointment.StatusCancelled {
		u.SetCancellationReason(reason)
	}
	return u.Save(ctx)
}

// linkFields are the Client fields built from its contact links.
var linkFields = []string{"recipients", "billingContacts"}

// preloadLinks makes q load each client's links and their contacts in one
// statement when the selection under path asks for a field built from them,
// so a list of clients costs the same number of statements whatever its length.
func preloadLinks(ctx context.Context, q *ent.ClientProfileQuery, path ...string) {
	oc := graphql.GetOperationContext(ctx)
	fields := graphql.CollectFieldsCtx(ctx, nil)
	for _, name := range path {
		i := slices.IndexFunc(fields, func(f graphql.CollectedField) bool { return f.Name == name })
		if i < 0 {
			return
		}
		fields = graphql.CollectFields(oc, fields[i].Selections, []string{"Client", "ClientEdge", "ClientConnection"})
	}
	if slices.ContainsFunc(fields, func(f graphql.CollectedField) bool { return slices.Contains(linkFields, f.Name) }) {
		q.WithContactLinks(withContact)
	}
}

func withContact(q *ent.ClientContactQuery) {
	q.WithContact().Order(clientcontact.ByCreatedAt(), clientcontact.ByID())
}

// contactLinks returns the client's links with their contacts, from what was
// preloaded when there is any.
func contactLinks(ctx context.Context, c *ent.ClientProfile) ([]*ent.ClientContact, error) {
	if links, err := c.Edges.ContactLinksOrErr(); err == nil && !slices.ContainsFunc(links, func(l *ent.ClientContact) bool { return l.Edges.Contact == nil }) {
		return links, nil
	}
	// One statement, the contacts joined under their own policy; a link of
	// a client has no duplicate to drop (no DISTINCT).
	return c.QueryContactLinks().Unique(false).
		Order(clientcontact.ByCreatedAt(), clientcontact.ByID()).
		AllJoinContact(ctx)
}

// recipientLinks is contactLinks for the recipients field: when its
// selection asks for neither a recipient's contact nor its link, the links
// and their contacts hold only the columns link.Recipients reads.
func recipientLinks(ctx context.Context, c *ent.ClientProfile) ([]*ent.ClientContact, error) {
	fc := graphql.GetFieldContext(ctx)
	if _, err := c.Edges.ContactLinksOrErr(); err == nil || fc == nil || slices.ContainsFunc(
		graphql.CollectFields(graphql.GetOperationContext(ctx), fc.Field.Selections, []string{"Recipient"}),
		func(f graphql.CollectedField) bool { return f.Name == "contact" || f.Name == "link" }) {
		return contactLinks(ctx, c)
	}
	return c.QueryContactLinks().Unique(false).
		Order(clientcontact.ByCreatedAt(), clientcontact.ByID()).
		Select(clientcontact.FieldContactID, clientcontact.FieldRelationship, clientcontact.FieldRelationshipLabel,
			clientcontact.FieldNotifyReminders, clientcontact.FieldNotifyConfirmations, clientcontact.FieldNotifyScheduled,
			clientcontact.FieldCanManageAppointments).
		AllJoinContact(ctx, contact.FieldFirstName, contact.FieldLastName, contact.FieldEmail, contact.FieldPhone)
}

// deref reads an optional argument, "" when absent.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// optional is nil for "", so empty text reads as null.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// derefBool is *b, or false.
func derefBool(b *bool) bool { return b != nil && *b }

// derefInt is *n, or def.
func derefInt(n *int, def int) int {
	if n == nil {
		return def
	}
	return *n
}

// tx is the client of the mutation's transaction (package transaction), or
// kith's client outside one.
func (r *Resolver) tx(ctx context.Context) *ent.Client { return transaction.Client(ctx, r.DB) }

// derefID is *id, or "" for nil.
func derefID(id *pulid.ID) pulid.ID {
	if id == nil {
		return ""
	}
	return *id
}
