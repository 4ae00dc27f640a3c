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

// SavedCard is a card a client's billing managers saved in the portal to pay
// the client's invoices. kith keeps the payment provider's token for it and
// what people recognise it by (brand, last four digits, expiry), never the
// card number.
type SavedCard struct{ ent.Schema }

// Mixin of SavedCard.
func (SavedCard) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("cd"), tenantMixin{}}
}

// Fields of SavedCard.
func (SavedCard) Fields() []ent.Field {
	return []ent.Field{
		field.String("client_id").GoType(pulidID).Immutable(),
		field.String("contact_id").GoType(pulidID).Optional().Immutable().
			Comment("The contact who added it; empty when the client did."),
		field.String("added_by").Validate(text(maxEmail)).Immutable().
			Comment("The email address of the portal user who added it. At most 254 characters."),
		field.String("provider_token").Validate(text(maxShort)).Sensitive().Immutable().
			Comment("The payment provider's token that charges the card. At most 255 characters."),
		field.String("brand").Validate(text(maxCode)).Immutable().
			Comment("At most 64 characters."),
		field.String("last4").Validate(text(maxCode)).Immutable().
			Comment("At most 64 characters."),
		field.Int("exp_month").Immutable().Validate(between(1, 12)).Comment("Expiry month, 1 to 12."),
		field.Int("exp_year").Immutable().Validate(between(2000, 2200)).Comment("Expiry year, 2000 to 2200."),
		field.Time("created_at").Default(now).Immutable(),
	}
}

// Edges of SavedCard.
func (SavedCard) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("client", ClientProfile.Type).Field("client_id").Unique().Required().Immutable(),
	}
}

// Indexes of SavedCard.
func (SavedCard) Indexes() []ent.Index {
	return []ent.Index{index.Fields("client_id", "created_at")}
}

// Annotations of SavedCard.
func (SavedCard) Annotations() []schema.Annotation {
	return []schema.Annotation{entsql.Table("saved_cards"), entgql.Skip(entgql.SkipAll)}
}

// Policy of SavedCard: a portal viewer with MANAGE_BILLING (the client
// itself always) reads, adds and removes the acting client's cards; staff
// read them.
func (SavedCard) Policy() ent.Policy {
	return billingPolicy(
		rule.AllowPortalCreate(schematype.PortalScopeManageBilling, "client_id", "contact_id"),
		rule.AllowPortalChange(schematype.PortalScopeManageBilling, ent.OpDeleteOne, "client_id"),
	)
}
