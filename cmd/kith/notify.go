package main

import (
	"fmt"
	"log/slog"

	"github.com/kith-health/kith/notifier/logsender"
	"github.com/kith-health/kith/notifier/provider"
	"github.com/kith-health/kith/notifier/sendgrid"
	"github.com/kith-health/kith/notifier/twilio"
	"github.com/kith-health/kith/schematype"
)

// senders builds one Sender per channel: Twilio for SMS when
// KITH_TWILIO_ACCOUNT_SID is set, SendGrid for email when
// KITH_SENDGRID_API_KEY is set. Credentials come from the environment only.
//
// With neither, both channels are the log channel, which prints every
// message whole, secrets included, and says so at WARN: that is development.
// With one provider configured, kith is not in development and no message
// is ever logged: the other channel has no Sender, so its messages fail
// with "no … provider is configured", and a WARN says so at start-up.
// (A provider's setting given without its key stopped kith in
// config.validate: a deployment whose key went missing must not fall back
// to logging its messages, secrets and all.)
func senders(cfg config, log *slog.Logger) ([]provider.Sender, error) {
	var out []provider.Sender
	if tw := cfg.Twilio; tw.AccountSID != "" {
		s, err := twilio.New(twilio.Config{
			AccountSID: tw.AccountSID,
			AuthToken:  tw.AuthToken,
			From:       tw.From,
			BaseURL:    tw.BaseURL,
		})
		if err != nil {
			return nil, err // says "configuring Twilio: …"
		}
		out = append(out, s)
	}
	if sg := cfg.SendGrid; sg.APIKey != "" {
		s, err := sendgrid.New(sendgrid.Config{
			APIKey:    sg.APIKey,
			FromEmail: sg.FromEmail,
			FromName:  sg.FromName,
			BaseURL:   sg.BaseURL,
		})
		if err != nil {
			return nil, err // says "configuring SendGrid: …"
		}
		out = append(out, s)
	}
	switch len(out) {
	case 0:
		log.Warn(logsender.Warning)
		return []provider.Sender{logsender.New(schematype.ChannelSMS, log), logsender.New(schematype.ChannelEmail, log)}, nil
	case 1:
		missing, variable := schematype.ChannelEmail, "KITH_SENDGRID_API_KEY"
		if out[0].Channel() == schematype.ChannelEmail {
			missing, variable = schematype.ChannelSMS, "KITH_TWILIO_ACCOUNT_SID"
		}
		log.Warn(fmt.Sprintf("no %s provider is configured (%s): %s messages are not sent, and fail with that reason", missing, variable, missing))
	}
	for _, s := range out {
		log.Info("message channel", "channel", s.Channel(), "provider", fmt.Sprintf("%T", s))
	}
	return out, nil
}

// sendRates is KITH_SMS_RATE and KITH_EMAIL_RATE: messages a second each
// channel may hand to its provider; 0 means no cap.
func sendRates(cfg config) map[schematype.Channel]float64 {
	return map[schematype.Channel]float64{schematype.ChannelSMS: cfg.SMSRate, schematype.ChannelEmail: cfg.EmailRate}
}
