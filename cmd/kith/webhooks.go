package main

import (
	"log/slog"
	"net/http"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/mailimport"
	"github.com/kith-health/kith/notifier/inbound"
	"github.com/kith-health/kith/notifier/sendgrid"
	"github.com/kith-health/kith/notifier/twilio"
)

// webhooks builds the providers' webhooks on replies: Twilio's (status
// callbacks, incoming SMS and Twilio Voice's call status callbacks, signed with KITH_TWILIO_AUTH_TOKEN and checked
// against publicURL) when that token is set, SendGrid's event webhook when
// KITH_SENDGRID_WEBHOOK_PUBLIC_KEY is set, SendGrid's Inbound Parse (mail
// into the communications log, recorded in db) when
// KITH_SENDGRID_INBOUND_PUBLIC_KEY is set. It returns nil when none is. All
// are on one mux, so that server.knownPaths answers any other /webhooks/
// path with a coded 404.
func webhooks(cfg config, publicURL string, replies *inbound.Service, db *ent.Client, log *slog.Logger) (http.Handler, error) {
	mux := http.NewServeMux()
	mounted := false
	if key := cfg.SendGrid.InboundPublicKey; key != "" {
		h, err := mailimport.NewInbound(db, mailimport.InboundConfig{PublicKey: key, Logger: log})
		if err != nil {
			return nil, err // says "configuring the SendGrid Inbound Parse webhook: …"
		}
		mux.Handle("POST "+mailimport.InboundPath, h)
		mounted = true
		log.Info("sendgrid inbound parse webhook", "url", publicURL+mailimport.InboundPath)
	}
	if token := cfg.Twilio.AuthToken; token != "" {
		h, err := twilio.NewWebhook(twilio.WebhookConfig{AuthToken: token, PublicURL: publicURL, Logger: log}, replies)
		if err != nil {
			return nil, err // says "configuring the Twilio webhook: …"
		}
		mux.Handle("/webhooks/twilio/", h)
		mounted = true
		log.Info("twilio webhooks", "status", publicURL+"/webhooks/twilio/{org}/status", "inbound", publicURL+"/webhooks/twilio/{org}/inbound",
			"voice", publicURL+"/webhooks/twilio/{org}/voice")
	}
	if key := cfg.SendGrid.WebhookPublicKey; key != "" {
		h, err := sendgrid.NewWebhook(sendgrid.WebhookConfig{PublicKey: key, Logger: log}, replies)
		if err != nil {
			return nil, err // says "configuring the SendGrid webhook: …"
		}
		mux.Handle(sendgrid.WebhookPath, h)
		mounted = true
		log.Info("sendgrid event webhook", "url", publicURL+sendgrid.WebhookPath)
	}
	if !mounted {
		return nil, nil
	}
	return mux, nil
}
