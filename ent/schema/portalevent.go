package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// PortalEvent is one thing a person did in the portal for a client: signed
// in, claimed an invitation, viewed a document, filled in a form, paid, sent
// a message, booked. Staff read a client's portal activity from them.
type PortalEvent struct{ ent.Schema }

// Mixin of PortalEvent.
func (PortalEvent) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("pe"), tenantMixin{}}
}

// Fields of PortalEvent.
func (PortalEvent) Fields() []ent.Field {
	return []ent.Field{
		field.String("client_id").GoType(pulidID).Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("contact_id").GoType(pulidID).Optional().Immutable().
			Comment("The contact who acted; empty when the client did.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("email").Validate(text(maxEmail)).Immutable().
			Comment("The address the person signed in with. At most 254 characters."),
		field.String("action").Validate(text(maxCode)).Immutable().
			Comment("What happened, such as SIGNED_IN, INVITATION_CLAIMED, DOCUMENT_VIEWED, FORM_SUBMITTED, INVOICE_PAID, MESSAGE_SENT or APPOINTMENT_BOOKED. At most 64 characters."),
		field.String("detail").Validate(text(maxShort)).Optional().Immutable().
			Comment("What it was about, in words: a document's title, an invoice's number. At most 255 characters."),
		field.String("subject_id").GoType(pulidID).Optional().Immutable().
			Comment("The record it was about, if any."),
		field.Time("created_at").Default(now).Immutable().
			Comment("When it happened."),
	}
}

// Edges of PortalEvent.
func (PortalEvent) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("client", ClientProfile.Type).Field("client_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("contact", Contact.Type).Field("contact_id").Unique().Immutable().
			Comment("The contact who acted; null when the client did."),
	}
}

// Indexes of PortalEvent.
func (PortalEvent) Indexes() []ent.Index {
	return []ent.Index{index.Fields("client_id", "created_at")}
}

// Annotations of PortalEvent.
func (PortalEvent) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("Something a client or contact did in the portal for a client."),
		entsql.Table("portal_events"),
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput, entgql.SkipOrderField),
	}
}

// Policy of PortalEvent: staff read it; only kith writes it.
func (PortalEvent) Policy() ent.Policy { return systemWritePolicy() }
