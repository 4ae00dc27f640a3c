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

// Communication is one email, call or SMS between the practice and the
// people around its clients, as it came (addresses, subject, bodies, a
// call's progress), with the people it concerns (its parties, found by
// matching addresses or set by staff). Emails and SMS are read-only once
// recorded; a call is edited while OPEN and read-only once CLOSED.
type Communication struct{ ent.Schema }

// Mixin of Communication.
func (Communication) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("cm"), timeMixin{}, tenantMixin{}}
}

// Fields of Communication.
func (Communication) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").NamedValues("Email", "EMAIL", "Call", "CALL", "SMS", "SMS").Immutable().
			Comment("What it is: an email, a phone call or an SMS.").
			Annotations(entgql.Type("CommunicationKind")),
		field.Enum("direction").NamedValues("Inbound", "INBOUND", "Outbound", "OUTBOUND").Immutable().
			Comment("INBOUND: to the practice; OUTBOUND: from it.").
			Annotations(entgql.Type("CommunicationDirection")),
		field.Enum("status").NamedValues("Open", "OPEN", "Closed", "CLOSED").Optional().Nillable().
			Comment("A call's state: OPEN while staff may still edit its title, description and people; CLOSED once ended (read-only). Null for emails and SMS.").
			Annotations(entgql.Type("CallStatus")),
		field.Enum("source").
			NamedValues("TwilioVoice", "TWILIO_VOICE", "Logged", "LOGGED", "IMAP", "IMAP", "SendGridInbound", "SENDGRID_INBOUND", "TwilioSMS", "TWILIO_SMS").
			Immutable().
			Comment("Where kith learnt of it: Twilio Voice's status callbacks, logged by staff, imported from a mailbox, SendGrid's Inbound Parse, or an SMS to the practice's Twilio number.").
			Annotations(entgql.Type("CommunicationSource")),
		field.String("provider_id").Optional().Nillable().Immutable().Validate(text(maxShort)).
			Comment("The provider's ID: Twilio's call or message SID, the email's Message-ID. Unique in the organisation, so a repeated webhook or a second import records nothing new. At most 255 characters.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput)),
		field.Time("occurred_at").Default(now).Immutable().
			Comment("When it happened: an email's date, when a call started, when an SMS arrived.").
			Annotations(entgql.OrderField("OCCURRED_AT")),
		field.String("from_address").Optional().Immutable().Validate(text(maxShort)).
			Comment("Who it is from, as it came: an email address (lower-cased) or a phone number (E.164 where it could be read). At most 255 characters."),
		field.Strings("to_addresses").Optional().Immutable().
			Comment("Who it is to, as it came: email addresses (lower-cased) or a phone number."),
		field.Strings("cc_addresses").Optional().Immutable().
			Comment("Who was copied on an email."),
		field.String("title").Optional().Validate(text(maxShort)).
			Comment("What it is about in a line: an email's subject, a call's title as staff write it. At most 255 characters."),
		field.Text("description").Optional().Validate(text(maxNote)).
			Comment("Staff's note on a call; at most 10,000 characters."),
		field.String("subject").Optional().Immutable().Validate(text(maxSubject)).
			Comment("An email's subject, as it came; at most 255 characters."),
		field.Text("text_body").Optional().Immutable().Validate(text(maxRendered)).
			Comment("An email's plain text, or an SMS's text."),
		field.Text("html_body").Optional().Immutable().Validate(text(maxRendered)).
			Comment("An email's HTML, sanitised before it is stored (no scripts, styles, forms or remote images), safe for an app to render."),
		field.JSON("attachments", []schematype.Attachment{}).Optional().Immutable().
			Comment("What was attached to an email: names, types and sizes (the files are not kept)."),
		field.String("message_id").Optional().Immutable().Validate(text(maxShort)).
			Comment("An email's Message-ID, without angle brackets.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput)),
		field.String("in_reply_to").Optional().Immutable().Validate(text(maxShort)).
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Strings("references").Optional().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("thread_key").Optional().Immutable().Validate(text(maxShort)).
			Comment("The thread an email belongs to: the first of its References, else its In-Reply-To, else its own Message-ID.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("mailbox_id").GoType(pulidID).Optional().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("started_at").Optional().Nillable().
			Comment("When a call started (rang)."),
		field.Time("answered_at").Optional().Nillable().
			Comment("When a call was answered."),
		field.Time("ended_at").Optional().Nillable().
			Comment("When a call ended on the phone, as the provider or staff reported."),
		field.Int("duration_seconds").Optional().Nillable().Validate(between(0, 7*24*3600)).
			Comment("How long a call lasted, in seconds, as the provider reported."),
		field.Enum("outcome").NamedValues("Answered", "ANSWERED", "Busy", "BUSY", "NoAnswer", "NO_ANSWER", "Failed", "FAILED", "Cancelled", "CANCELLED").
			Optional().Nillable().
			Comment("How a call went: answered, busy, not answered, failed, or cancelled before it was answered.").
			Annotations(entgql.Type("CallOutcome")),
		field.String("recording_url").Optional().Validate(text(maxURL)).
			Comment("Where the provider keeps a call's recording, when there is one."),
		field.String("provider_status").Optional().Validate(text(maxLabel)).
			Comment("The provider's last word on a call (Twilio's CallStatus: ringing, in-progress, completed…).").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput)),
		field.String("platform").Optional().Validate(text(maxLabel)).
			Comment("The phone system of a call staff logged by hand (such as Mitel); at most 100 characters."),
		field.String("logged_by_id").GoType(pulidID).Optional().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("closed_at").Optional().Nillable().
			Comment("When a call was closed."),
		field.String("closed_by_id").GoType(pulidID).Optional().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Bool("closed_automatically").Default(false).
			Comment("The call was closed by kith, the practice's callAutoCloseHours after it ended, because nobody ended it."),
	}
}

