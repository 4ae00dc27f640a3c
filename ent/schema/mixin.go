// Package schema defines kith's data model: the ent schemas, their privacy
// policies and the hooks that keep every write valid whichever path it takes
// (GraphQL, CLI, jobs).
package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"entgo.io/ent/schema/mixin"

	"github.com/kith-health/kith/ent/privacy"
	"github.com/kith-health/kith/ent/rule"
	"github.com/kith-health/kith/pulid"
)

// IDPrefix is the annotation that records a schema's global ID prefix.
type IDPrefix struct {
	// Prefix is the two letters every ID of the type starts with.
	Prefix string
}

// Name implements schema.Annotation.
func (IDPrefix) Name() string { return "IDPrefix" }

// idMixin gives a schema a prefixed ULID primary key (see package pulid).
type idMixin struct {
	mixin.Schema
	prefix string
}

func withID(prefix string) idMixin { return idMixin{prefix: prefix} }

// Fields implements ent.Mixin.
func (m idMixin) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").
			GoType(pulid.ID("")).
			DefaultFunc(func() pulid.ID { return pulid.New(m.prefix) }).
			Immutable(),
	}
}

// Annotations implements ent.Mixin.
func (m idMixin) Annotations() []schema.Annotation {
	return []schema.Annotation{IDPrefix{Prefix: m.prefix}}
}

// Hooks implements ent.Mixin. Every schema has an ID, so this mixin's hooks
// run first, right after the privacy policy: foldAppends.
func (idMixin) Hooks() []ent.Hook { return []ent.Hook{foldAppends()} }

// timeMixin records when a row was created and last updated.
type timeMixin struct{ mixin.Schema }

// Fields implements ent.Mixin.
func (timeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").Default(now).Immutable().
			Comment("When the record was created.").
			Annotations(entgql.OrderField("CREATED_AT"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Time("updated_at").Default(now).UpdateDefault(now).
			Comment("When the record was last changed.").
			Annotations(entgql.OrderField("UPDATED_AT"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// tenantMixin makes a schema belong to exactly one organisation. Its policy
// confines every query and mutation to the viewer's organisation, and it
// refuses edges to records of another organisation.
type tenantMixin struct{ mixin.Schema }

// Fields implements ent.Mixin.
func (tenantMixin) Fields() []ent.Field {
	return []ent.Field{
		field.String("organization_id").
			GoType(pulid.ID("")).
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges implements ent.Mixin.
func (tenantMixin) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("organization", Organization.Type).
			Field("organization_id").
			Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes implements ent.Mixin.
func (tenantMixin) Indexes() []ent.Index {
	return []ent.Index{index.Fields("organization_id")}
}

// Policy implements ent.Mixin: it narrows, then lets the schema's own policy decide.
func (tenantMixin) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.FilterOrganization(),
		},
		Mutation: privacy.MutationPolicy{
			rule.FilterOrganization(),
			rule.AssignOrganization(),
		},
	}
}

// Hooks implements ent.Mixin.
func (tenantMixin) Hooks() []ent.Hook {
	return []ent.Hook{presentValidation(), rule.EdgesInOrganization()}
}
