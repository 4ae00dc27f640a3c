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

// ClientProfile is a client: a person the practice serves, who appointments are for.
// It is named ClientProfile in Go because ent reserves Client; GraphQL calls it Client.
type ClientProfile struct{ ent.Schema }

// Mixin of ClientProfile.
func (ClientProfile) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("cl"), timeMixin{}, tenantMixin{}}
}

// Fields of ClientProfile.
func (ClientProfile) Fields() []ent.Field {
	return []ent.Field{
		field.String("first_name").Validate(requiredText(maxName)).
			Comment("Legal first name; at most 100 characters.").
			Annotations(entgql.OrderField("FIRST_NAME")),
		field.String("last_name").Validate(requiredText(maxName)).
			Comment("Legal last name; at most 100 characters.").
			Annotations(entgql.OrderField("LAST_NAME")),
		field.String("preferred_name").Optional().Validate(text(maxName)).
			Comment("Name the client goes by; messages use it when set. At most 100 characters."),
		field.String("pronouns").Optional().Validate(text(maxLabel)).Comment("Personal pronouns, such as she/her; at most 100 characters."),
		field.String("salutation").Optional().Validate(text(maxLabel)).Comment("Salutation, such as Ms or Dr; at most 100 characters."),
		field.String("date_of_birth").Optional().Validate(text(maxCode)).
			Comment("Date of birth, from 1900-01-01 to today.").
			Annotations(entgql.Type("Date")),
		field.String("sex_assigned_at_birth").Optional().Validate(text(maxLabel)).Comment("Sex assigned at birth, as chosen or written by staff; at most 100 characters."),
		field.String("language").Optional().Validate(text(maxCode)).
			Comment("BCP 47 tag of the language messages are written in (at most 64 characters); defaults to the organisation's."),
		field.String("time_zone").Optional().Validate(text(maxCode)).
			Comment("IANA time zone appointments are shown in (at most 64 characters); defaults to the organisation's."),
		field.String("email").Optional().Validate(text(maxEmail)).
			Comment("Email address; at most 254 characters."),
		field.Bool("email_consent").Default(true).
			Comment("The client agrees to receive email; needed for appointment links and access codes by email."),
		field.String("mobile_phone").Optional().Validate(text(maxPhone)).
			Comment("Mobile number in E.164 form; numbers without a country code are read in the organisation's phone region. At most 32 characters."),
		field.Bool("sms_consent").Default(false).
			Comment("The client agrees to receive SMS; needs a mobile number."),
		field.Bool("mobile_is_primary").Default(true).
			Comment("The mobile number is the client's primary number."),
		field.Bool("voice_consent").Default(false).
			Comment("The client agrees to receive voice calls."),
		field.JSON("other_phones", []schematype.Phone{}).Optional().
			Comment("Other phone numbers, each with a label: at most 10, labels of at most 100 characters, numbers of at most 32."),
		field.JSON("address", &schematype.Address{}).Optional().
			Comment("Postal address, with apartment or suite: lines of at most 200 characters, city, region and country of at most 100, postal code of at most 20."),
		field.Enum("preferred_contact_method").
			NamedValues(
				"Email", "EMAIL", "SMS", "SMS", "Both", "BOTH",
			).
			Default("EMAIL").
			Comment("How messages reach the client and its contacts alike.").
			Annotations(entgql.Type("ContactMethod")),
		field.Enum("status").
			NamedValues(
				"Lead", "LEAD", "Active", "ACTIVE", "Inactive", "INACTIVE", "Archived", "ARCHIVED",
			).
			Default("ACTIVE").
			Comment("Where the client is with the practice.").
			Annotations(entgql.Type("ClientStatus"), entgql.OrderField("STATUS")),
		field.Strings("tags").Optional().
			Comment("Free-form labels for sorting clients: at most 50, each of at most 100 characters."),
		field.String("alert").Optional().Validate(text(maxShort)).
			Comment("A warning staff see wherever the client appears, such as an allergy; at most 255 characters."),
		field.Text("notes").Optional().Validate(text(maxNote)).Comment("Staff notes; at most 10,000 characters."),
		field.String("referring_provider").Optional().Validate(text(maxShort)).Comment("Who referred the client; at most 255 characters."),
		field.Bool("qualified").Optional().Nillable().
			Comment("The client is qualified: assessed as eligible for the care or funded program the practice sees it under (often by the referring provider's or the funder's intake). Null when it does not apply or is not recorded; false when assessed and not qualified."),
		field.String("veteran_id").Optional().Validate(text(maxCode)).
			Comment("The client's Veteran ID (a service or file number from a veterans' program), for billing such programs; at most 64 characters."),
		field.String("default_location_id").GoType(pulidID).Optional().
			Comment("The location where the client is treated: an active location of the organisation."),
		field.Bool("notify_reminders").Default(true).
			Comment("The client itself receives appointment reminders."),
		field.Bool("notify_confirmations").Default(true).
			Comment("The client itself receives confirmations, cancellation and missed-appointment notices."),
		field.Bool("notify_scheduled").Default(true).
			Comment("The client itself receives scheduled emails and SMS."),
		field.Enum("portal_status").
			GoType(schematype.PortalStatus("")).
			Default(string(schematype.PortalStatusNone)).
			Comment("The client's own portal access. ACTIVE once the client claimed its invitation.").
			Annotations(entgql.Type("PortalStatus"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput)),
	}
}

