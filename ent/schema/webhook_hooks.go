package schema

import (
	"context"
	"errors"

	"entgo.io/ent"

	"github.com/kith-health/kith"
	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/hook"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/webhook"
)

// maxWebhookEndpoints is how many endpoints an organisation may register.
const maxWebhookEndpoints = 20

// checkWebhookEndpoint keeps an endpoint's rules on every path: at most
// maxWebhookEndpoints per organisation; its URL is
// absolute https on a public address (webhook.CheckURL; http and private
// addresses only where the Events attached allow them, in development and
// tests), its event types are at least one kith sends, kept without repeats
// in the documented order; an endpoint enabled again starts afresh (no
// reason, not failing).
func checkWebhookEndpoint() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.WebhookEndpointFunc(func(ctx context.Context, m *gen.WebhookEndpointMutation) (ent.Value, error) {
			if u, ok := m.URL(); ok {
				allow := false
				if events := m.Effects.Events(); events != nil {
					allow = events.AllowPrivate()
				}
				if err := webhook.CheckURL(u, allow); err != nil {
					if errors.Is(err, webhook.ErrURL) {
						return nil, kith.Invalid("url", "%s", err.Error())
					}
					return nil, err
				}
			}
			if types, ok := m.EventTypes(); ok {
				checked, err := schematype.CheckEventTypes(types)
				if err != nil {
					return nil, kith.Invalid("eventTypes", "%s", err.Error())
				}
				out := make([]string, len(checked))
				for i, t := range checked {
					out[i] = string(t)
				}
				m.SetEventTypes(out)
			}
			if m.Op().Is(ent.OpCreate) {
				n, err := m.Client().WebhookEndpoint.Query().Count(ctx)
				if err != nil {
					return nil, err
				}
				if n >= maxWebhookEndpoints {
					return nil, kith.Invalid("url", "an organisation has at most %d webhook endpoints: delete one it no longer needs first", maxWebhookEndpoints)
				}
			}
			if enabled, ok := m.Enabled(); ok && enabled {
				m.ClearDisabledReason()
				m.ClearFailingSince()
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)
}
