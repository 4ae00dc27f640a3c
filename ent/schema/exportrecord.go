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

// ExportRecord is the audit list of exports: one row for every CSV export
// and printed face sheet, written (by package export, as kith) when it
// starts, and completed with its row count when the last row is written.
// An export that breaks off keeps its row without completedAt.
type ExportRecord struct{ ent.Schema }

// Mixin of ExportRecord.
func (ExportRecord) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("ex"), tenantMixin{}}
}

// Fields of ExportRecord.
func (ExportRecord) Fields() []ent.Field {
	return []ent.Field{
		field.String("staff_id").GoType(pulidID).Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("kind").
			NamedValues("Clients", "CLIENTS", "Contacts", "CONTACTS", "Appointments", "APPOINTMENTS", "FaceSheet", "FACE_SHEET").
			Immutable().
			Comment("What was exported: the clients, the contacts with their links, the appointments of a date range (CSV), or one client's face sheet (HTML).").
			Annotations(entgql.Type("ExportKind")),
		field.String("parameters").Optional().Immutable().Validate(text(maxShort)).
			Comment("The export's parameters in words, such as from=2026-01-01T00:00:00Z to=2026-02-01T00:00:00Z, or the face sheet's client ID; at most 255 characters."),
		field.String("client_id").GoType(pulidID).Optional().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("row_count").Default(0).Validate(between(0, 1_000_000_000)).
			Comment("Rows written: data rows of a CSV (the header not counted), contacts on a face sheet."),
		field.Time("created_at").Default(now).Immutable().
			Comment("When the export started.").
			Annotations(entgql.OrderField("CREATED_AT")),
		field.Time("completed_at").Optional().Nillable().
			Comment("When its last row was written; null when it broke off (the connection closed, the database failed)."),
	}
}

// Edges of ExportRecord.
func (ExportRecord) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("staff", Staff.Type).Field("staff_id").Unique().Required().Immutable().
			Comment("Who exported."),
		edge.To("client", ClientProfile.Type).Field("client_id").Unique().Immutable().
			Comment("The client of a face sheet."),
	}
}

// Indexes of ExportRecord.
func (ExportRecord) Indexes() []ent.Index {
	return []ent.Index{index.Fields("organization_id", "created_at")}
}

// Annotations of ExportRecord.
func (ExportRecord) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("One export (CSV) or printed face sheet: who, what, with which parameters, how many rows, when."),
		entsql.Table("export_records"),
		entgql.RelayConnection(),
		entgql.QueryField("exports").Description("The audit list of exports and printed face sheets of the viewer's organisation, newest first; owners and admins only."),
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput),
	}
}

// Policy of ExportRecord: owners and admins read the audit list (other staff
// are FORBIDDEN); only kith writes it.
func (ExportRecord) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.AllowIfSystem(),
			rule.AllowIfAdmin(),
			privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.AllowIfSystem(),
			privacy.AlwaysDenyRule(),
		},
	}
}