// Edges of ClientProfile.
func (ClientProfile) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("contacts", Contact.Type).
			Through("contact_links", ClientContact.Type).
			Comment("People linked to the client; see `contactLinks` for how each is linked.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.From("practitioners", Staff.Type).Ref("assigned_clients").
			Comment("Practitioners assigned to the client."),
		edge.From("appointments", Appointment.Type).Ref("client").
			Comment("The client's appointments.").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.From("coverages", Coverage.Type).Ref("client").
			Comment("Health cards, fee programs and billing authorisations.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.From("scheduled_messages", ScheduledMessage.Type).Ref("client").
			Comment("Messages scheduled for the client or its appointments.").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("default_location", Location.Type).Field("default_location_id").Unique().
			Comment("The location where the client is treated; new appointments held in person take it when neither they nor their service name one."),
	}
}

// Indexes of ClientProfile.
func (ClientProfile) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("organization_id", "last_name", "first_name"),
		index.Fields("organization_id", "email"),
	}
}

// Annotations of ClientProfile.
func (ClientProfile) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A person the practice serves: who appointments are for. Its contacts, their relationship and flags are in contactLinks; recipients lists who receives its messages."),
		entsql.Table("clients"),
		// GraphQL calls it Client: its types are Client, ClientConnection,
		// CreateClientInput … and fragments on Client collect its fields.
		entgql.Type("Client"),
		entgql.RelayConnection(),
		entgql.QueryField("clients").Description("Clients of the viewer's organisation."),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
		// What the resolvers of its fields outside ent read (link.Recipients;
		// billingContacts loads the links by the client's ID).
		Collects{
			"recipients": {"first_name", "preferred_name", "last_name", "email", "mobile_phone",
				"notify_reminders", "notify_confirmations", "notify_scheduled"},
			"billingContacts": {},
		},
	}
}

// Hooks of ClientProfile: its checks, and the integrator events of a
// client created or changed (client.created, client.updated) and of its own
// portal access granted or revoked (portal.access_granted, .access_revoked).
func (ClientProfile) Hooks() []ent.Hook {
	return []ent.Hook{validateClient(), requireReachableClient(), followClientTimeZone(), checkClientLocation(), emitClientEvents(), emitClientPortalEvents()}
}

// Policy of ClientProfile: staff; a portal viewer reads the client it acts for.
func (ClientProfile) Policy() ent.Policy {
	return staffPolicy(rule.AllowPortalClientRows("id"))
}

// Coverage is a client's health card, fee program or billing authorisation.
type Coverage struct{ ent.Schema }

// Mixin of Coverage.
func (Coverage) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("cv"), timeMixin{}, tenantMixin{}}
}

