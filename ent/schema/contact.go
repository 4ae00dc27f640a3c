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

// Contact is a person around one or more clients: a parent, a spouse, a
// guardian, whoever pays. A contact belongs to the organisation, not to one client.
type Contact struct{ ent.Schema }

// Mixin of Contact.
func (Contact) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("co"), timeMixin{}, tenantMixin{}}
}

// Fields of Contact.
func (Contact) Fields() []ent.Field {
	return []ent.Field{
		field.String("first_name").Validate(requiredText(maxName)).
			Comment("First name; at most 100 characters.").
			Annotations(entgql.OrderField("FIRST_NAME")),
		field.String("last_name").Optional().Validate(text(maxName)).
			Comment("Last name; at most 100 characters.").
			Annotations(entgql.OrderField("LAST_NAME")),
		field.String("email").Optional().Validate(text(maxEmail)).Comment("Email address; may also be a client's. At most 254 characters."),
		field.String("phone").Optional().Validate(text(maxPhone)).Comment("Phone number in E.164 form; at most 32 characters."),
		field.String("organization_reference").Optional().Validate(text(maxShort)).
			Comment("Free-text reference, such as an account number to put on invoices; at most 255 characters."),
		field.JSON("address", &schematype.Address{}).Optional().
			Comment("Postal address: lines of at most 200 characters, city, region and country of at most 100, postal code of at most 20."),
		field.Text("notes").Optional().Validate(text(maxNote)).Comment("Staff notes; at most 10,000 characters."),
	}
}

// Edges of Contact.
func (Contact) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("clients", ClientProfile.Type).Ref("contacts").
			Through("client_links", ClientContact.Type).
			Comment("Clients this contact is linked to.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Indexes of Contact.
func (Contact) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("organization_id", "email"),
		index.Fields("organization_id", "phone"),
	}
}

// Annotations of Contact.
func (Contact) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A person around one or more clients (a parent, spouse, guardian, whoever pays). A contact belongs to the organisation, not to one client, and can be linked to several."),
		entsql.Table("contacts"),
		entgql.RelayConnection(),
		entgql.QueryField().Description("Contacts of the viewer's organisation. To find a person before creating one, use `searchContacts`."),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}

// Hooks of Contact.
func (Contact) Hooks() []ent.Hook {
	return []ent.Hook{validateContact(), refuseDuplicateContact(), checkAddressStillNeeded()}
}

// Policy of Contact.
func (Contact) Policy() ent.Policy { return staffPolicy() }