// Edges of Communication.
func (Communication) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("parties", CommunicationParty.Type).Ref("communication").
			Comment("The people it concerns, certain or candidate.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("mailbox", Mailbox.Type).Field("mailbox_id").Unique().Immutable().
			Comment("The mailbox an email was imported from."),
		edge.To("logged_by", Staff.Type).Field("logged_by_id").Unique().Immutable().
			Comment("Who logged a call by hand."),
		edge.To("closed_by", Staff.Type).Field("closed_by_id").Unique().
			Comment("Who ended a call; null when it is open or kith closed it."),
	}
}

// Indexes of Communication.
func (Communication) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("organization_id", "provider_id").Unique(),
		index.Fields("organization_id", "occurred_at"),
		index.Fields("organization_id", "thread_key"),
		index.Fields("status", "ended_at"),
	}
}

// Annotations of Communication.
func (Communication) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("One email, call or SMS between the practice and the people around its clients, and who it concerns. Emails and SMS are read-only; a call is edited while OPEN and read-only once CLOSED. Only staff related to it read it: owners and admins, staff among its people, practitioners assigned to a client it concerns; never the portal."),
		entsql.Table("communications"),
		entgql.RelayConnection(),
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput),
	}
}

// Hooks of Communication: its lifecycle, and the integrator events of one
// recorded (communication.created; sms.reply_received for an inbound SMS)
// or closed (communication.closed).
func (Communication) Hooks() []ent.Hook {
	return []ent.Hook{guardCommunication(), sanitizeCommunication(), announceCall(), emitCommunicationEvents()}
}

// Policy of Communication: kith itself writes what providers and mailboxes
// report; owners and admins read and edit every communication of their
// organisation; other staff those they took part in or that concern a
// client assigned to them; staff log calls. The portal never reads one.
func (Communication) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.AllowIfSystem(),
			rule.AllowIfAdminElseSkip(),
			rule.FilterRelatedCommunications(),
			privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.AllowIfSystem(),
			rule.AllowStaffLogCall(),
			rule.AllowIfAdminElseSkip(),
			rule.FilterRelatedCommunications(),
			privacy.AlwaysDenyRule(),
		},
	}
}

// CommunicationParty is one person a communication concerns: a client, a
// contact or a staff member, certain or a candidate (a client of a contact
// linked to several), matched by an address or set by staff.
type CommunicationParty struct{ ent.Schema }

// Mixin of CommunicationParty.
func (CommunicationParty) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("cp"), tenantMixin{}}
}

// Fields of CommunicationParty.
func (CommunicationParty) Fields() []ent.Field {
	return []ent.Field{
		field.String("communication_id").GoType(pulidID).Immutable(),
		field.String("client_id").GoType(pulidID).Optional().Immutable(),
		field.String("contact_id").GoType(pulidID).Optional().Immutable(),
		field.String("staff_id").GoType(pulidID).Optional().Immutable(),
		field.Bool("candidate").Default(false).Immutable().
			Comment("A client the communication may concern (a client of a contact linked to several), not certain."),
		field.Enum("matched_by").NamedValues("Address", "ADDRESS", "Staff", "STAFF", "Link", "LINK").Immutable().
			Comment("ADDRESS: its email or phone matched; LINK: the client of a matched contact; STAFF: set by staff."),
		field.String("address").Optional().Immutable().Validate(text(maxShort)).
			Comment("The address that matched, when one did."),
		field.Time("occurred_at").Immutable().
			Comment("The communication's occurredAt, copied for the client's timeline."),
		field.Time("created_at").Default(now).Immutable(),
	}
}