// Fields of Coverage.
func (Coverage) Fields() []ent.Field {
	return []ent.Field{
		field.String("client_id").GoType(pulidID).Immutable(),
		field.String("region").Optional().Validate(text(maxCode)).
			Comment("Province or territory that issued the health card: its code (ON, BC, QC…, stored so) or its English or French name (Ontario, Québec…). Another region is kept as written and its card is not checked. At most 64 characters."),
		field.String("health_card_number").Optional().Validate(text(maxCode)).
			Comment("Health card number, checked against its region's format when written (Ontario's and British Columbia's check digits, Québec's letters and birth date against the client's name and date of birth, the other provinces' lengths): a wrong one is refused. Stored without spaces or dashes. At most 64 characters."),
		field.String("health_card_version").Optional().Validate(text(maxCode)).
			Comment("Health card version code: one or two letters, Ontario's cards only. At most 64 characters."),
		field.Time("health_card_validated_at").Optional().Nillable().
			Comment("When the health card was last validated: each time its region, number or version is written, and by validateHealthCard. Empty without a number.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput)),
		field.String("health_card_validated_by").Optional().
			Comment("How it was validated: FORMAT (kith's check of the region's format) or the name of the eligibility service.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput)),
		field.Enum("health_card_status").
			NamedValues("Valid", "VALID", "Unchecked", "UNCHECKED", "NotEligible", "NOT_ELIGIBLE").
			Optional().Nillable().
			Comment("What the last validation found: VALID (the region's format, or the eligibility service accepted it), UNCHECKED (kith knows no format for the region) or NOT_ELIGIBLE (the eligibility service refused it). A card that cannot be right is never stored.").
			Annotations(entgql.Type("HealthCardStatus"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput)),
		field.String("health_card_note").Optional().
			Comment("What the last validation found, in words.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput)),
		field.String("billing_contact_id").GoType(pulidID).Optional().
			Comment("The link (lk…, one of the client's billingContacts) of the contact billed for this coverage, set by setCoverageBillingContact: it must have the BILLING contact type. Removing that type from the link, or the link, clears it, and that mutation says so in extensions.warnings (BILLING_CONTACT_CLEARED)."),
		field.String("fee_program").Optional().Validate(text(maxShort)).Comment("Default fee program; at most 255 characters."),
		field.String("fee_program_number").Optional().Validate(text(maxCode)).Comment("Fee program number; at most 64 characters."),
		field.String("billing_authorization_number").Optional().Validate(text(maxCode)).Comment("Billing authorisation number; at most 64 characters."),
		field.String("case_number").Optional().Validate(text(maxCode)).Comment("Case number; at most 64 characters."),
		field.Int("number_of_sessions").Optional().Validate(between(0, maxSessions)).Comment("Sessions covered, from 0 to 1000."),
		field.Text("billing_notes").Optional().Validate(text(maxNote)).Comment("Billing notes; at most 10,000 characters."),
	}
}

// Edges of Coverage.
func (Coverage) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("client", ClientProfile.Type).Field("client_id").Unique().Required().Immutable(),
		edge.To("billing_contact", ClientContact.Type).Field("billing_contact_id").Unique().
			Comment("The billing contact of this funding source: one of the client's links with the BILLING type."),
	}
}

// Hooks of Coverage: health cards are validated, billing contacts checked.
func (Coverage) Hooks() []ent.Hook {
	return []ent.Hook{validateHealthCard(), checkBillingContact()}
}

// Annotations of Coverage.
func (Coverage) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A client's health card, fee program or billing authorisation."),
		entsql.Table("coverages"),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}

// Policy of Coverage.
func (Coverage) Policy() ent.Policy { return staffPolicy() }

// staffPolicy is the policy of client records: any staff member of the
// organisation reads and writes them; a portal viewer reads only what
// portalReads allow (package rule's AllowPortal… constructors); nobody else
// does anything.
func staffPolicy(portalReads ...privacy.QueryRule) ent.Policy {
	return privacy.Policy{
		Query: slices.Concat(
			privacy.QueryPolicy{rule.AllowIfSystem(), rule.AllowIfStaff()},
			portalReads,
			privacy.QueryPolicy{privacy.AlwaysDenyRule()},
		),
		Mutation: privacy.MutationPolicy{
			rule.AllowIfSystem(),
			rule.AllowIfStaff(),
			privacy.AlwaysDenyRule(),
		},
	}
}

// adminWritePolicy lets any staff member of the organisation read, and only
// owners and admins write; a portal viewer reads only what portalReads allow.
func adminWritePolicy(portalReads ...privacy.QueryRule) ent.Policy {
	return privacy.Policy{
		Query: slices.Concat(
			privacy.QueryPolicy{rule.AllowIfSystem(), rule.AllowIfStaff()},
			portalReads,
			privacy.QueryPolicy{privacy.AlwaysDenyRule()},
		),
		Mutation: privacy.MutationPolicy{
			rule.AllowIfSystem(),
			rule.AllowIfAdmin(),
			privacy.AlwaysDenyRule(),
		},
	}
}

// systemWritePolicy lets any staff member of the organisation read, and only
// kith itself write: records that staff consult but do not edit.
func systemWritePolicy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.AllowIfSystem(),
			rule.AllowIfStaff(),
			privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.AllowIfSystem(),
			privacy.AlwaysDenyRule(),
		},
	}
}
