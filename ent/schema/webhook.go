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

// WebhookEndpoint is a URL of an integrator's that kith posts the
// organisation's events to (Standard Webhooks), signed with its secret.
type WebhookEndpoint struct{ ent.Schema }

// Mixin of WebhookEndpoint.
func (WebhookEndpoint) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("we"), timeMixin{}, tenantMixin{}}
}

// Fields of WebhookEndpoint.
func (WebhookEndpoint) Fields() []ent.Field {
	return []ent.Field{
		field.String("url").Validate(requiredText(maxURL)).
			Comment("Where kith posts events: an absolute https URL on a public address, at most 2,048 characters."),
		field.String("description").Optional().Validate(text(maxShort)).
			Comment("What the endpoint is for, such as \"EHR sync\"; at most 255 characters."),
		field.Strings("event_types").
			Comment("The event types it receives, such as appointment.booked."),
		field.Bool("enabled").Default(true).
			Comment("kith posts events to it. False once disabled by an admin, after a 410 Gone answer, or after failing for 5 days."),
		field.Enum("disabled_reason").NamedValues("Gone", "GONE", "Failing", "FAILING").Optional().Nillable().
			Comment("Why kith disabled it: GONE when it answered 410, FAILING when every delivery failed for 5 days. Null while enabled or when an admin disabled it.").
			Annotations(entgql.Type("WebhookDisabledReason")),
		field.Time("disabled_at").Optional().Nillable().
			Comment("When it was last disabled."),
		field.String("secret").Sensitive().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("previous_secret").Sensitive().Optional().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("previous_secret_expires_at").Optional().Nillable().
			Comment("Until when the secret replaced by the last rotation still signs too; null when only one secret signs."),
		field.Time("failing_since").Optional().Nillable().
			Comment("Since when every delivery to it has failed; null after one succeeds."),
		field.String("created_by_id").GoType(pulidID).Optional().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges of WebhookEndpoint.
func (WebhookEndpoint) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("deliveries", WebhookDelivery.Type).Ref("endpoint").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Annotations of WebhookEndpoint.
func (WebhookEndpoint) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A URL of an integrator's that kith posts the organisation's events to, signed as Standard Webhooks says."),
		entsql.Table("webhook_endpoints"),
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput),
	}
}

// Hooks of WebhookEndpoint.
func (WebhookEndpoint) Hooks() []ent.Hook {
	return []ent.Hook{checkWebhookEndpoint()}
}

// Policy of WebhookEndpoint: owners and admins see and manage the
// endpoints (FORBIDDEN to other staff); kith records deliveries' effects.
func (WebhookEndpoint) Policy() ent.Policy { return adminOnlyPolicy() }

// WebhookEvent is one event as kith tells integrators of it: its type and
// the exact body every endpoint receives. Its ID is the webhook-id header,
// the same on every retry and redelivery.
type WebhookEvent struct{ ent.Schema }

// Mixin of WebhookEvent.
func (WebhookEvent) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("ev"), tenantMixin{}}
}

// Fields of WebhookEvent.
func (WebhookEvent) Fields() []ent.Field {
	return []ent.Field{
		field.String("type").Immutable().Validate(requiredText(maxLabel)).
			Comment("The event's type, such as appointment.booked."),
		field.String("object_id").GoType(pulidID).Immutable().
			Comment("The ID of the object it is about: the payload's data.id."),
		field.Bytes("payload").Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("created_at").Default(now).Immutable().
			Comment("When it happened: the payload's timestamp."),
	}
}

// Edges of WebhookEvent.
func (WebhookEvent) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("deliveries", WebhookDelivery.Type).Ref("event").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Annotations of WebhookEvent.
func (WebhookEvent) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("An event kith tells integrators of: its type and the exact body each endpoint receives. Its id is the webhook-id header."),
		entsql.Table("webhook_events"),
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput),
	}
}

// Policy of WebhookEvent: owners and admins read; only kith writes.
func (WebhookEvent) Policy() ent.Policy { return adminReadPolicy() }

// WebhookDelivery is one event's delivery to one endpoint: its state and
// its last attempt's answer.
type WebhookDelivery struct{ ent.Schema }

// Mixin of WebhookDelivery.
func (WebhookDelivery) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("wd"), timeMixin{}, tenantMixin{}}
}

// Fields of WebhookDelivery.
func (WebhookDelivery) Fields() []ent.Field {
	return []ent.Field{
		field.String("event_id").GoType(pulidID).Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("endpoint_id").GoType(pulidID).Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("event_type").Immutable().Validate(requiredText(maxLabel)).
			Comment("The event's type, such as appointment.booked."),
		field.Enum("status").NamedValues("Pending", "PENDING", "Succeeded", "SUCCEEDED", "Failed", "FAILED").Default("PENDING").
			Comment("PENDING until an attempt succeeds (SUCCEEDED) or kith gives up (FAILED: 10 attempts over about 3 days, a 410 answer, or the endpoint disabled or deleted).").
			Annotations(entgql.Type("WebhookDeliveryStatus")),
		field.Int("attempts").Default(0).
			Comment("How many times kith has posted it."),
		field.Int("response_code").Optional().Nillable().
			Comment("The HTTP status of the last attempt's answer; null when there was none (a timeout, a refused connection)."),
		field.Int("response_ms").Optional().Nillable().
			Comment("How long the last attempt took, in milliseconds."),
		field.String("last_error").Optional().
			Comment("Why the last attempt failed, in a sentence; empty after one that succeeded."),
		field.Time("last_attempt_at").Optional().Nillable().
			Comment("When kith last posted it."),
		field.Time("next_attempt_at").Optional().Nillable().
			Comment("When kith posts it next, while PENDING."),
		field.Time("delivered_at").Optional().Nillable().
			Comment("When an attempt succeeded."),
	}
}

// Edges of WebhookDelivery.
func (WebhookDelivery) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("event", WebhookEvent.Type).Field("event_id").Unique().Required().Immutable().
			Comment("The event delivered."),
		edge.To("endpoint", WebhookEndpoint.Type).Field("endpoint_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)).
			Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

// Indexes of WebhookDelivery: an endpoint's deliveries, newest first.
func (WebhookDelivery) Indexes() []ent.Index {
	return []ent.Index{index.Fields("endpoint_id", "id")}
}

// Annotations of WebhookDelivery.
func (WebhookDelivery) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("One event's delivery to one webhook endpoint: its state, attempts and the last attempt's answer."),
		entsql.Table("webhook_deliveries"),
		entgql.RelayConnection(),
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput),
	}
}

// Policy of WebhookDelivery: owners and admins read; only kith writes.
func (WebhookDelivery) Policy() ent.Policy { return adminReadPolicy() }

// adminOnlyPolicy lets owners and admins read and write (FORBIDDEN to
// other staff), and kith itself.
func adminOnlyPolicy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.AllowIfSystem(),
			rule.AllowIfAdmin(),
			privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.AllowIfSystem(),
			rule.AllowIfAdmin(),
			privacy.AlwaysDenyRule(),
		},
	}
}

// adminReadPolicy lets owners and admins read (FORBIDDEN to other staff),
// and only kith write.
func adminReadPolicy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.AllowIfSystem(),
			rule.AllowIfAdmin(),
			privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.AllowIfSystem(),
			privacy.AlwaysDenyRule(),
		},
	}
}
