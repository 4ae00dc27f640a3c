package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/kith-health/kith/ent/rule"
)

// Staff is a person who works at the practice and signs in to kith:
// an owner, an admin, a practitioner or front-desk staff.
type Staff struct{ ent.Schema }

// Mixin of Staff.
func (Staff) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("st"), timeMixin{}, tenantMixin{}}
}

// Fields of Staff.
func (Staff) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Validate(requiredText(maxName)).
			Comment("Full name, as shown to clients (`[PractitionerName]`); at most 100 characters.").
			Annotations(entgql.OrderField("NAME")),
		field.String("email").Validate(requiredText(maxEmail)).
			Comment("Sign-in email, unique in the organisation. At most 254 characters."),
		field.Enum("role").
			NamedValues(
				"Owner", "OWNER", "Admin", "ADMIN", "Practitioner", "PRACTITIONER", "FrontDesk", "FRONT_DESK",
			).
			Default("PRACTITIONER").
			Comment("What the staff member may do: owners and admins manage staff and settings.").
			Annotations(entgql.Type("StaffRole")),
		field.String("password_hash").Validate(text(maxShort)).Sensitive().Optional().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("phone").Optional().Validate(text(maxPhone)).
			Comment("The staff member's direct line in E.164 form, read in the organisation's phone region; calls from or to it are matched to them. At most 32 characters."),
		field.Bool("active").Default(true).
			Comment("Inactive staff cannot sign in and their tokens stop working."),
		field.String("time_zone").Optional().
			Validate(text(maxCode)).Validate(optionalTimeZone).
			Comment("IANA time zone of the practitioner's working hours; defaults to the organisation's."),
	}
}

// Edges of Staff.
func (Staff) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("assigned_clients", ClientProfile.Type).
			Comment("Clients this practitioner is assigned to.").
			Annotations(entgql.RelayConnection()),
		edge.From("appointments", Appointment.Type).Ref("practitioner").
			Comment("Appointments this staff member holds.").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.From("tokens", StaffToken.Type).Ref("staff").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of Staff.
func (Staff) Indexes() []ent.Index {
	return []ent.Index{index.Fields("organization_id", "email").Unique()}
}

// Annotations of Staff.
func (Staff) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A person who works at the practice and signs in to kith: an owner, an admin, a practitioner or front-desk staff."),
		entsql.Table("staff"),
		entgql.RelayConnection(),
		entgql.QueryField("staffMembers").Description("Staff of the viewer's organisation."),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}

// Hooks of Staff.
func (Staff) Hooks() []ent.Hook {
	return []ent.Hook{normalizeStaffEmail(), protectOwners()}
}

// Policy of Staff: every staff member sees the team; owners and admins
// manage it; the portal reads it for practitioners' names.
func (Staff) Policy() ent.Policy { return adminWritePolicy(rule.AllowIfPortal()) }

// StaffToken is a bearer token a staff member signed in with. Only its
// SHA-256 hash is stored; it expires and can be revoked.
type StaffToken struct{ ent.Schema }

// Mixin of StaffToken.
func (StaffToken) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("tk"), tenantMixin{}}
}

// Fields of StaffToken.
func (StaffToken) Fields() []ent.Field {
	return []ent.Field{
		field.String("staff_id").GoType(pulidID).Immutable(),
		field.Bytes("token_hash").Sensitive().Unique().Immutable(),
		field.Time("created_at").Default(now).Immutable(),
		field.Time("expires_at").Immutable(),
		field.Time("revoked_at").Optional().Nillable(),
	}
}

// Edges of StaffToken.
func (StaffToken) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("staff", Staff.Type).Field("staff_id").Unique().Required().Immutable(),
	}
}

// Annotations of StaffToken.
func (StaffToken) Annotations() []schema.Annotation {
	return []schema.Annotation{entsql.Table("staff_tokens"), entgql.Skip(entgql.SkipAll)}
}

// Policy of StaffToken: only kith itself reads and writes tokens.
func (StaffToken) Policy() ent.Policy { return systemOnlyPolicy() }
