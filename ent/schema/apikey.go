package schema

import (
	"context"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/privacy"
	"github.com/kith-health/kith/ent/rule"
)

// ApiKey is a long-lived key an integration reads and writes through
// GraphQL with: it acts with its role's rights in its organisation, for the
// organisation and not for a person. Only the SHA-256 of its secret is
// stored; the secret is shown once, when the key is created.
type ApiKey struct{ ent.Schema }

// Mixin of ApiKey.
func (ApiKey) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("ak"), tenantMixin{}}
}

// Fields of ApiKey.
func (ApiKey) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Validate(requiredText(maxName)).
			Comment("What the key is for, such as \"EHR sync\", as the access log shows it; at most 100 characters."),
		field.Enum("role").
			NamedValues("Admin", "ADMIN", "Practitioner", "PRACTITIONER", "FrontDesk", "FRONT_DESK").
			Immutable().
			Comment("The staff role whose rights the key has: ADMIN, PRACTITIONER or FRONT_DESK (never OWNER).").
			Annotations(entgql.Type("ApiKeyRole")),
		field.Bytes("secret_hash").Sensitive().Unique().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("prefix").Immutable().Validate(requiredText(maxCode)).
			Comment("The secret's first 12 characters (kith_ak_ and 4 more), to recognise the key by; never the secret."),
		field.String("created_by_id").GoType(pulidID).Optional().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("created_at").Default(now).Immutable().
			Comment("When the key was created."),
		field.Time("last_used_at").Optional().Nillable().
			Comment("When a request last came with the key, to the minute; null when never."),
		field.Time("revoked_at").Optional().Nillable().
			Comment("When the key was revoked; it has not worked since. Null while it works."),
	}
}

// Annotations of ApiKey.
func (ApiKey) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A long-lived key an integration calls the API with, as `Authorization: Bearer kith_ak_…`: it acts with its role's rights in the organisation, for the organisation and not a person."),
		entsql.Table("api_keys"),
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput),
	}
}

// Hooks of ApiKey.
func (ApiKey) Hooks() []ent.Hook {
	return []ent.Hook{
		hookOn(func(_ context.Context, m *gen.ApiKeyMutation) error {
			return normalize(m, "name", required)
		}, writeOps),
	}
}

// Policy of ApiKey: owners and admins list the keys (FORBIDDEN to other
// staff), only owners create and revoke them, and kith itself reads them
// to authenticate and records their use.
func (ApiKey) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.AllowIfSystem(),
			rule.AllowIfAdmin(),
			privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.AllowIfSystem(),
			rule.AllowIfOwner(),
			privacy.AlwaysDenyRule(),
		},
	}
}
