package schema

import (
	"regexp"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/kith-health/kith/ent/privacy"
	"github.com/kith-health/kith/ent/rule"
)

// Organization is a practice: the tenant every other record belongs to.
type Organization struct{ ent.Schema }

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)

// Mixin of Organization.
func (Organization) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("or"), timeMixin{}}
}

// Fields of Organization.
func (Organization) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Validate(requiredText(maxName)).
			Comment("The practice's name, as clients see it; at most 100 characters."),
		field.String("slug").Unique().Validate(text(maxCode)).Match(slugPattern).Immutable().
			Comment("Short name staff type to sign in, such as `maple-therapy`: lower-case letters, digits and dashes, at most 64 characters."),
		field.String("time_zone").Validate(text(maxCode)).Default("UTC").
			Comment("IANA time zone of the practice; new clients default to it. At most 64 characters."),
		field.String("default_language").Validate(text(maxCode)).Default("en").
			Comment("BCP 47 language tag; new clients default to it. At most 64 characters."),
		field.String("default_phone_region").Validate(text(maxCode)).Default("US").
			Comment("ISO 3166 region used to read phone numbers written without a country code, such as `CA`."),
		field.String("phone").Validate(text(maxPhone)).Optional().
			Comment("The practice's phone number (`[PracticePhone]`). At most 32 characters."),
		field.String("email").Validate(text(maxEmail)).Optional().
			Comment("The practice's email address (`[PracticeEmail]`). At most 254 characters."),
		field.Ints("reminder_lead_minutes").Optional().
			Comment("How long before an appointment reminders go, in minutes, from 1 to 43200 (30 days), at most 10 of them; default one, 1440 (24 hours). Whole days keep the wall-clock time across daylight-saving changes."),
		field.String("quiet_hours_start").Validate(text(maxCode)).Default("21:00").
			Comment("From this local time (HH:MM) SMS waits for quietHoursEnd; equal to quietHoursEnd to send at any hour."),
		field.String("quiet_hours_end").Validate(text(maxCode)).Default("08:00").
			Comment("Local time (HH:MM) SMS held by quiet hours goes out."),
		field.Text("sms_help_reply").Validate(text(maxShort * 2)).Optional().
			Comment("What kith answers a text saying HELP; a sentence with the practice's name and phone when empty. At most 510 characters."),
		bookingRule("booking_min_notice_minutes", 120, "Minimum notice to book online, in minutes; staff are not bound by it."),
		bookingRule("booking_max_advance_days", 60, "How many days ahead clients may book online."),
		bookingRule("cancel_min_notice_minutes", 1440, "Minimum notice for a client to cancel, in minutes; staff are not bound by it."),
		bookingRule("reschedule_min_notice_minutes", 1440, "Minimum notice for a client to reschedule, in minutes; staff are not bound by it."),
		bookingRule("slot_interval_minutes", 15, "Minutes between the start times the booking widget offers."),
		bookingRule("buffer_before_minutes", 0, "Free minutes needed before an appointment."),
		bookingRule("buffer_after_minutes", 0, "Free minutes needed after an appointment."),
		field.Bool("require_cancellation_reason").Default(false).
			Comment("Clients must give a reason to cancel.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Bool("portal_invite_on_create").Default(false).
			Comment("createClient invites the new client to the portal by email (the invitation inviteClientToPortal sends, valid for 72 hours) when it has an email address and email consent; without them the client is created uninvited and its portalStatus stays NONE. Off by default."),
		field.Int("form_reminder_delay_hours").Default(72).Validate(between(0, maxFormReminderDelayHours)).
			Comment("How many hours after a form is sent one reminder email goes to its addressee if it is still unsubmitted, from 0 (no reminder) to 720 (30 days); default 72. A form's reminder is timed when it is sent; setting 0 also stops the reminders not yet sent."),
		field.Int("call_auto_close_hours").Default(24).Validate(between(1, maxCallAutoCloseHours)).
			Comment("How many hours after a call ended on the phone kith closes it if nobody ended it, from 1 to 720 (30 days); default 24. A call that never reports its end is closed as long after it started."),
		field.Strings("widget_allowed_origins").Optional().
			Comment("Web origins (such as https://maple.example) whose pages may embed the booking widget, at most 20 of at most 2,048 characters; see updateBookingRules.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Edges of Organization.
func (Organization) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("staff", Staff.Type).Ref("organization").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Annotations of Organization.
func (Organization) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A practice: the organisation every other record belongs to. Staff see only their own."),
		entsql.Table("organizations"),
		entgql.Mutations(entgql.MutationUpdate()),
	}
}

// Hooks of Organization.
func (Organization) Hooks() []ent.Hook {
	return []ent.Hook{presentValidation(), validateOrganization()}
}

// Policy of Organization: staff and portal users see their own
// organisation; owners and admins change it.
func (Organization) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.FilterOwnOrganization(),
			rule.AllowIfSystem(),
			rule.AllowIfStaff(),
			rule.AllowIfPortal(),
			privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.FilterOwnOrganization(),
			rule.AllowIfSystem(),
			rule.AllowIfAdmin(),
			privacy.AlwaysDenyRule(),
		},
	}
}
