// Package link owns how contacts are tied to clients: linking a new or
// existing contact with its relationship, types, flags and scopes, and the
// recipient list the notifier sends to. The rules that guard each write live
// in the ent hooks; this package composes the writes.
package link

import (
	"context"
	"fmt"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
)

// Input describes a contact to link to a client: an existing one (ContactID)
// or a new one (Contact), and how it is linked.
type Input struct {
	// ContactID names an existing contact; set it or Contact, not both.
	ContactID *pulid.ID
	// Contact describes a new contact to create.
	Contact *ent.CreateContactInput
	// AllowDuplicate creates the new contact even when its email or phone
	// matches an existing one. Default false.
	AllowDuplicate *bool
	// Relationship is how the contact is related to the client.
	Relationship clientcontact.Relationship
	// RelationshipLabel is optional wording for the relationship.
	RelationshipLabel *string
	// ContactTypes are the roles the contact plays for the client.
	ContactTypes []schematype.ContactType
	// NotifyReminders, NotifyConfirmations, NotifyScheduled and
	// CanManageAppointments are the link's flags; nil means false.
	NotifyReminders, NotifyConfirmations, NotifyScheduled, CanManageAppointments *bool
	// PortalScopes are what the contact may do in the portal for the client.
	PortalScopes []schematype.PortalScope
}

// Add links a new or existing contact to client clientID with c, which
// should be a transactional client so that a failure leaves nothing behind.
func Add(ctx context.Context, c *ent.Client, clientID pulid.ID, in Input) (*ent.ClientContact, error) {
	contactID, err := contactFor(ctx, c, in)
	if err != nil {
		return nil, err
	}
	exists, err := c.ClientContact.Query().
		Where(clientcontact.ClientID(clientID), clientcontact.ContactID(contactID)).
		Exist(ctx)
	if err != nil {
		return nil, fmt.Errorf("looking for an existing link: %w", err)
	}
	if exists {
		return nil, &kith.ConflictError{Field: "contactID", Message: "the contact is already linked to this client; change that link instead"}
	}
	create := c.ClientContact.Create().
		SetClientID(clientID).
		SetContactID(contactID).
		SetRelationship(in.Relationship).
		SetNillableRelationshipLabel(in.RelationshipLabel).
		SetNillableNotifyReminders(in.NotifyReminders).
		SetNillableNotifyConfirmations(in.NotifyConfirmations).
		SetNillableNotifyScheduled(in.NotifyScheduled).
		SetNillableCanManageAppointments(in.CanManageAppointments)
	if in.ContactTypes != nil {
		create.SetContactTypes(in.ContactTypes)
	}
	if in.PortalScopes != nil {
		create.SetPortalScopes(in.PortalScopes)
	}
	l, err := create.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("linking contact: %w", err)
	}
	return l, nil
}

// contactFor returns the contact the input names, creating it when it is new.
func contactFor(ctx context.Context, c *ent.Client, in Input) (pulid.ID, error) {
	switch {
	case (in.ContactID == nil) == (in.Contact == nil):
		return "", kith.Invalid("contactID", "give either contactID for an existing contact or contact for a new one")
	case in.ContactID != nil:
		return *in.ContactID, nil
	}
	if in.AllowDuplicate != nil && *in.AllowDuplicate {
		ctx = schematype.WithDuplicatesAllowed(ctx)
	}
	created, err := c.Contact.Create().SetInput(*in.Contact).Save(ctx)
	if err != nil {
		return "", kith.WithFieldPrefix("contact", err)
	}
	return created.ID, nil
}
