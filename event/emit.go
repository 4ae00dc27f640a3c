package event

import (
	"context"
	"fmt"
	"slices"

	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/effect"
	"github.com/kith-health/kith/ent/rule"
	"github.com/kith-health/kith/ent/webhookendpoint"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
	"github.com/kith-health/kith/webhook"
)

// Emit implements effect.Events: it writes each event, a delivery to every
// enabled endpoint of its organisation subscribed to its type, and their
// jobs, in the change's transaction (one SELECT per organisation when no
// endpoint wants them). Outside a transaction it fails with
// effect.ErrNoTransaction when an endpoint wants an event: the event could
// not commit with the change.
func (s *Service) Emit(ctx context.Context, events ...effect.Event) error {
	etx := transaction.From(ctx)
	db := s.db
	if etx != nil {
		db = etx.Client()
	}
	endpoints := map[pulid.ID][]*ent.WebhookEndpoint{} // by organisation, read once
	for _, e := range events {
		sys := viewer.NewContext(ctx, viewer.System{OrgID: e.OrganizationID})
		all, read := endpoints[e.OrganizationID]
		if !read {
			var err error
			if all, err = enabled(sys, db); err != nil {
				return err
			}
			endpoints[e.OrganizationID] = all
		}
		ids := subscribed(all, e.Type)
		if len(ids) == 0 {
			continue
		}
		if etx == nil {
			return effect.ErrNoTransaction
		}
		if _, err := s.write(sys, etx, e, ids); err != nil {
			return err
		}
	}
	return nil
}

// enabled are the organisation's enabled endpoints (the viewer in ctx
// confines it), with the types they receive.
func enabled(ctx context.Context, db *ent.Client) ([]*ent.WebhookEndpoint, error) {
	all, err := db.WebhookEndpoint.Query().Where(webhookendpoint.Enabled(true)).
		Select(webhookendpoint.FieldID, webhookendpoint.FieldEventTypes).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("finding the webhook endpoints: %w", err)
	}
	return all, nil
}

// subscribed are the IDs of the endpoints of all that receive events of
// type t.
func subscribed(all []*ent.WebhookEndpoint, t schematype.EventType) []pulid.ID {
	var ids []pulid.ID
	for _, ep := range all {
		if slices.Contains(ep.EventTypes, string(t)) {
			ids = append(ids, ep.ID)
		}
	}
	return ids
}

// write records event e with one delivery per endpoint and queues their
// jobs, in etx, as the system in e's organisation (ctx).
func (s *Service) write(ctx context.Context, etx *ent.Tx, e effect.Event, endpoints []pulid.ID) ([]*ent.WebhookDelivery, error) {
	at := e.At
	if at.IsZero() {
		at = s.now()
	}
	body, err := webhook.Payload(e.Type, at, e.ObjectID, e.OrganizationID, e.Data)
	if err != nil {
		return nil, err
	}
	db := etx.Client()
	ev, err := db.WebhookEvent.Create().SetOrganizationID(e.OrganizationID).
		SetType(string(e.Type)).SetObjectID(e.ObjectID).SetPayload(body).SetCreatedAt(at.UTC()).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("recording the event: %w", err)
	}
	return s.deliver(ctx, etx, ev, endpoints...)
}

// deliver records a delivery of ev to each endpoint and queues their jobs,
// in etx.
func (s *Service) deliver(ctx context.Context, etx *ent.Tx, ev *ent.WebhookEvent, endpoints ...pulid.ID) ([]*ent.WebhookDelivery, error) {
	now := s.now()
	creates := make([]*ent.WebhookDeliveryCreate, len(endpoints))
	for i, id := range endpoints {
		creates[i] = etx.Client().WebhookDelivery.Create().SetOrganizationID(ev.OrganizationID).
			SetEventID(ev.ID).SetEndpointID(id).SetEventType(ev.Type).SetNextAttemptAt(now)
	}
	// The event was just written and the endpoints read in its organisation:
	// the edge checks need not read them again.
	known := append([]pulid.ID{ev.ID}, endpoints...)
	ds, err := etx.Client().WebhookDelivery.CreateBulk(creates...).Save(rule.WithEdgeMemo(ctx, known...))
	if err != nil {
		return nil, fmt.Errorf("recording the event's deliveries: %w", err)
	}
	if err := s.insert(ctx, etx, ds...); err != nil {
		return nil, fmt.Errorf("queueing the event's deliveries: %w", err)
	}
	return ds, nil
}
