package sendgrid

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/kith-health/kith/email"
	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/notifier/inbound"
	"github.com/kith-health/kith/pulid"
)

// DefaultWebhookWindow is how far an event batch's signed timestamp may be
// from now when WebhookConfig.Window is zero.
const DefaultWebhookWindow = 5 * time.Minute

// WebhookPath is where SendGrid posts its events.
const WebhookPath = "/webhooks/sendgrid/events"

// maxEventsBody bounds one batch of events. SendGrid posts a batch every 30
// seconds or when it reaches 768 KB.
const maxEventsBody = 4 << 20

// EventHandler acts on what SendGrid reports. *inbound.Service is one; the
// interface keeps this package's webhook testable on its own.
type EventHandler interface {
	// MessageOrganization returns the organisation of kith's message id, ""
	// when there is no such message.
	MessageOrganization(ctx context.Context, id pulid.ID) (pulid.ID, error)
	// ApplyStatusByID moves kith's message id forward to status (see
	// inbound.Service.ApplyStatusByID).
	ApplyStatusByID(ctx context.Context, id pulid.ID, status notification.Status, reason string, at time.Time) (bool, error)
	// Suppress stops email to an address of the organisation (see inbound.Service.Suppress).
	Suppress(ctx context.Context, orgID pulid.ID, email, reason string) error
}

var _ EventHandler = (*inbound.Service)(nil)

// WebhookConfig configures the SendGrid event webhook.
type WebhookConfig struct {
	// PublicKey is the signed event webhook's verification key, base64 as
	// SendGrid shows it (KITH_SENDGRID_WEBHOOK_PUBLIC_KEY). Required.
	PublicKey string
	// Window is how far the signed timestamp of a batch may be from now;
	// an older one is a replay. Default DefaultWebhookWindow.
	Window time.Duration
	// Logger receives failures. Default slog.Default().
	Logger *slog.Logger
}

// NewWebhook returns the handler of SendGrid's event webhook, POST
// /webhooks/sendgrid/events. A batch must carry SendGrid's ECDSA signature
// of its timestamp and raw body (X-Twilio-Email-Event-Webhook-Signature and
// -Timestamp, checked by package email, as Inbound Parse's are) with a timestamp within
// cfg.Window of now, or it is refused with 403 Forbidden.
//
// Each event of kith's (it carries the custom argument kith_message_id)
// updates that message: delivered makes it DELIVERED; bounce and dropped
// make it FAILED with SendGrid's reason and suppress the address, except a
// bounce of type "blocked", a refusal SendGrid itself treats as temporary;
// spamreport suppresses the address. Other events (processed, deferred,
// open, click…) change nothing, and so do events of other mail. SendGrid
// delivers events at least once: a repeated one changes nothing, as
// statuses only move forward and suppressing twice is suppressing once.
// When an event cannot be recorded the answer is 500, and SendGrid sends
// the batch again later.
func NewWebhook(cfg WebhookConfig, h EventHandler) (http.Handler, error) {
	var errs []error
	key, err := email.ParseSendGridKey(cfg.PublicKey)
	if err != nil {
		errs = append(errs, fmt.Errorf("the public key must be SendGrid's base64 ECDSA verification key: %w", err))
	}
	if cfg.Window < 0 {
		errs = append(errs, errors.New("the window must not be negative"))
	}
	if h == nil {
		errs = append(errs, errors.New("a handler is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("configuring the SendGrid webhook: %w", err)
	}
	if cfg.Window == 0 {
		cfg.Window = DefaultWebhookWindow
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	wh := &webhook{key: key, window: cfg.Window, h: h, log: cfg.Logger}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+WebhookPath, wh.serve)
	return mux, nil
}

type webhook struct {
	key    *ecdsa.PublicKey
	window time.Duration
	h      EventHandler
	log    *slog.Logger
}

// event is one of SendGrid's events, with the fields kith reads. Custom
// arguments come as top-level fields.
type event struct {
	Event     string `json:"event"`
	Email     string `json:"email"`
	Timestamp int64  `json:"timestamp"`
	Reason    string `json:"reason"`
	Status    string `json:"status"`
	Type      string `json:"type"`
	MessageID string `json:"kith_message_id"`
}

func (wh *webhook) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxEventsBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		http.Error(w, "the batch is too large", http.StatusRequestEntityTooLarge)
		return
	case err != nil:
		http.Error(w, "the batch could not be read", http.StatusBadRequest)
		return
	}
	if reason := wh.verify(r.Header, body, time.Now()); reason != "" {
		http.Error(w, reason, http.StatusForbidden)
		return
	}
	var events []event
	if err := json.Unmarshal(body, &events); err != nil {
		http.Error(w, "the body is not a JSON array of events", http.StatusBadRequest)
		return
	}
	var errs []error
	for _, ev := range events {
		if err := wh.apply(r.Context(), ev); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		wh.log.ErrorContext(r.Context(), "sendgrid webhook failed", "events", len(events), "failed", len(errs), "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// verify returns why a batch is refused, "" when it is signed by SendGrid's
// key and recent (package email's checks, shared with Inbound Parse).
func (wh *webhook) verify(header http.Header, body []byte, now time.Time) string {
	if err := email.CheckSendGridHeaders(header, now, wh.window); err != nil {
		return strings.TrimPrefix(err.Error(), email.ErrBadSignature.Error()+": ")
	}
	if email.VerifySendGridSignature(wh.key, header.Get(email.SendGridSignatureHeader), header.Get(email.SendGridTimestampHeader), body) != nil {
		return "invalid " + email.SendGridSignatureHeader
	}
	return ""
}

// apply records one event.
func (wh *webhook) apply(ctx context.Context, ev event) error {
	id := pulid.ID(strings.TrimSpace(ev.MessageID))
	var status notification.Status
	var suppress, reason string
	switch ev.Event {
	case "delivered":
		status = notification.StatusDelivered
	case "bounce":
		status, reason = notification.StatusFailed, describe("the email bounced", ev)
		if ev.Type != "blocked" {
			suppress = reason
		}
	case "dropped":
		status, reason = notification.StatusFailed, describe("SendGrid dropped the email", ev)
		suppress = reason
	case "spamreport":
		suppress = "the recipient reported an email as spam"
	default:
		return nil
	}
	if id == "" {
		return nil // not sent by kith
	}
	orgID, err := wh.h.MessageOrganization(ctx, id)
	if err != nil || orgID == "" {
		return err
	}
	var at time.Time
	if ev.Timestamp > 0 {
		at = time.Unix(ev.Timestamp, 0)
	}
	if status != "" {
		if _, err := wh.h.ApplyStatusByID(ctx, id, status, reason, at); err != nil {
			return fmt.Errorf("%s event of %s: %w", ev.Event, id, err)
		}
	}
	if suppress != "" && strings.TrimSpace(ev.Email) != "" {
		if err := wh.h.Suppress(ctx, orgID, ev.Email, suppress); err != nil {
			return fmt.Errorf("%s event of %s: %w", ev.Event, id, err)
		}
	}
	return nil
}

// describe appends SendGrid's reason and status to what happened, e.g.
// "the email bounced: 550 5.1.1 The email account does not exist (5.1.1)".
func describe(what string, ev event) string {
	detail := strings.TrimSpace(ev.Reason)
	if s := strings.TrimSpace(ev.Status); s != "" && !strings.Contains(detail, s) {
		detail = strings.TrimSpace(detail + " (" + s + ")")
	}
	if detail == "" {
		return what
	}
	return what + ": " + truncate(detail, 300)
}
