package schema

import (
	"fmt"

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

// Service is something a practice offers to book: a kind of session with a
// duration, an optional price, the practitioners who give it and, when it
// differs from the organisation's, its own booking rules.
type Service struct{ ent.Schema }

// Mixin of Service.
func (Service) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("sv"), timeMixin{}, tenantMixin{}}
}

// ruleOverride is a nullable per-service override of an organisation's booking rule.
func ruleOverride(name, comment string) ent.Field {
	lim := schematype.BookingRuleLimits[name]
	return field.Int(name).Optional().Nillable().Validate(between(lim.Min, lim.Max)).
		Comment(fmt.Sprintf("%s From %d to %d; null: the organisation's.", comment, lim.Min, lim.Max))
}

// Fields of Service.
func (Service) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Validate(requiredText(maxName)).
			Comment("What the service is called, as clients see it in the booking widget; at most 100 characters.").
			Annotations(entgql.OrderField("NAME")),
		field.Text("description").Validate(text(maxNote)).Optional().
			Comment("A sentence or two for clients choosing a service. At most 10,000 characters."),
		field.Int("duration_minutes").Validate(between(1, 24*60)).
			Comment("How long an appointment of the service lasts, in minutes (1 to 1440)."),
		field.Int("price_cents").Optional().Nillable().Validate(between(0, maxCents)).
			Comment("Price in the currency's smallest unit (cents), from 0 to 100,000,000; null when not shown."),
		field.String("currency").Validate(text(maxCode)).Optional().
			Comment("ISO 4217 code of the price, such as CAD; required with a price."),
		field.Bool("bookable_online").Default(false).
			Comment("Clients and visitors may book it in the booking widget."),
		field.Enum("mode").
			NamedValues("InPerson", "IN_PERSON", "Telehealth", "TELEHEALTH").
			Default("IN_PERSON").
			Comment("Where the session happens: in person at location, or by video.").
			Annotations(entgql.Type("ServiceMode")),
		field.String("location").Validate(text(maxShort)).Optional().
			Comment("Address or room of an in-person service, as free text; at most 255 characters. A practiceLocation, when set, wins: the text is for a one-off place."),
		field.String("practice_location_id").GoType(pulidID).Optional().
			Comment("The location the service is given at."),
		field.Time("archived_at").Optional().Nillable().
			Comment("When the service was archived: it can no longer be booked, and past appointments keep it.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		ruleOverride("booking_min_notice_minutes", "Minimum notice to book, in minutes."),
		ruleOverride("booking_max_advance_days", "How many days ahead clients may book."),
		ruleOverride("cancel_min_notice_minutes", "Minimum notice for a client to cancel, in minutes."),
		ruleOverride("reschedule_min_notice_minutes", "Minimum notice for a client to reschedule, in minutes."),
		ruleOverride("slot_interval_minutes", "Minutes between the start times offered."),
		ruleOverride("buffer_before_minutes", "Free minutes needed before an appointment of the service."),
		ruleOverride("buffer_after_minutes", "Free minutes needed after an appointment of the service."),
		field.Bool("require_cancellation_reason").Optional().Nillable().
			Comment("Clients must give a reason to cancel. Null: the organisation's."),
	}
}

// Edges of Service.
func (Service) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("practitioner_links", ServicePractitioner.Type).Ref("service").
			Comment("Who gives the service; see practitioners.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("practice_location", Location.Type).Field("practice_location_id").Unique().
			Comment("The location the service is given at, an active one of the organisation: appointments of the service, booked by staff, the portal or the widget, are held there unless they name another place."),
	}
}

// Indexes of Service.
func (Service) Indexes() []ent.Index {
	return []ent.Index{index.Fields("organization_id", "name")}
}

// Annotations of Service.
func (Service) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("Something the practice offers to book: its duration, price, practitioners and booking rules where they differ from the organisation's."),
		entsql.Table("services"),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}

// Hooks of Service.
func (Service) Hooks() []ent.Hook {
	return []ent.Hook{validateService(), checkServiceLocation()}
}

// Policy of Service: every staff member reads services; owners and admins
// manage them. The public widget reads them through package booking; a
// portal viewer reads those bookable online (to book them).
func (Service) Policy() ent.Policy {
	return adminWritePolicy(rule.AllowPortalBookableServices())
}

// ServicePractitioner says a practitioner gives a service. It is the join
// between Service and Staff, kept on this side so Staff has no edge to services.
type ServicePractitioner struct{ ent.Schema }

// Mixin of ServicePractitioner.
func (ServicePractitioner) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("sp"), tenantMixin{}}
}

// Fields of ServicePractitioner.
func (ServicePractitioner) Fields() []ent.Field {
	return []ent.Field{
		field.String("service_id").GoType(pulidID).Immutable(),
		field.String("staff_id").GoType(pulidID).Immutable(),
	}
}

