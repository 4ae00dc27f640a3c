package main

import (
	"log/slog"
	"net/http"

	"github.com/kith-health/kith/notifier/inbound"
	"github.com/kith-health/kith/notifier/sendgrid"
	"github.com/kith-health/kith/notifier/twilio"
)

// webhooks builds the providers' webhooks on replies: Twilio's (status
// callbacks, incoming SMS and Twilio Voice's call status callbacks, signed with KITH_TWILIO_AUTH_TOKEN and checked
// against publicURL) when that token is set, SendGrid's event webhook when
// KITH_SENDGRID_WEBHOOK_PUBLIC_KEY is set. It returns nil when neither is.
func webhooks(cfg config, publicURL string, replies *inbound.Service, log *slog.Logger) (http.Handler, error) {
	mux := http.NewServeMux()
	mounted := false
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
