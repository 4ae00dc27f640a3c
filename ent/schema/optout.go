package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// PhoneOptOut is a number that texted STOP (or a synonym) to the practice:
// no SMS goes to it until it texts START.
type PhoneOptOut struct{ ent.Schema }

// Mixin of PhoneOptOut.
func (PhoneOptOut) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("po"), timeMixin{}, tenantMixin{}}
}

// Fields of PhoneOptOut.
func (PhoneOptOut) Fields() []ent.Field {
	return []ent.Field{
		field.String("phone").Immutable().Validate(text(maxPhone)).Comment("The number, in E.164 form; at most 32 characters."),
		field.String("keyword").Optional().Validate(text(maxShort)).Comment("The word the number texted, such as STOP; at most 255 characters."),
	}
}

// Indexes of PhoneOptOut.
func (PhoneOptOut) Indexes() []ent.Index {
	return []ent.Index{index.Fields("organization_id", "phone").Unique()}
}

// Annotations of PhoneOptOut.
func (PhoneOptOut) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A number that texted STOP: no SMS goes to it until it texts START."),
		entsql.Table("phone_opt_outs"),
		entgql.QueryField().Description("Numbers that opted out of SMS."),
	}
}

// Hooks of PhoneOptOut: an opt-out written (STOP) tells integrators
// sms.opted_out, one lifted (START) sms.opted_in.
func (PhoneOptOut) Hooks() []ent.Hook {
	return []ent.Hook{emitOptOutEvents()}
}

// Policy of PhoneOptOut: staff read them; only kith (the SMS webhook) writes them.
func (PhoneOptOut) Policy() ent.Policy { return systemWritePolicy() }

// EmailSuppression is an address email no longer goes to: it bounced, or
// its owner marked a message as spam.
type EmailSuppression struct{ ent.Schema }

// Mixin of EmailSuppression.
func (EmailSuppression) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("es"), timeMixin{}, tenantMixin{}}
}

// Fields of EmailSuppression.
func (EmailSuppression) Fields() []ent.Field {
	return []ent.Field{
		field.String("email").Immutable().Validate(text(maxEmail)).Comment("The address, lower-cased; at most 254 characters."),
		field.String("reason").Validate(text(maxNote)).Comment("Why: bounce, dropped or spam report, with the provider's words; at most 10,000 characters."),
	}
}

// Indexes of EmailSuppression.
func (EmailSuppression) Indexes() []ent.Index {
	return []ent.Index{index.Fields("organization_id", "email").Unique()}
}

// Annotations of EmailSuppression.
func (EmailSuppression) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("An address email no longer goes to: it bounced or its owner reported spam."),
		entsql.Table("email_suppressions"),
		entgql.QueryField().Description("Addresses email no longer goes to."),
	}
}

// Policy of EmailSuppression: staff read them; only kith (the email webhook) writes them.
func (EmailSuppression) Policy() ent.Policy { return systemWritePolicy() }
