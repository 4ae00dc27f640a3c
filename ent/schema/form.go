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
	"github.com/kith-health/kith/schematype"
)

// Form is a form staff send to a client, to fill in (and sign, when a
// signature is requested) in the portal. Sent to the client, the client
// and its contacts with VIEW_FORMS see it; sent to a named contact
// (contact_id), that contact (with VIEW_FORMS) and the client see it, and
// only that contact fills it in. It is filled in once: SENT, then SUBMITTED
// (or WITHDRAWN by staff before that).
type Form struct{ ent.Schema }

// Mixin of Form.
func (Form) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("fm"), timeMixin{}, tenantMixin{}}
}

// Fields of Form.
func (Form) Fields() []ent.Field {
	return []ent.Field{
		field.String("client_id").GoType(pulidID).Immutable(),
		field.String("contact_id").GoType(pulidID).Optional().Immutable().
			Comment("The contact it is addressed to; empty when it is for the client."),
		field.String("title").Validate(requiredText(maxShort)).
			Comment("The form's title; at most 255 characters."),
		field.Text("description").Optional().Validate(text(maxNote)).
			Comment("Instructions shown above the questions; at most 10,000 characters."),
		field.JSON("questions", []schematype.Question{}).
			Comment("The questions, in order: at most 200, labels of at most 500 characters, at most 50 options each.").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		field.Bool("signature_requested").Default(false).Immutable().
			Comment("The person must sign, by typing their name, to submit it."),
		field.Enum("status").
			NamedValues("Sent", "SENT", "Submitted", "SUBMITTED", "Withdrawn", "WITHDRAWN").
			Default("SENT").
			Comment("SENT until it is filled in, then SUBMITTED; WITHDRAWN when staff took it back unsubmitted (withdrawForm): it can no longer be filled in and is not reminded of. A submitted or withdrawn form no longer changes.").
			Annotations(entgql.Type("FormStatus")),
		field.JSON("answers", []schematype.Answer{}).Optional().
			Comment("The answers given, in the questions' order; unanswered questions are left out.").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		field.String("signed_name").Optional().Validate(text(maxShort)).
			Comment("The name typed as a signature, when one was requested; at most 255 characters."),
		field.Time("signed_at").Optional().Nillable().
			Comment("When it was signed."),
		field.Time("submitted_at").Optional().Nillable().
			Comment("When it was submitted."),
		field.Time("withdrawn_at").Optional().Nillable().
			Comment("When staff withdrew it."),
		field.String("submitted_by").Optional().Validate(text(maxEmail)).
			Comment("The portal email address it was submitted with; at most 254 characters."),
		field.String("sent_by_id").GoType(pulidID).Optional().Immutable().
			Comment("The staff member who sent it."),
		field.String("appointment_id").GoType(pulidID).Optional().Immutable().
			Comment("The appointment it was sent from (\"Send Form To\" in the appointment dialog), one of the same client's; empty otherwise."),
		field.Time("reminder_sent_at").Optional().Nillable().
			Comment("When kith emailed the reminder of this still unsubmitted form (organisation's formReminderDelayHours after it was sent); null until then, and for a form submitted in time.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput)),
	}
}

// Edges of Form.
func (Form) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("client", ClientProfile.Type).Field("client_id").Unique().Required().Immutable(),
		edge.To("contact", Contact.Type).Field("contact_id").Unique().Immutable().
			Comment("The contact it is addressed to; null when it is for the client."),
		edge.To("sent_by", Staff.Type).Field("sent_by_id").Unique().Immutable().
			Comment("The staff member who sent it."),
		edge.To("appointment", Appointment.Type).Field("appointment_id").Unique().Immutable().
			Comment("The appointment it was sent from; null when it was sent from the client's record."),
	}
}

// Indexes of Form.
func (Form) Indexes() []ent.Index {
	return []ent.Index{index.Fields("client_id", "created_at"), index.Fields("appointment_id")}
}

// Annotations of Form.
func (Form) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A form sent to a client, or to one of its contacts, to fill in (and sign) in the portal."),
		entsql.Table("forms"),
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput, entgql.SkipOrderField),
	}
}

// Hooks of Form: its checks as it is sent, submitted or withdrawn
// (validateForm), and, when one is sent, the FORM_REQUEST email to its
// addressee with the job of its one reminder (notifyOfForm); once it is
// submitted, form.submitted for integrators (emitFormEvents).
func (Form) Hooks() []ent.Hook {
	return []ent.Hook{validateForm(), notifyOfForm(), cancelFormEmails(), emitFormEvents()}
}

// Policy of Form: staff read and write; a portal viewer reads the forms it
// may see (rule.AllowPortalFormRows) and submits the ones it may fill in
// (rule.AllowPortalFormSubmit).
func (Form) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.AllowIfSystem(), rule.AllowIfStaff(),
			rule.AllowPortalFormRows(),
			privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.AllowIfSystem(), rule.AllowIfStaff(),
			rule.AllowPortalFormSubmit(),
			privacy.AlwaysDenyRule(),
		},
	}
}
