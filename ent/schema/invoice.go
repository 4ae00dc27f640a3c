package schema

import (
	"slices"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/kith-health/kith/ent/privacy"
	"github.com/kith-health/kith/ent/rule"
	"github.com/kith-health/kith/schematype"
)

// Invoice is what a client owes the practice: its lines, their total and
// where it stands. Staff issue it OPEN; it ends PAID (through a payment)
// or VOID. Its lines and total never change once issued.
type Invoice struct{ ent.Schema }

// Mixin of Invoice.
func (Invoice) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("iv"), timeMixin{}, tenantMixin{}}
}

// Fields of Invoice.
func (Invoice) Fields() []ent.Field {
	return []ent.Field{
		field.String("client_id").GoType(pulidID).Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("number").Validate(text(maxCode)).Immutable().
			Comment("The invoice's number in the organisation, such as INV-0001, given in order of issue. At most 64 characters."),
		field.JSON("lines", []schematype.InvoiceLine{}).Immutable().
			Comment("What is billed: description, quantity and unit amount in cents.").
			Annotations(entgql.Type("[InvoiceLine!]")),
		field.Int("total_cents").Immutable().Validate(between(0, maxInvoiceLines*maxLineQuantity*maxLineUnitCents)).
			Comment("The sum of the lines, in the currency's smallest unit (cents)."),
		field.String("currency").Validate(text(maxCode)).Immutable().
			Comment("ISO 4217 code, such as CAD."),
		field.Enum("status").
			NamedValues("Open", "OPEN", "Paid", "PAID", "Void", "VOID").
			Default("OPEN").
			Comment("OPEN until it is paid (PAID) or withdrawn (VOID).").
			Annotations(entgql.Type("InvoiceStatus")),
		field.String("due_date").Validate(text(maxCode)).Optional().Immutable().
			Comment("When payment is due, as YYYY-MM-DD.").
			Annotations(entgql.Type("Date")),
		field.String("issued_by_id").GoType(pulidID).Optional().Immutable().
			Comment("The staff member who issued it."),
		field.String("billing_contact_id").GoType(pulidID).Optional().Immutable().
			Comment("The link (lk…) of the billing contact the invoice is addressed to, if any: a link of the client with the BILLING type when it was issued. The link may since have been removed; billedTo keeps who it was."),
		field.JSON("billed_to", &schematype.BilledTo{}).Optional().Immutable().
			Comment("Whom the invoice is addressed to: the billing contact's name, organisation reference, email and address as they were when it was issued. Empty for an invoice addressed to the client.").
			Annotations(entgql.Type("BilledTo")),
		field.Time("paid_at").Optional().Nillable().
			Comment("When it was paid."),
		field.Time("voided_at").Optional().Nillable().
			Comment("When it was voided."),
	}
}

// Edges of Invoice.
func (Invoice) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("client", ClientProfile.Type).Field("client_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.From("payments", Payment.Type).Ref("invoice").
			Comment("Attempts to pay it, succeeded and failed."),
	}
}

// Indexes of Invoice.
func (Invoice) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("organization_id", "number").Unique(),
		index.Fields("client_id", "created_at"),
	}
}

// Annotations of Invoice.
func (Invoice) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("What a client owes the practice: lines, total, and whether it is open, paid or void."),
		entsql.Table("invoices"),
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput, entgql.SkipOrderField),
	}
}

// Hooks of Invoice: its checks, and invoice.paid for integrators once it
// is paid.
func (Invoice) Hooks() []ent.Hook {
	return []ent.Hook{issueInvoice(), addressInvoice(), moveInvoice(), emitInvoiceEvents()}
}

// Policy of Invoice: staff issue and void invoices; a portal viewer reads
// the acting client's invoices with MANAGE_BILLING (the client itself
// always), and may only move an OPEN one to PAID (package billing does,
// with a payment): rule.AllowPortalPayInvoice.
func (Invoice) Policy() ent.Policy {
	return billingPolicy(
		rule.AllowIfStaff(),
		rule.AllowPortalPayInvoice(),
	)
}

// billingPolicy is the policy of invoices, payments and saved cards: kith
// itself and staff read them, and a portal viewer reads the acting client's
// with MANAGE_BILLING (the client itself always); kith itself writes them,
// and whoever writes allow.
func billingPolicy(writes ...privacy.MutationRule) ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.AllowIfSystem(), rule.AllowIfStaff(),
			rule.AllowPortalScopeRows("client_id", schematype.PortalScopeManageBilling),
			privacy.AlwaysDenyRule(),
		},
		Mutation: slices.Concat(
			privacy.MutationPolicy{rule.AllowIfSystem()},
			writes,
			privacy.MutationPolicy{privacy.AlwaysDenyRule()},
		),
	}
}
