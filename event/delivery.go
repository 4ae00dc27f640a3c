package event

import (
	"context"
	"errors"

	"entgo.io/contrib/entgql"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/effect"
	"github.com/kith-health/kith/ent/webhookdelivery"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// errDisabled is the sentence of a delivery asked of a disabled endpoint.
var errDisabled = errors.New("the endpoint is disabled: enable it first (updateWebhookEndpoint with enabled: true)")

// newestFirst orders deliveries newest first.
var newestFirst = ent.WithWebhookDeliveryOrder(&ent.WebhookDeliveryOrder{
	Direction: entgql.OrderDirectionDesc, Field: ent.WebhookDeliveryOrderFieldCreatedAt,
})

// Deliveries is a page of endpoint id's deliveries, newest first, with
// their events (owners and admins; another organisation's endpoint is not
// found).
func (s *Service) Deliveries(ctx context.Context, endpointID pulid.ID, first *int, after *ent.Cursor) (*ent.WebhookDeliveryConnection, error) {
	db := transaction.Client(ctx, s.db)
	if _, err := db.WebhookEndpoint.Get(ctx, endpointID); err != nil {
		return nil, err
	}
	return db.WebhookDelivery.Query().Where(webhookdelivery.EndpointID(endpointID)).WithEvent().
		Paginate(ctx, after, first, nil, nil, newestFirst)
}

// Redeliver posts delivery id's event to its endpoint again, as a new
// delivery with the same event (so the same webhook-id), which it answers
// (owners and admins; the endpoint must be enabled).
func (s *Service) Redeliver(ctx context.Context, id pulid.ID) (*ent.WebhookDelivery, error) {
	db := transaction.Client(ctx, s.db)
	d, err := db.WebhookDelivery.Query().Where(webhookdelivery.ID(id)).WithEvent().WithEndpoint().Only(ctx)
	if err != nil {
		return nil, err
	}
	if !d.Edges.Endpoint.Enabled {
		return nil, kith.Invalid("deliveryId", "%s", errDisabled.Error())
	}
	return s.again(ctx, d.Edges.Event, d.EndpointID)
}

// SendTest posts a webhook.test event to endpoint id, whatever it
// subscribes to (owners and admins; it must be enabled), and answers the
// delivery.
func (s *Service) SendTest(ctx context.Context, id pulid.ID) (*ent.WebhookDelivery, error) {
	db := transaction.Client(ctx, s.db)
	ep, err := db.WebhookEndpoint.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ep.Enabled {
		return nil, kith.Invalid("endpointId", "%s", errDisabled.Error())
	}
	etx := transaction.From(ctx)
	if etx == nil {
		return nil, effect.ErrNoTransaction
	}
	sys := viewer.NewContext(ctx, viewer.System{OrgID: ep.OrganizationID})
	ds, err := s.write(sys, etx, effect.Event{
		Type: schematype.EventWebhookTest, OrganizationID: ep.OrganizationID, ObjectID: ep.ID,
		Data: map[string]any{"message": "This is a test event from kith."},
	}, []pulid.ID{ep.ID})
	if err != nil {
		return nil, err
	}
	return db.WebhookDelivery.Get(ctx, ds[0].ID)
}

// again records a new delivery of ev to endpoint and queues it, as the
// system in ev's organisation, and reads it back as the viewer.
func (s *Service) again(ctx context.Context, ev *ent.WebhookEvent, endpoint pulid.ID) (*ent.WebhookDelivery, error) {
	etx := transaction.From(ctx)
	if etx == nil {
		return nil, effect.ErrNoTransaction
	}
	sys := viewer.NewContext(ctx, viewer.System{OrgID: ev.OrganizationID})
	ds, err := s.deliver(sys, etx, ev, endpoint)
	if err != nil {
		return nil, err
	}
	return etx.Client().WebhookDelivery.Get(ctx, ds[0].ID)
}
