package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// ScheduledMessage is a custom email or SMS staff schedule for a client or
// for an appointment, at a time or relative to the appointment's start. It
// goes to the recipients whose scheduled-messages flag is on.
type ScheduledMessage struct{ ent.Schema }

// Mixin of ScheduledMessage.
func (ScheduledMessage) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("sm"), timeMixin{}, tenantMixin{}}
}

// Fields of ScheduledMessage.
func (ScheduledMessage) Fields() []ent.Field {
	return []ent.Field{
		field.String("client_id").GoType(pulidID).Immutable(),
		field.String("appointment_id").GoType(pulidID).Optional().Immutable(),
		field.String("subject").Validate(text(maxSubject)).Optional().Comment("Email subject; placeholders allowed. At most 255 characters."),
		field.Text("body").Validate(text(maxBody)).Comment("The message; placeholders allowed. It fills [Message] in the scheduled-message template. At most 10,000 characters."),
		field.Time("send_at").Optional().Nillable().
			Comment("When it goes, from 2000-01-01 to 10 years from now (a time past goes at once); or give minutesBeforeStart for an appointment."),
		field.Int("minutes_before_start").Optional().Nillable().Validate(between(0, maxLeadMinutes)).
			Comment("For an appointment: how long before its start it goes, from 0 to 43200 minutes (30 days); it follows the appointment when it moves."),
		field.Enum("status").
			NamedValues("Pending", "PENDING", "Sent", "SENT", "Cancelled", "CANCELLED").
			Default("PENDING").
			Comment("PENDING until it goes; it can be edited or cancelled until then.").
			Annotations(entgql.Type("ScheduledMessageStatus"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.String("reason").Validate(text(maxShort)).Optional().
			Comment("Why kith cancelled it, such as \"the appointment was cancelled\"; empty when staff cancelled it. At most 255 characters.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Time("sent_at").Optional().Nillable().
			Comment("When it went: its notifications were written then.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Edges of ScheduledMessage.
func (ScheduledMessage) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("client", ClientProfile.Type).Field("client_id").Unique().Required().Immutable(),
		edge.To("appointment", Appointment.Type).Field("appointment_id").Unique().Immutable(),
	}
}

// Indexes of ScheduledMessage.
func (ScheduledMessage) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("client_id", "created_at"),
		index.Fields("appointment_id", "status"),
	}
}

// Annotations of ScheduledMessage.
func (ScheduledMessage) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A custom email or SMS staff scheduled for a client or an appointment; it goes to the recipients whose scheduled-messages flag is on."),
		entsql.Table("scheduled_messages"),
		entgql.RelayConnection(),
		entgql.QueryField().Description("Scheduled messages of the viewer's organisation."),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}

// Hooks of ScheduledMessage.
func (ScheduledMessage) Hooks() []ent.Hook {
	return []ent.Hook{queueScheduledMessage(), validateScheduledMessage()}
}

// Policy of ScheduledMessage.
func (ScheduledMessage) Policy() ent.Policy { return staffPolicy() }
