package event

import (
	"github.com/kith-health/kith/ent"
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
