package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/kith-health/kith/ent/privacy"
	"github.com/kith-health/kith/ent/rule"
)

// PortalInvitation is an invitation to the client portal, for a client
// itself or for one contact of a client. Only the SHA-256 of its claim
// token is stored; it is single use, expires, and a newer invitation for
// the same client and person voids it.
type PortalInvitation struct{ ent.Schema }

// Mixin of PortalInvitation.
func (PortalInvitation) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("pi"), tenantMixin{}}
}

// Fields of PortalInvitation.
func (PortalInvitation) Fields() []ent.Field {
	return []ent.Field{
		field.String("client_id").GoType(pulidID).Immutable(),
		field.String("link_id").GoType(pulidID).Optional().Immutable().
			Comment("The contact's link to the client; empty when the client itself is invited."),
		field.String("email").Validate(text(maxEmail)).Immutable().
			Comment("At most 254 characters."),
		field.Bytes("token_hash").Sensitive().Unique().Immutable(),
		field.String("invited_by").GoType(pulidID).Optional().Immutable(),
		field.Time("created_at").Default(now).Immutable(),
		field.Time("expires_at").Immutable(),
		field.Time("claimed_at").Optional().Nillable(),
		field.Time("voided_at").Optional().Nillable(),
	}
}

// Indexes of PortalInvitation.
func (PortalInvitation) Indexes() []ent.Index {
	return []ent.Index{index.Fields("client_id", "link_id")}
}

// Annotations of PortalInvitation.
func (PortalInvitation) Annotations() []schema.Annotation {
	return []schema.Annotation{entsql.Table("portal_invitations"), entgql.Skip(entgql.SkipAll)}
}

// Policy of PortalInvitation: only kith itself (package portal) reads and writes it.
func (PortalInvitation) Policy() ent.Policy { return systemOnlyPolicy() }

// PortalSession is a signed-in portal user: an email address in an
// organisation. Only the SHA-256 of its bearer token is stored; it expires
// and can be revoked. What the user may reach is decided on each request
// from the clients' and links' current portal access, not stored here.
type PortalSession struct{ ent.Schema }

// Mixin of PortalSession.
func (PortalSession) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("ps"), tenantMixin{}}
}

// Fields of PortalSession.
func (PortalSession) Fields() []ent.Field {
	return []ent.Field{
		field.String("email").Validate(text(maxEmail)).Immutable().
			Comment("At most 254 characters."),
		field.Bytes("token_hash").Sensitive().Unique().Immutable(),
		field.Time("created_at").Default(now).Immutable(),
		field.Time("expires_at").Immutable(),
		field.Time("revoked_at").Optional().Nillable(),
	}
}

// Annotations of PortalSession.
func (PortalSession) Annotations() []schema.Annotation {
	return []schema.Annotation{entsql.Table("portal_sessions"), entgql.Skip(entgql.SkipAll)}
}

// Policy of PortalSession: only kith itself reads and writes it.
func (PortalSession) Policy() ent.Policy { return systemOnlyPolicy() }

// SignInCode is a one-time code sent to an email address to sign in to the
// portal. Only its hash is stored; it expires quickly, allows a few wrong
// tries and works once.
type SignInCode struct{ ent.Schema }

// Mixin of SignInCode.
func (SignInCode) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("sc"), tenantMixin{}}
}

// Fields of SignInCode.
func (SignInCode) Fields() []ent.Field {
	return []ent.Field{
		field.String("email").Validate(text(maxEmail)).Immutable().
			Comment("At most 254 characters."),
		field.Bytes("code_hash").Sensitive().Immutable(),
		field.Time("created_at").Default(now).Immutable(),
		field.Time("expires_at").Immutable(),
		field.Int("failed_attempts").Default(0).Validate(between(0, 1_000_000)),
		field.Time("used_at").Optional().Nillable(),
	}
}

// Indexes of SignInCode.
func (SignInCode) Indexes() []ent.Index {
	return []ent.Index{index.Fields("organization_id", "email", "created_at")}
}

// Annotations of SignInCode.
func (SignInCode) Annotations() []schema.Annotation {
	return []schema.Annotation{entsql.Table("sign_in_codes"), entgql.Skip(entgql.SkipAll)}
}

// Policy of SignInCode: only kith itself reads and writes it.
func (SignInCode) Policy() ent.Policy { return systemOnlyPolicy() }

// systemOnlyPolicy is the policy of credentials: only kith itself, acting
// as the system, reads or writes them.
func systemOnlyPolicy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowIfSystem(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowIfSystem(), privacy.AlwaysDenyRule()},
	}
}
