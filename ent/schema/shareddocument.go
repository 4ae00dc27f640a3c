package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/kith-health/kith/ent/rule"
	"github.com/kith-health/kith/schematype"
)

// SharedDocument is a document the practice shares with a client through
// the portal. kith does not hold the file: it keeps the address of the file
// in the practice's file store (url) and what the portal shows about it.
// The client sees it; a contact sees it with the VIEW_DOCUMENTS scope.
type SharedDocument struct{ ent.Schema }

// Mixin of SharedDocument.
func (SharedDocument) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("sd"), timeMixin{}, tenantMixin{}}
}

// Fields of SharedDocument.
func (SharedDocument) Fields() []ent.Field {
	return []ent.Field{
		field.String("client_id").GoType(pulidID).Immutable(),
		field.String("title").Validate(requiredText(maxShort)).
			Comment("What the portal calls the document. At most 255 characters."),
		field.String("description").Validate(text(maxNote)).Optional().
			Comment("A few words about it, shown with the title. At most 10,000 characters."),
		field.String("file_name").Validate(requiredText(maxShort)).
			Comment("The file's name, such as treatment-plan.pdf. At most 255 characters."),
		field.String("content_type").Validate(text(maxLabel)).Optional().
			Comment("The file's media type, such as application/pdf. At most 100 characters."),
		field.Int64("size_bytes").Optional().Validate(between64(0, 1<<40)).
			Comment("The file's size in bytes, when known: from 0 to 1 TiB."),
		field.String("url").Validate(httpsURL(false)).
			Comment("Where the file is, in the practice's file store: an absolute https address. The portal gives it only when a document is opened. At most 2,048 characters."),
		field.String("shared_by_id").GoType(pulidID).Optional().Immutable().
			Comment("The staff member who shared it."),
	}
}

// Edges of SharedDocument.
func (SharedDocument) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("client", ClientProfile.Type).Field("client_id").Unique().Required().Immutable(),
		edge.To("shared_by", Staff.Type).Field("shared_by_id").Unique().Immutable().
			Comment("The staff member who shared it."),
	}
}

// Indexes of SharedDocument.
func (SharedDocument) Indexes() []ent.Index {
	return []ent.Index{index.Fields("client_id", "created_at")}
}

// Annotations of SharedDocument.
func (SharedDocument) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A document shared with a client through the portal; the file stays in the practice's file store, at url."),
		entsql.Table("shared_documents"),
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput, entgql.SkipOrderField),
	}
}

// Hooks of SharedDocument.
func (SharedDocument) Hooks() []ent.Hook { return []ent.Hook{validateSharedDocument()} }

// Policy of SharedDocument: staff; a portal viewer reads the documents of
// the client it acts for, a contact only with VIEW_DOCUMENTS.
func (SharedDocument) Policy() ent.Policy {
	return staffPolicy(rule.AllowPortalScopeRows("client_id", schematype.PortalScopeViewDocuments))
}
