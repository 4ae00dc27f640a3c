package main

import (
	"log/slog"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/event"
)

// webhookEvents is the webhook events' service cfg describes, and warns
// when private addresses are allowed.
func webhookEvents(cfg config, db *ent.Client, log *slog.Logger) *event.Service {
	if cfg.Webhook.Private {
		log.Warn("KITH_WEBHOOK_ALLOW_PRIVATE is on: webhook endpoints may be plain http and on loopback, private or link-local addresses (development and tests only)")
	}
	return event.New(db, event.Config{
		AllowPrivate: cfg.Webhook.Private, Timeout: cfg.Webhook.DeliveryTimeout, Workers: cfg.Webhook.DeliveryWorkers, Logger: log,
	})
}
