package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/kith-health/kith/schematype"
)

// Notification is one copy of a message to one recipient on one channel: sent,
// waiting, or skipped with the reason. The notifier writes them; staff read them.
type Notification struct{ ent.Schema }

// Mixin of Notification.
func (Notification) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("nt"), timeMixin{}, tenantMixin{}}
}

// Fields of Notification.
func (Notification) Fields() []ent.Field {
	return []ent.Field{
		field.String("client_id").GoType(pulidID).Immutable(),
		field.String("appointment_id").GoType(pulidID).Optional().Immutable(),
		field.String("scheduled_message_id").GoType(pulidID).Optional().Immutable().
			Comment("The scheduled message it came from, if any."),
		field.String("contact_id").GoType(pulidID).Optional().Immutable().
			Comment("The contact it went to; empty when it went to the client itself."),
		field.String("form_id").GoType(pulidID).Optional().Immutable().
			Comment("The form it asked for or reminded of (FORM_REQUEST, FORM_REMINDER), if any."),
		field.String("recipient_name").Immutable().Validate(text(maxShort)).Comment("Who it went to; at most 255 characters."),
		field.String("kind").GoType(schematype.MessageKind("")).Immutable().Validate(text(maxCode)).
			Annotations(entgql.Type("MessageKind")),
		field.String("channel").GoType(schematype.Channel("")).Immutable().Validate(text(maxCode)).
			Annotations(entgql.Type("Channel")),
		field.String("address").Optional().Immutable().Validate(text(maxEmail)).Comment("Email address or E.164 number; at most 254 characters."),
		field.String("subject").Optional().Immutable().Validate(text(maxRendered)).Comment("The subject sent; at most 1,000,000 characters."),
		field.Text("html").Optional().Immutable().Validate(text(maxRendered)).Comment("The HTML sent; at most 1,000,000 characters."),
		field.Text("text").Optional().Immutable().Validate(text(maxRendered)).Comment("The text sent; at most 1,000,000 characters."),
		field.Enum("status").
			NamedValues("Queued", "QUEUED", "Sent", "SENT", "Delivered", "DELIVERED", "Failed", "FAILED", "Skipped", "SKIPPED", "Cancelled", "CANCELLED").
			Default("QUEUED").
			Comment("QUEUED until handed to the provider, then SENT and DELIVERED, or FAILED; SKIPPED when the recipient could not or should not get it; CANCELLED when it was no longer due.").
			Annotations(entgql.Type("MessageStatus")),
		field.String("reason").Optional().Validate(text(maxNote)).Comment("Why it was skipped, failed or cancelled; at most 10,000 characters."),
		field.String("provider_id").Optional().Validate(text(maxShort)).Comment("The provider's ID: Twilio's SID or SendGrid's message ID; at most 255 characters."),
		field.Int("attempts").Default(0).Validate(between(0, 1_000_000)).Comment("How many times kith tried to hand it over."),
		field.Time("send_after").Comment("When it is due: after quiet hours for SMS."),
		field.Time("sent_at").Optional().Nillable(),
		field.Time("delivered_at").Optional().Nillable(),
		field.Time("failed_at").Optional().Nillable(),
	}
}

// Edges of Notification.
func (Notification) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("client", ClientProfile.Type).Field("client_id").Unique().Required().Immutable(),
		edge.To("appointment", Appointment.Type).Field("appointment_id").Unique().Immutable(),
		edge.To("contact", Contact.Type).Field("contact_id").Unique().Immutable(),
		edge.To("scheduled_message", ScheduledMessage.Type).Field("scheduled_message_id").Unique().Immutable(),
		edge.To("form", Form.Type).Field("form_id").Unique().Immutable(),
	}
}

// Indexes of Notification.
func (Notification) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("client_id", "created_at"),
		index.Fields("appointment_id"),
		index.Fields("form_id"),
		index.Fields("status", "send_after"),
	}
}

// Annotations of Notification.
func (Notification) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("One copy of a message to one recipient on one channel, with its status: the notifier's record of what it sent, and of whom it skipped and why."),
		entsql.Table("notifications"),
		entgql.RelayConnection(),
		entgql.QueryField().Description("Notifications (copies of messages) of the viewer's organisation, newest first by default; filter by client or appointment."),
	}
}

// Hooks of Notification: a notification sent, delivered, failed or skipped
// tells integrators notification.sent, .delivered, .failed or .skipped.
func (Notification) Hooks() []ent.Hook {
	return []ent.Hook{emitNotificationEvents()}
}

// Policy of Notification: staff read them; only kith writes them.
func (Notification) Policy() ent.Policy { return systemWritePolicy() }
