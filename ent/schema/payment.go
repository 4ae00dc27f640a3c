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

// Payment is one attempt to pay an invoice by card through the payment
// provider: PENDING while the provider is asked (package billing claims the
// invoice with it before the charge and finishes it after, in two short
// transactions), then SUCCEEDED (the invoice became PAID in the same
// transaction) or FAILED (declined; the invoice stays OPEN). Its idempotency
// key, chosen by the payer's app, is unique in the organisation: a retry
// with the same key returns the same payment, or resumes a PENDING one, and
// never charges twice. It holds no card data beyond the card's brand and
// last four digits, and, while PENDING, the provider's token to repeat the
// charge with.
type Payment struct{ ent.Schema }

// Mixin of Payment.
func (Payment) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("py"), tenantMixin{}}
}

// Fields of Payment.
func (Payment) Fields() []ent.Field {
	return []ent.Field{
		field.String("invoice_id").GoType(pulidID).Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("client_id").GoType(pulidID).Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("amount_cents").Immutable().Validate(between(0, maxInvoiceLines*maxLineQuantity*maxLineUnitCents)).
			Comment("What was charged (or tried), in the currency's smallest unit."),
		field.String("currency").Validate(text(maxCode)).Immutable(),
		field.Enum("status").
			NamedValues("Pending", "PENDING", "Succeeded", "SUCCEEDED", "Failed", "FAILED").
			Comment("PENDING until the provider answered; then SUCCEEDED or FAILED, for good.").
			Annotations(entgql.Type("PaymentStatus")),
		field.String("failure_reason").Validate(text(maxNote)).Optional().
			Comment("Why the provider declined the card, for FAILED payments. At most 10,000 characters."),
		field.String("provider_id").Validate(text(maxShort)).Optional().
			Comment("The payment provider's reference for the charge. At most 255 characters."),
		field.String("card_brand").Validate(text(maxCode)).Optional().Immutable().
			Comment("The card's network, such as visa, when it was a saved card. At most 64 characters."),
		field.String("card_last4").Validate(text(maxCode)).Optional().Immutable().
			Comment("The card's last four digits, when it was a saved card. At most 64 characters."),
		field.String("paid_by").Validate(text(maxEmail)).Immutable().
			Comment("The email address of the portal user who paid. At most 254 characters."),
		field.String("contact_id").GoType(pulidID).Optional().Immutable().
			Comment("The contact who paid; empty when the client did."),
		field.String("idempotency_key").Validate(key).Immutable().
			Comment("The payer's key for this payment: the same key never charges twice. 1 to 255 printable characters."),
		field.String("charge_token").Validate(text(maxShort)).Sensitive().Optional().
			Annotations(entgql.Skip(entgql.SkipAll)).
			Comment("The provider token a PENDING payment charges, so that its charge can be asked again; cleared when it finishes."),
		field.Time("created_at").Default(now).Immutable(),
	}
}

// Edges of Payment.
func (Payment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("invoice", Invoice.Type).Field("invoice_id").Unique().Required().Immutable().
			Comment("The invoice it paid or tried to pay."),
		edge.To("client", ClientProfile.Type).Field("client_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of Payment.
func (Payment) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("organization_id", "idempotency_key").Unique(),
		index.Fields("invoice_id", "created_at"),
		index.Fields("client_id", "created_at"),
	}
}

// Annotations of Payment.
func (Payment) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("An attempt to pay an invoice by card: PENDING while the provider is asked, then SUCCEEDED or FAILED (declined)."),
		entsql.Table("payments"),
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput, entgql.SkipOrderField),
	}
}

// Hooks of Payment: a declined payment tells integrators payment.failed.
func (Payment) Hooks() []ent.Hook {
	return []ent.Hook{emitPaymentEvents()}
}

// Policy of Payment: staff read payments; a portal viewer reads the acting
// client's with MANAGE_BILLING (the client itself always) and claims its
// own (package billing, PENDING, before the provider is asked). Only kith
// itself finishes one (the system viewer); nobody else edits one.
func (Payment) Policy() ent.Policy {
	return billingPolicy(rule.AllowPortalCreate(schematype.PortalScopeManageBilling, "client_id", "contact_id"))
}