// Edges of CommunicationParty.
func (CommunicationParty) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("communication", Communication.Type).Field("communication_id").Unique().Required().Immutable(),
		edge.To("client", ClientProfile.Type).Field("client_id").Unique().Immutable(),
		edge.To("contact", Contact.Type).Field("contact_id").Unique().Immutable(),
		edge.To("staff", Staff.Type).Field("staff_id").Unique().Immutable(),
	}
}

// Indexes of CommunicationParty.
func (CommunicationParty) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("communication_id"),
		index.Fields("client_id", "occurred_at"),
		index.Fields("contact_id"),
		index.Fields("staff_id", "occurred_at"),
	}
}

// Annotations of CommunicationParty.
func (CommunicationParty) Annotations() []schema.Annotation {
	return []schema.Annotation{entsql.Table("communication_parties"), entgql.Skip(entgql.SkipAll)}
}

// Hooks of CommunicationParty.
func (CommunicationParty) Hooks() []ent.Hook {
	return []ent.Hook{validateParty()}
}

// Policy of CommunicationParty: read as its communication is (owners and
// admins, staff among its people, practitioners of a client it concerns);
// written by kith alone (package communication writes them as the system,
// in the organisation, once the viewer may see the communication).
func (CommunicationParty) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.AllowIfSystem(),
			rule.AllowIfAdminElseSkip(),
			rule.FilterRelatedParties(),
			privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.AllowIfSystem(),
			privacy.AlwaysDenyRule(),
		},
	}
}

// Mailbox is one of the practice's shared mailboxes kith imports email
// from (its inbox and sent folder, every minute): the IMAP server, the
// address and the sign-in, whose secret is kept sealed with the key from
// configuration and never read back through the API.
type Mailbox struct{ ent.Schema }

// Mixin of Mailbox.
func (Mailbox) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("mb"), timeMixin{}, tenantMixin{}}
}

// Fields of Mailbox.
func (Mailbox) Fields() []ent.Field {
	return []ent.Field{
		field.String("address").Validate(requiredText(maxEmail)).
			Comment("The mailbox's email address, lower-cased; unique in the organisation. Mail from it is OUTBOUND, to it INBOUND. At most 254 characters."),
		field.String("host").Validate(requiredText(maxShort)).
			Comment("The IMAP server's host name, such as imap.example.com."),
		field.Int("port").Default(993).Validate(between(1, 65535)).
			Comment("The IMAP server's port: 993 for TLS, 143 for STARTTLS."),
		field.Enum("security").NamedValues("TLS", "TLS", "StartTLS", "STARTTLS", "None", "NONE").Default("TLS").
			Comment("How the connection is protected: TLS from the start, STARTTLS, or NONE (only where the server allows it to be configured, for development).").
			Annotations(entgql.Type("MailboxSecurity")),
		field.String("username").Validate(requiredText(maxEmail)).
			Comment("The IMAP user name, often the address."),
		field.Bytes("secret").Sensitive().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("inbox_folder").Default("INBOX").Validate(requiredText(maxShort)).
			Comment("The folder of received mail."),
		field.String("sent_folder").Optional().Validate(text(maxShort)).
			Comment("The folder of sent mail, found when the mailbox is connected (\\Sent); empty when there is none."),
		field.JSON("cursors", map[string]schematype.MailboxCursor{}).Optional().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Bool("active").Default(true).
			Comment("kith imports from it; false once disconnected (its emails stay)."),
		field.Time("last_import_at").Optional().Nillable().
			Comment("When kith last imported from it without error."),
		field.String("last_error").Optional().Validate(text(maxShort)).
			Comment("Why the last import failed, in a sentence; empty after one that worked."),
		field.Time("last_error_at").Optional().Nillable().
			Comment("When the last import failed."),
		field.String("connected_by_id").GoType(pulidID).Optional().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges of Mailbox.
func (Mailbox) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("connected_by", Staff.Type).Field("connected_by_id").Unique().Immutable().
			Comment("Who connected it."),
	}
}

// Indexes of Mailbox.
func (Mailbox) Indexes() []ent.Index {
	return []ent.Index{index.Fields("organization_id", "address").Unique()}
}

// Annotations of Mailbox.
func (Mailbox) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A shared mailbox of the practice kith imports email from (inbox and sent folder, every minute). Its password is sealed and never returned."),
		entsql.Table("mailboxes"),
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput),
	}
}

// Hooks of Mailbox.
func (Mailbox) Hooks() []ent.Hook {
	return []ent.Hook{normalizeMailbox()}
}

// Policy of Mailbox: owners and admins see the mailboxes (other staff find
// none: the mailbox of an email they may read is null to them); owners
// connect and disconnect them (kith updates where it stopped).
func (Mailbox) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.AllowIfSystem(),
			rule.AllowIfAdminElseSkip(),
			rule.HideFromOtherStaff(),
			privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.AllowIfSystem(),
			rule.AllowIfOwner(),
			privacy.AlwaysDenyRule(),
		},
	}
}
