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

// AppointmentChange is one step in an appointment's history: booked,
// rescheduled, confirmed, cancelled, completed or marked missed, with who did
// it. Only kith writes them, from the hook recordAppointmentChange declared
// on Appointment, in the transaction of the change; Client.timeline reads
// them.
type AppointmentChange struct{ ent.Schema }

// Mixin of AppointmentChange.
func (AppointmentChange) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("ah"), tenantMixin{}}
}

// Fields of AppointmentChange.
func (AppointmentChange) Fields() []ent.Field {
	return []ent.Field{
		field.String("appointment_id").GoType(pulidID).Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("client_id").GoType(pulidID).Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("action").
			NamedValues("Booked", "BOOKED", "Rescheduled", "RESCHEDULED", "Confirmed", "CONFIRMED",
				"Cancelled", "CANCELLED", "Completed", "COMPLETED", "Missed", "MISSED").
			Immutable().
			Comment("What happened to the appointment.").
			Annotations(entgql.Type("AppointmentChangeAction")),
		field.Time("starts_at").Immutable().
			Comment("The appointment's start after the change, in UTC."),
		field.Time("previous_starts_at").Optional().Nillable().Immutable().
			Comment("The start before a reschedule, in UTC."),
		field.String("reason").Optional().Immutable().Validate(text(maxShort)).
			Comment("The cancellation's reason; at most 255 characters."),
		field.Enum("actor").
			NamedValues("Staff", "STAFF", "Client", "CLIENT", "Contact", "CONTACT", "Kith", "KITH").
			Immutable().
			Comment("Who made the change: a staff member, the client or a contact (portal, booking widget, a reply by SMS), or kith itself.").
			Annotations(entgql.Type("TimelineActor")),
		field.String("staff_id").GoType(pulidID).Optional().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("contact_id").GoType(pulidID).Optional().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("created_at").Default(now).Immutable().
			Comment("When the change was made."),
	}
}

// Edges of AppointmentChange.
func (AppointmentChange) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("appointment", Appointment.Type).Field("appointment_id").Unique().Required().Immutable().
			Comment("The appointment that changed."),
		edge.To("client", ClientProfile.Type).Field("client_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("staff", Staff.Type).Field("staff_id").Unique().Immutable().
			Comment("The staff member who made the change; null when someone else did."),
		edge.To("contact", Contact.Type).Field("contact_id").Unique().Immutable().
			Comment("The contact who made the change; null when someone else did."),
	}
}

// Indexes of AppointmentChange.
func (AppointmentChange) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("client_id", "created_at"),
		index.Fields("appointment_id"),
	}
}

// Annotations of AppointmentChange.
func (AppointmentChange) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("One step in an appointment's history (booked, rescheduled, confirmed, cancelled, completed, missed) and who made it."),
		entsql.Table("appointment_changes"),
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput, entgql.SkipOrderField),
	}
}

// Policy of AppointmentChange: staff read it; only kith writes it.
func (AppointmentChange) Policy() ent.Policy { return systemWritePolicy() }
