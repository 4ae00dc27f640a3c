package main

import (
	"fmt"
	"log/slog"
	"strconv"

	"github.com/kith-health/kith/message"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/notifier/logsender"
	"github.com/kith-health/kith/notifier/sendgrid"
	"github.com/kith-health/kith/notifier/twilio"
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
//
// A provider's setting given without its key (KITH_TWILIO_AUTH_TOKEN without
// KITH_TWILIO_ACCOUNT_SID, KITH_SENDGRID_FROM_EMAIL without
// KITH_SENDGRID_API_KEY, …) stops kith: a deployment whose key went
// missing must not fall back to logging its messages, secrets and all.
func senders(getenv func(string) string, log *slog.Logger) ([]notifier.Sender, error) {
	for key, others := range map[string][]string{
		"KITH_TWILIO_ACCOUNT_SID": {"KITH_TWILIO_AUTH_TOKEN", "KITH_TWILIO_FROM", "KITH_TWILIO_BASE_URL"},
		"KITH_SENDGRID_API_KEY":   {"KITH_SENDGRID_FROM_EMAIL", "KITH_SENDGRID_FROM_NAME", "KITH_SENDGRID_BASE_URL"},
	} {
		if getenv(key) != "" {
			continue
		}
		for _, other := range others {
			if getenv(other) != "" {
				return nil, fmt.Errorf("%s is set but %s is not: set %s too, or unset %s to use the log channel (development only)", other, key, key, other)
			}
		}
	}
	var out []notifier.Sender
	if sid := getenv("KITH_TWILIO_ACCOUNT_SID"); sid != "" {
		s, err := twilio.New(twilio.Config{
			AccountSID: sid,
			AuthToken:  getenv("KITH_TWILIO_AUTH_TOKEN"),
			From:       getenv("KITH_TWILIO_FROM"),
			BaseURL:    getenv("KITH_TWILIO_BASE_URL"),
		})
		if err != nil {
			return nil, err // says "configuring Twilio: …"
		}
		out = append(out, s)
	}
	if key := getenv("KITH_SENDGRID_API_KEY"); key != "" {
		s, err := sendgrid.New(sendgrid.Config{
			APIKey:    key,
			FromEmail: getenv("KITH_SENDGRID_FROM_EMAIL"),
			FromName:  getenv("KITH_SENDGRID_FROM_NAME"),
			BaseURL:   getenv("KITH_SENDGRID_BASE_URL"),
		})
		if err != nil {
			return nil, err // says "configuring SendGrid: …"
		}
		out = append(out, s)
	}
	switch len(out) {
	case 0:
		log.Warn(logsender.Warning)
		return []notifier.Sender{logsender.New(message.ChannelSMS, log), logsender.New(message.ChannelEmail, log)}, nil
	case 1:
		missing, variable := message.ChannelEmail, "KITH_SENDGRID_API_KEY"
		if out[0].Channel() == message.ChannelEmail {
			missing, variable = message.ChannelSMS, "KITH_TWILIO_ACCOUNT_SID"
		}
		log.Warn(fmt.Sprintf("no %s provider is configured (%s): %s messages are not sent, and fail with that reason", missing, variable, missing))
	}
	for _, s := range out {
		log.Info("message channel", "channel", s.Channel(), "provider", fmt.Sprintf("%T", s))
	}
	return out, nil
}

// sendRates reads KITH_SMS_RATE and KITH_EMAIL_RATE: messages a second each
// channel may hand to its provider; unset or 0 means no cap.
func sendRates(getenv func(string) string) (map[message.Channel]float64, error) {
	rates := map[message.Channel]float64{}
	for ch, key := range map[message.Channel]string{message.ChannelSMS: "KITH_SMS_RATE", message.ChannelEmail: "KITH_EMAIL_RATE"} {
		v := getenv(key)
		if v == "" {
			continue
		}
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r < 0 {
			return nil, fmt.Errorf("%s must be a number of messages a second, not %q", key, v)
		}
		rates[ch] = r
	}
	return rates, nil
}
