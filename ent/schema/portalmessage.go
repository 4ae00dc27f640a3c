package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/kith-health/kith/ent/privacy"
	"github.com/kith-health/kith/ent/rule"
)

// PortalMessage is one secure message between the practice and a person of
// the client portal, about a client. A thread is a client and a contact:
// each contact with the MESSAGING scope has its own thread with the
// practice about the client, and the client's own thread (contact empty)
// holds only the client's messages (seed 003).
type PortalMessage struct{ ent.Schema }

// Mixin of PortalMessage.
func (PortalMessage) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("mg"), tenantMixin{}}
}

// Fields of PortalMessage.
func (PortalMessage) Fields() []ent.Field {
	return []ent.Field{
		field.String("client_id").GoType(pulidID).Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		// A plain column, not an edge: a portal contact may write in its own
		// thread without reading contact records (the portal reads none).
		field.String("contact_id").GoType(pulidID).Optional().Immutable().
			Comment("The contact whose thread it is; empty in the client's own thread.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("direction").
			NamedValues("FromPractice", "FROM_PRACTICE", "FromPortal", "FROM_PORTAL").
			Immutable().
			Comment("FROM_PRACTICE when staff wrote it, FROM_PORTAL when the client or contact did.").
			Annotations(entgql.Type("MessageDirection")),
		field.Text("body").Validate(text(maxNote)).Immutable().
			Comment("The message, as written. At most 10,000 characters."),
		field.String("staff_id").GoType(pulidID).Optional().Immutable().
			Comment("The staff member who wrote it; empty for a message from the portal.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("author_email").Validate(text(maxEmail)).Optional().Immutable().
			Comment("The address the portal user who wrote it signed in with; empty for a message from the practice. At most 254 characters."),
		field.Time("read_at").Optional().Nillable().
			Comment("When the other side first read it: staff for a message from the portal, the portal user for one from the practice."),
		field.Time("created_at").Default(now).Immutable().
			Comment("When it was sent."),
	}
}

// Edges of PortalMessage.
func (PortalMessage) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("client", ClientProfile.Type).Field("client_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("author", Staff.Type).Field("staff_id").Unique().Immutable().
			Comment("The staff member who wrote it; null for a message from the portal."),
	}
}

// Indexes of PortalMessage.
func (PortalMessage) Indexes() []ent.Index {
	return []ent.Index{index.Fields("client_id", "contact_id", "created_at")}
}

// Annotations of PortalMessage.
func (PortalMessage) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A secure message between the practice and the client or one of its contacts, in the thread of that person about the client."),
		entsql.Table("portal_messages"),
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput, entgql.SkipOrderField),
	}
}

// Hooks of PortalMessage.
func (PortalMessage) Hooks() []ent.Hook {
	return []ent.Hook{notifyOfPortalMessage(), stampPortalMessage(), requireLinkedContact()}
}

// Policy of PortalMessage: staff read and write every thread; a portal
// viewer reads its own thread of the client it acts for, a contact only
// with the MESSAGING scope, and writes there only as rule.AllowPortalMessageWrites
// allows: new messages FROM_PORTAL, and marking the practice's as read.
func (PortalMessage) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.AllowIfSystem(),
			rule.AllowIfStaff(),
			rule.AllowPortalThreadRows("client_id", "contact_id"),
			privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.AllowIfSystem(),
			rule.AllowIfStaff(),
			rule.AllowPortalMessageWrites(),
			privacy.AlwaysDenyRule(),
		},
	}
}
