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
)

// Appointment is a session between a client and a practitioner. Times are
// stored in UTC and shown in the client's time zone.
type Appointment struct{ ent.Schema }

// Mixin of Appointment.
func (Appointment) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("ap"), timeMixin{}, tenantMixin{}}
}

// Fields of Appointment.
func (Appointment) Fields() []ent.Field {
	return []ent.Field{
		field.String("client_id").GoType(pulidID).Immutable(),
		field.String("practitioner_id").GoType(pulidID),
		field.String("created_by_id").GoType(pulidID).Optional().Immutable().
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Time("starts_at").
			Comment("Start, in UTC; from 2000-01-01 to 10 years from now.").
			Annotations(entgql.OrderField("STARTS_AT")),
		field.Time("ends_at").
			Comment("End, in UTC; after the start, and at most 24 hours after it."),
		field.String("time_zone").Validate(text(maxCode)).
			Comment("IANA time zone the appointment is shown in: the client's.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.String("location").Optional().Validate(text(maxShort)).Comment("A one-off place, as free text; at most 255 characters. A practiceLocation or an address source, when set, wins in messages: the text is for a one-off place."),
		field.String("practice_location_id").GoType(pulidID).Optional().
			Comment("The location of the practice where the appointment is held."),
		field.Enum("address_source").
			NamedValues("Client", "CLIENT", "Contact", "CONTACT").
			Optional().Nillable().
			Comment("The appointment is held at an address of the client's: CLIENT, the client's own address; CONTACT, the address of the additional-address contact of heldAtContactLink. Null: at a location, a one-off place or by video. Messages show the address as it is when they are sent.").
			Annotations(entgql.Type("AppointmentAddressSource")),
		field.String("held_at_contact_link_id").GoType(pulidID).Optional().
			Comment("The client's link to the contact whose address the appointment is held at."),
		field.String("telehealth_url").Optional().Validate(httpsURL(true)).Comment("Video link for a telehealth appointment: an absolute https address, at most 2,048 characters."),
		field.Enum("status").
			NamedValues(
				"Booked", "BOOKED", "Confirmed", "CONFIRMED", "Cancelled", "CANCELLED", "Completed", "COMPLETED", "Missed", "MISSED",
			).
			Default("BOOKED").
			Comment("Where the appointment stands; change it with the appointment mutations.").
			Annotations(entgql.Type("AppointmentStatus"), entgql.OrderField("STATUS"),
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.String("cancellation_reason").Optional().Validate(text(maxShort)).
			Comment("Why the appointment was cancelled; at most 255 characters.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Time("cancelled_at").Optional().Nillable().
			Comment("When the appointment was cancelled.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Text("notes").Optional().Validate(text(maxNote)).Comment("Staff notes; at most 10,000 characters."),
		field.String("service_id").GoType(pulidID).Optional().Comment("The service booked, if any."),
		field.String("idempotency_key").Optional().Immutable().Validate(key).
			Comment("The caller's key for this booking, 1 to 255 printable characters: booking again with the same key returns this appointment instead of a second one.").
			Annotations(entgql.Skip(entgql.SkipMutationUpdateInput, entgql.SkipWhereInput, entgql.SkipType)),
		field.Enum("booked_via").
			NamedValues("Staff", "STAFF", "Portal", "PORTAL", "Widget", "WIDGET").
			Default("STAFF").Immutable().
			Comment("Who booked it: staff, a client or contact signed in to the portal or booking widget, or a new visitor of the widget.").
			Annotations(entgql.Type("BookedVia"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Edges of Appointment.
func (Appointment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("client", ClientProfile.Type).Field("client_id").Unique().Required().Immutable(),
		edge.To("practitioner", Staff.Type).Field("practitioner_id").Unique().Required(),
		edge.To("created_by", Staff.Type).Field("created_by_id").Unique().Immutable().
			Comment("The staff member who booked the appointment.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.From("scheduled_messages", ScheduledMessage.Type).Ref("appointment").
			Comment("Messages scheduled for the appointment.").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("service", Service.Type).Field("service_id").Unique().
			Comment("The service booked, if any."),
		edge.From("changes", AppointmentChange.Type).Ref("appointment").
			Comment("The appointment's history, oldest first: booked, rescheduled, confirmed, cancelled…").
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.From("forms", Form.Type).Ref("appointment").
			Comment("Forms sent from the appointment (sendForm with appointmentId), as staff see them; a portal viewer only those it may see.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("practice_location", Location.Type).Field("practice_location_id").Unique().
			Comment("The location of the practice where the appointment is held: an active one when chosen. A new in-person appointment that names no place takes its service's location, else the client's default location."),
		edge.To("held_at_contact_link", ClientContact.Type).Field("held_at_contact_link_id").Unique().
			Comment("With addressSource CONTACT, the client's link to the contact whose address the appointment is held at; the link's contact types include ADDITIONAL_ADDRESS (see `Client.appointmentAddresses`). When the link loses that type or is removed, the appointment keeps the address as its text location and the reference is cleared."),
	}
}

// Indexes of Appointment.
func (Appointment) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("client_id", "starts_at"),
		// A practitioner's appointments by start, covering what availability
		// reads of them (booking's loadSchedules), so it reads no table row.
		index.Fields("practitioner_id", "starts_at", "ends_at", "status", "organization_id").StorageKey("appointment_practitioner_id_schedule"),
		// An organisation's appointments by start: the reminders due at a
		// time (notifier's due jobs) are found over it.
		index.Fields("organization_id", "starts_at"),
		// One appointment per idempotency key in an organisation.
		index.Fields("organization_id", "idempotency_key").Unique(),
	}
}

// Annotations of Appointment.
func (Appointment) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A session between a client and a practitioner, stored in UTC and shown in the client's time zone."),
		entsql.Table("appointments"),
		entgql.RelayConnection(),
		entgql.QueryField().Description("Appointments of the viewer's organisation."),
		entgql.Mutations(entgql.MutationCreate()),
	}
}

// Hooks of Appointment.
func (Appointment) Hooks() []ent.Hook {
	return []ent.Hook{notifyOfAppointment(), placeAppointment(), prepareAppointment(), noOverlap(), recordAppointmentChange(), emitAppointmentEvents()}
}

// Policy of Appointment: staff read and write; a portal viewer reads those
// of the client it acts for, and books, reschedules and cancels them when it
// may manage that client's appointments (rule.AllowPortalAppointmentWrites).
func (Appointment) Policy() ent.Policy {
	return privacy.Policy{
		Query: staffPolicy(rule.AllowPortalClientRows("client_id")).(privacy.Policy).Query,
		Mutation: privacy.MutationPolicy{
			rule.AllowIfSystem(),
			rule.AllowIfStaff(),
			rule.AllowPortalAppointmentWrites(),
			privacy.AlwaysDenyRule(),
		},
	}
}
