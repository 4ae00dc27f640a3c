package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/kith-health/kith/ent/rule"
	"github.com/kith-health/kith/schematype"
)

// Location is a place of the practice where clients are seen: a clinic, an
// office, a room in a shared building. Services and appointments name it
// (their free-text location stays for a one-off place); a client has a
// default one. Locations are archived (active false), never deleted, so old
// appointments keep theirs.
type Location struct{ ent.Schema }

// Mixin of Location.
func (Location) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("lc"), timeMixin{}, tenantMixin{}}
}

// Fields of Location.
func (Location) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Validate(requiredText(maxName)).
			Comment("What the location is called, as clients see it in messages and the booking widget; at most 100 characters.").
			Annotations(entgql.OrderField("NAME")),
		field.JSON("address", &schematype.Address{}).Optional().
			Comment("Postal address: lines of at most 200 characters, city, region and country of at most 100, postal code of at most 20."),
		field.String("time_zone").Optional().Validate(text(maxCode)).
			Comment("IANA time zone of the location, such as America/Toronto (at most 64 characters); defaults to the organisation's."),
		field.String("phone").Optional().Validate(text(maxPhone)).
			Comment("Phone number in E.164 form; numbers without a country code are read in the organisation's phone region. At most 32 characters."),
		field.Bool("active").Default(true).
			Comment("The location may be chosen for services, appointments and clients. An archived location (false) stays on what already names it."),
	}
}

// Indexes of Location.
func (Location) Indexes() []ent.Index {
	return []ent.Index{index.Fields("organization_id", "name")}
}

// Annotations of Location.
func (Location) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A place of the practice where clients are seen: its name, address, time zone and phone. Services and appointments name it (their text `location` is for a one-off place); a client has a default one. Archive it with `active: false`: it is never deleted, so what names it keeps it."),
		entsql.Table("locations"),
		entgql.RelayConnection(),
		entgql.QueryField("locations").Description("Locations of the viewer's organisation, archived ones too (filter with `where: {active: true}`)."),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}

// Hooks of Location.
func (Location) Hooks() []ent.Hook {
	return []ent.Hook{validateLocation()}
}

// Policy of Location: every staff member reads locations; owners and admins
// manage them. A portal viewer reads them as the widget shows them to
// anyone: they are the practice's own addresses.
func (Location) Policy() ent.Policy {
	return adminWritePolicy(rule.AllowIfPortal())
}
