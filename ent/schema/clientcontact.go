package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/kith-health/kith/schematype"
)

// ClientContact links one contact to one client and says how: the
// relationship, the contact's roles, which messages it receives and what it
// may do in the portal for that client.
type ClientContact struct{ ent.Schema }

// Mixin of ClientContact.
func (ClientContact) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("lk"), timeMixin{}, tenantMixin{}}
}

// Fields of ClientContact.
func (ClientContact) Fields() []ent.Field {
	return []ent.Field{
		field.String("client_id").GoType(pulidID).Immutable(),
		field.String("contact_id").GoType(pulidID).Immutable(),
		field.Enum("relationship").
			NamedValues(
				"Parent", "PARENT", "Guardian", "GUARDIAN", "SpousePartner", "SPOUSE_PARTNER", "Child", "CHILD", "Sibling", "SIBLING", "OtherFamily", "OTHER_FAMILY", "Caregiver", "CAREGIVER", "Friend", "FRIEND", "Referrer", "REFERRER", "Other", "OTHER",
			).
			Default("OTHER").
			Comment("How the contact is related to the client: one relationship per pair.").
			Annotations(entgql.Type("Relationship")),
		field.String("relationship_label").Optional().Validate(text(maxLabel)).
			Comment("Optional wording for the relationship, such as 'stepfather'; at most 100 characters."),
		field.JSON("contact_types", []schematype.ContactType{}).Optional().
			Comment("Roles the contact plays for the client. ADDITIONAL_ADDRESS needs the contact to have an address."),
		field.Bool("notify_reminders").Default(false).
			Comment("The contact receives appointment reminders for the client."),
		field.Bool("notify_confirmations").Default(false).
			Comment("The contact receives confirmations, cancellation and missed-appointment notices."),
		field.Bool("notify_scheduled").Default(false).
			Comment("The contact receives scheduled emails and SMS about the client's appointments."),
		field.Bool("can_manage_appointments").Default(false).
			Comment("The contact may book, reschedule and cancel the client's appointments in the booking widget."),
		field.JSON("portal_scopes", []schematype.PortalScope{}).Optional().
			Comment("What the contact may do in the portal for the client."),
		field.Enum("portal_status").
			GoType(schematype.PortalStatus("")).
			Default(string(schematype.PortalStatusNone)).
			Comment("The contact's portal access for this client. ACTIVE makes the contact a connection.").
			Annotations(entgql.Type("PortalStatus"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Edges of ClientContact.
func (ClientContact) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("client", ClientProfile.Type).Field("client_id").Unique().Required().Immutable(),
		edge.To("contact", Contact.Type).Field("contact_id").Unique().Required().Immutable().
			Annotations(Join{}), // recipients read links with their contacts in one statement
	}
}

// Indexes of ClientContact.
func (ClientContact) Indexes() []ent.Index {
	return []ent.Index{index.Fields("client_id", "contact_id").Unique()}
}

// Annotations of ClientContact.
func (ClientContact) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("How one contact is linked to one client: the relationship, the contact types, the notification flags, and what the contact may do in the portal for that client."),
		entsql.Table("client_contacts"),
		entgql.Mutations(entgql.MutationUpdate()),
	}
}

// Hooks of ClientContact: contact types are checked; a link that loses its
// BILLING type, or is removed, stops being the billing contact of the
// client's coverage records. Linking and unlinking tell integrators
// contact.linked and contact.unlinked, the link's portal access granted or
// revoked portal.access_granted and .access_revoked (emitLinkEvents).
func (ClientContact) Hooks() []ent.Hook {
	return []ent.Hook{validateLink(), releaseBillingContact(), releaseHeldAtAddress(), emitLinkEvents()}
}

// Policy of ClientContact.
func (ClientContact) Policy() ent.Policy { return staffPolicy() }