// Edges of ServicePractitioner.
func (ServicePractitioner) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("service", Service.Type).Field("service_id").Unique().Required().Immutable(),
		edge.To("staff", Staff.Type).Field("staff_id").Unique().Required().Immutable(),
	}
}

// Indexes of ServicePractitioner.
func (ServicePractitioner) Indexes() []ent.Index {
	return []ent.Index{index.Fields("service_id", "staff_id").Unique(), index.Fields("staff_id")}
}

// Annotations of ServicePractitioner.
func (ServicePractitioner) Annotations() []schema.Annotation {
	return []schema.Annotation{entsql.Table("service_practitioners"), entgql.Skip(entgql.SkipAll)}
}

// Policy of ServicePractitioner: as Service's.
func (ServicePractitioner) Policy() ent.Policy { return adminWritePolicy() }

// WorkingHours is one interval of a practitioner's weekly hours, in the
// practitioner's time zone. A day may have several.
type WorkingHours struct{ ent.Schema }

// Mixin of WorkingHours.
func (WorkingHours) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("wh"), timeMixin{}, tenantMixin{}}
}

// Fields of WorkingHours.
func (WorkingHours) Fields() []ent.Field {
	return []ent.Field{
		field.String("staff_id").GoType(pulidID).Immutable(),
		field.Int("weekday").Validate(between(0, 6)).
			Comment("Day of the week: 0 Sunday, 1 Monday … 6 Saturday."),
		field.String("start").Validate(text(maxCode)).
			Comment("Local start time, HH:MM, in the practitioner's time zone."),
		field.String("end").Validate(text(maxCode)).
			Comment("Local end time, HH:MM (24:00 for midnight), after the start."),
	}
}

// Edges of WorkingHours.
func (WorkingHours) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("staff", Staff.Type).Field("staff_id").Unique().Required().Immutable(),
	}
}

// Indexes of WorkingHours.
func (WorkingHours) Indexes() []ent.Index {
	return []ent.Index{index.Fields("staff_id", "weekday")}
}

// Annotations of WorkingHours.
func (WorkingHours) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("One interval of a practitioner's weekly hours, in the practitioner's time zone."),
		entsql.Table("working_hours"),
	}
}

// Hooks of WorkingHours.
func (WorkingHours) Hooks() []ent.Hook {
	return []ent.Hook{validateWorkingHours()}
}

// Policy of WorkingHours: staff.
func (WorkingHours) Policy() ent.Policy { return staffPolicy() }

// ScheduleException changes a practitioner's hours: time off between two
// instants, or other hours (or none) on one local date.
type ScheduleException struct{ ent.Schema }

// Mixin of ScheduleException.
func (ScheduleException) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("sx"), timeMixin{}, tenantMixin{}}
}

// Fields of ScheduleException.
func (ScheduleException) Fields() []ent.Field {
	return []ent.Field{
		field.String("staff_id").GoType(pulidID).Immutable(),
		field.Enum("kind").
			NamedValues("TimeOff", "TIME_OFF", "Hours", "HOURS").
			Immutable().
			Comment("TIME_OFF: unavailable from startsAt to endsAt. HOURS: on date, the hours are start to end instead of the weekly ones (closed when both are null).").
			Annotations(entgql.Type("ScheduleExceptionKind")),
		field.Time("starts_at").Optional().Nillable().Immutable().
			Comment("Start of time off; from 2000-01-01 to 10 years from now."),
		field.Time("ends_at").Optional().Nillable().Immutable().
			Comment("End of time off, after the start; at most 10 years from now."),
		field.String("date").Validate(text(maxCode)).Optional().Immutable().
			Comment("Local date, YYYY-MM-DD, whose hours change; from 2000-01-01 to 10 years from now.").
			Annotations(entgql.Type("Date")),
		field.String("start").Validate(text(maxCode)).Optional().Immutable().
			Comment("Local start time that date, HH:MM."),
		field.String("end").Validate(text(maxCode)).Optional().Immutable().
			Comment("Local end time that date, HH:MM (24:00 for midnight)."),
		field.String("note").Validate(text(maxShort)).Optional().Immutable().
			Comment("Why, for staff. At most 255 characters."),
	}
}

// Edges of ScheduleException.
func (ScheduleException) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("staff", Staff.Type).Field("staff_id").Unique().Required().Immutable(),
	}
}

// Indexes of ScheduleException.
func (ScheduleException) Indexes() []ent.Index {
	return []ent.Index{index.Fields("staff_id", "starts_at"), index.Fields("staff_id", "date")}
}

// Annotations of ScheduleException.
func (ScheduleException) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A change to a practitioner's hours: time off, or other hours (or none) on one date."),
		entsql.Table("schedule_exceptions"),
	}
}

// Hooks of ScheduleException.
func (ScheduleException) Hooks() []ent.Hook {
	return []ent.Hook{validateScheduleException()}
}

// Policy of ScheduleException: staff.
func (ScheduleException) Policy() ent.Policy { return staffPolicy() }
