package event

import (
	"context"
	"strings"

	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/webhookendpoint"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
	"github.com/kith-health/kith/webhook"
)

// NewEndpoint is a webhook endpoint to register.
type NewEndpoint struct {
	// URL is where kith posts events (webhook.CheckURL).
	URL string
	// Description says what it is for; optional.
	Description *string
	// EventTypes are the types it receives: at least one.
	EventTypes []string
}

// EndpointChange changes an endpoint; nil fields stay as they are.
type EndpointChange struct {
	URL         *string
	Description *string
	EventTypes  []string
	// Enabled false stops deliveries; true enables the endpoint again,
	// as if it had never failed.
	Enabled *bool
}

// Secret is an endpoint with its signing secret, which is shown once.
type Secret struct {
	// Endpoint is the endpoint.
	Endpoint *ent.WebhookEndpoint
	// Secret is its new signing secret (whsec_ and base64).
	Secret string
}

// CreateEndpoint registers an endpoint for the viewer's organisation (owners
// and admins; the schema's policy decides) with a new secret, shown once.
func (s *Service) CreateEndpoint(ctx context.Context, in NewEndpoint) (*Secret, error) {
	secret, err := webhook.NewSecret()
	if err != nil {
		return nil, err
	}
	create := transaction.Client(ctx, s.db).WebhookEndpoint.Create().
		SetURL(strings.TrimSpace(in.URL)).SetEventTypes(in.EventTypes).SetSecret(secret)
	if in.Description != nil {
		create.SetDescription(strings.TrimSpace(*in.Description))
	}
	if st, ok := viewer.StaffFromContext(ctx); ok {
		if id, ok := st.Person(); ok {
			create.SetCreatedByID(id)
		}
	}
	ep, err := create.Save(ctx)
	if err != nil {
		return nil, err
	}
	return &Secret{Endpoint: ep, Secret: secret}, nil
}

// UpdateEndpoint changes endpoint id (owners and admins). Disabling it
// stops its deliveries; enabling it again clears why kith disabled it.
func (s *Service) UpdateEndpoint(ctx context.Context, id pulid.ID, in EndpointChange) (*ent.WebhookEndpoint, error) {
	update := transaction.Client(ctx, s.db).WebhookEndpoint.UpdateOneID(id)
	if in.URL != nil {
		update.SetURL(strings.TrimSpace(*in.URL))
	}
	if in.Description != nil {
		update.SetDescription(strings.TrimSpace(*in.Description))
	}
	if in.EventTypes != nil {
		update.SetEventTypes(in.EventTypes)
	}
	if in.Enabled != nil {
		update.SetEnabled(*in.Enabled)
		if !*in.Enabled {
			update.SetDisabledAt(s.now()).ClearDisabledReason()
		}
	}
	return update.Save(ctx)
}

// DeleteEndpoint deletes endpoint id and its deliveries (owners and
// admins); the jobs of those still pending then find nothing to do.
func (s *Service) DeleteEndpoint(ctx context.Context, id pulid.ID) (pulid.ID, error) {
	db := transaction.Client(ctx, s.db)
	if _, err := db.WebhookEndpoint.Get(ctx, id); err != nil {
		return "", err
	}
	if err := db.WebhookEndpoint.DeleteOneID(id).Exec(ctx); err != nil {
		return "", err
	}
	return id, nil
}

// RotateSecret gives endpoint id a new secret, shown once (owners and
// admins); the one it replaces signs too for RotationOverlap.
func (s *Service) RotateSecret(ctx context.Context, id pulid.ID) (*Secret, error) {
	db := transaction.Client(ctx, s.db)
	ep, err := db.WebhookEndpoint.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	secret, err := webhook.NewSecret()
	if err != nil {
		return nil, err
	}
	ep, err = db.WebhookEndpoint.UpdateOne(ep).SetSecret(secret).SetPreviousSecret(ep.Secret).
		SetPreviousSecretExpiresAt(s.now().Add(RotationOverlap)).Save(ctx)
	if err != nil {
		return nil, err
	}
	return &Secret{Endpoint: ep, Secret: secret}, nil
}

// Endpoints are the viewer's organisation's endpoints, newest first (owners
// and admins; other staff find none).
func (s *Service) Endpoints(ctx context.Context) ([]*ent.WebhookEndpoint, error) {
	return transaction.Client(ctx, s.db).WebhookEndpoint.Query().
		Order(ent.Desc(webhookendpoint.FieldCreatedAt), ent.Desc(webhookendpoint.FieldID)).All(ctx)
}

// Types are the event types an endpoint may subscribe to, in the
// documented order.
func Types() []string {
	out := make([]string, len(schematype.EventTypes))
	for i, t := range schematype.EventTypes {
		out[i] = string(t)
	}
	return out
}
