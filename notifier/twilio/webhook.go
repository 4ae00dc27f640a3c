package twilio

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/twilio/twilio-go/client"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/communication"
	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/notifier/inbound"
	"github.com/kith-health/kith/pulid"
)

// SignatureHeader is the header in which Twilio signs its webhook requests.
const SignatureHeader = "X-Twilio-Signature"

// maxWebhookBody bounds the form Twilio posts; its requests are a few KB.
const maxWebhookBody = 64 << 10

// InboundHandler acts on what Twilio reports. *inbound.Service is one; the
// interface keeps this package's webhook testable on its own.
type InboundHandler interface {
	// OrganizationBySlug returns the organisation's ID, or an error wrapping
	// kith.ErrNotFound when there is none.
	OrganizationBySlug(ctx context.Context, slug string) (pulid.ID, error)
	// ApplyStatus moves the organisation's message with Twilio SID
	// providerID forward to status (see inbound.Service.ApplyStatus).
	ApplyStatus(ctx context.Context, orgID pulid.ID, providerID string, status notification.Status, reason string, at time.Time) (bool, error)
	// HandleInboundSMS acts on an SMS sent to the organisation and returns
	// the answer, "" for none (see inbound.Service.HandleInboundSMS).
	HandleInboundSMS(ctx context.Context, orgID pulid.ID, sms inbound.SMS) (string, error)
	// CallProgress records a Twilio Voice status callback on one of the
	// organisation's calls (see communication.CallProgress).
	CallProgress(ctx context.Context, orgID pulid.ID, p communication.Progress) (bool, error)
}

var _ InboundHandler = (*inbound.Service)(nil)

// WebhookConfig configures the Twilio webhook.
type WebhookConfig struct {
	// AuthToken is the account's auth token (KITH_TWILIO_AUTH_TOKEN), with
	// which Twilio signs its requests. Required.
	AuthToken string
	// PublicURL is kith's public address (KITH_PUBLIC_URL), such as
	// https://kith.example.com: Twilio signs the URL it called, which is this
	// address followed by the request's path and query. Required.
	PublicURL string
	// Logger receives failures. Default slog.Default().
	Logger *slog.Logger
}

// NewWebhook returns the handler of Twilio's requests to kith, where org is
// an organisation's slug:
//
//   - POST /webhooks/twilio/{org}/status: status callbacks (MessageSid,
//     MessageStatus, ErrorCode), which move the message's status forward;
//   - POST /webhooks/twilio/{org}/inbound: incoming SMS (From, Body), acted
//     on by h and answered with TwiML, <Response><Message>…</Message></Response>
//     or an empty <Response></Response>;
//   - POST /webhooks/twilio/{org}/voice: Twilio Voice's status callbacks
//     (CallSid, CallStatus, Direction, From, To, CallDuration, Timestamp,
//     RecordingUrl, ParentCallSid), which record the call in the
//     communications log and move it forward; answered 200 with an empty
//     <Response/>.
//
// Every request must carry a valid X-Twilio-Signature for
// cfg.PublicURL plus its path and query and its form parameters (checked by
// twilio-go's RequestValidator), or it is refused with 403 Forbidden. An
// unknown organisation is 404 Not Found. Twilio's signature has no
// timestamp, so a replayed request passes the check; it changes nothing,
// as statuses only move forward and opting out or in twice is the same as
// once (a replayed confirm reply finds the appointment already confirmed).
func NewWebhook(cfg WebhookConfig, h InboundHandler) (http.Handler, error) {
	var errs []error
	if !tokenPattern.MatchString(cfg.AuthToken) {
		errs = append(errs, errors.New("auth token must be letters and digits"))
	}
	base, err := url.Parse(cfg.PublicURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" || base.RawQuery != "" {
		errs = append(errs, fmt.Errorf("public URL %q must be an http or https URL such as https://kith.example.com", cfg.PublicURL))
	}
	if h == nil {
		errs = append(errs, errors.New("a handler is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("configuring the Twilio webhook: %w", err)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	wh := &webhook{
		validator: client.NewRequestValidator(cfg.AuthToken),
		publicURL: strings.TrimRight(cfg.PublicURL, "/"),
		h:         h,
		log:       cfg.Logger,
	}
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/twilio/{org}/status", wh.verified(wh.status))
	mux.Handle("POST /webhooks/twilio/{org}/inbound", wh.verified(wh.inbound))
	mux.Handle("POST /webhooks/twilio/{org}/voice", wh.verified(wh.voice))
	return mux, nil
}

type webhook struct {
	validator client.RequestValidator
	publicURL string
	h         InboundHandler
	log       *slog.Logger
}

// verified checks the request's signature and resolves its organisation
// before calling next with it.
func (wh *webhook) verified(next func(http.ResponseWriter, *http.Request, pulid.ID)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxWebhookBody)
		if err := r.ParseForm(); err != nil {
			http.Error(w, "the request is not a form Twilio sends", http.StatusBadRequest)
			return
		}
		if !wh.valid(r) {
			http.Error(w, "invalid or missing "+SignatureHeader, http.StatusForbidden)
			return
		}
		slug := r.PathValue("org")
		orgID, err := wh.h.OrganizationBySlug(r.Context(), slug)
		switch {
		case errors.Is(err, kith.ErrNotFound):
			http.Error(w, "no such organisation", http.StatusNotFound)
			return
		case err != nil:
			wh.fail(w, r, err)
			return
		}
		next(w, r, orgID)
	})
}

// valid reports whether r is signed by Twilio for the public URL it was sent to.
func (wh *webhook) valid(r *http.Request) bool {
	sig := r.Header.Get(SignatureHeader)
	if sig == "" {
		return false
	}
	u := wh.publicURL + r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		u += "?" + r.URL.RawQuery
	}
	params := make(map[string]string, len(r.PostForm))
	for k, v := range r.PostForm {
		params[k] = v[0] // as Twilio signs: the first value of each
	}
	return wh.validator.Validate(u, params, sig)
}

// statuses maps Twilio's message statuses to kith's; the others (queued,
// sending, accepted, scheduled…) change nothing.
var statuses = map[string]notification.Status{
	"sent":        notification.StatusSent,
	"delivered":   notification.StatusDelivered,
	"read":        notification.StatusDelivered,
	"failed":      notification.StatusFailed,
	"undelivered": notification.StatusFailed,
}

// deliveryReasons says in words what Twilio's delivery error codes mean.
// https://www.twilio.com/docs/api/errors
var deliveryReasons = map[int]string{
	30001: "Twilio's queue for the sending number overflowed",
	30002: "the Twilio account is suspended",
	30003: "the phone is unreachable (off, or out of coverage)",
	30004: "the message was blocked by the recipient or the carrier",
	30005: "the number is unknown or no longer in service",
	30006: "the number is a landline or its carrier does not take SMS",
	30007: "the carrier filtered the message",
	30008: "the carrier could not deliver the message (unknown error)",
}

// status handles a status callback.
func (wh *webhook) status(w http.ResponseWriter, r *http.Request, orgID pulid.ID) {
	sid := r.PostForm.Get("MessageSid")
	status, ok := statuses[strings.ToLower(r.PostForm.Get("MessageStatus"))]
	if !ok || sid == "" {
		w.WriteHeader(http.StatusOK)
		return
	}
	var reason string
	if status == notification.StatusFailed {
		reason = failureReason(r.PostForm.Get("ErrorCode"))
	}
	if _, err := wh.h.ApplyStatus(r.Context(), orgID, sid, status, reason, time.Now()); err != nil {
		wh.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// failureReason says why Twilio could not deliver a message, from its error code.
func failureReason(code string) string {
	n, err := strconv.Atoi(strings.TrimSpace(code))
	if err != nil || n == 0 {
		return "Twilio could not deliver the message"
	}
	reason, ok := deliveryReasons[n]
	if !ok {
		reason, ok = reasons[n]
	}
	if !ok {
		reason = "Twilio could not deliver the message"
	}
	return reason + " [" + strconv.Itoa(n) + "]"
}

// twiML is Twilio's answer format for an incoming message.
type twiML struct {
	XMLName xml.Name `xml:"Response"`
	Message string   `xml:"Message,omitempty"`
}

// inbound handles an incoming SMS and answers it with TwiML.
func (wh *webhook) inbound(w http.ResponseWriter, r *http.Request, orgID pulid.ID) {
	reply, err := wh.h.HandleInboundSMS(r.Context(), orgID, inbound.SMS{
		SID: r.PostForm.Get("MessageSid"), From: r.PostForm.Get("From"), To: r.PostForm.Get("To"), Body: r.PostForm.Get("Body"),
	})
	if err != nil {
		wh.fail(w, r, err)
		return
	}
	out, err := xml.Marshal(twiML{Message: reply})
	if err != nil {
		wh.fail(w, r, fmt.Errorf("writing TwiML: %w", err))
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(out)
}

// voice handles a Twilio Voice status callback and answers an empty TwiML
// <Response/>. A callback without a CallSid or with a status kith does not
// know changes nothing.
func (wh *webhook) voice(w http.ResponseWriter, r *http.Request, orgID pulid.ID) {
	f := r.PostForm
	p := communication.Progress{
		CallSID: f.Get("CallSid"), ParentCallSID: f.Get("ParentCallSid"), Status: f.Get("CallStatus"),
		Direction: f.Get("Direction"), From: f.Get("From"), To: f.Get("To"), RecordingURL: f.Get("RecordingUrl"),
		At: callbackTime(f.Get("Timestamp")),
	}
	if n, err := strconv.Atoi(strings.TrimSpace(f.Get("CallDuration"))); err == nil && n >= 0 && n <= maxCallSeconds {
		p.DurationSeconds = &n
	}
	if p.CallSID != "" {
		if _, err := wh.h.CallProgress(r.Context(), orgID, p); err != nil {
			wh.fail(w, r, err)
			return
		}
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	_, _ = w.Write([]byte(xml.Header + "<Response/>"))
}

// maxCallSeconds is the longest call duration kept (a week, as the schema).
const maxCallSeconds = 7 * 24 * 3600

// callbackTime reads a status callback's Timestamp (RFC 1123, "Mon, 16
// Aug 2010 03:45:01 +0000"); now when it is absent, unreadable or in the
// future (a clock Twilio's is ahead of).
func callbackTime(s string) time.Time {
	now := time.Now()
	for _, layout := range []string{time.RFC1123Z, time.RFC1123} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			if t.After(now) {
				return now
			}
			return t
		}
	}
	return now
}

// fail logs err and answers 500, so that Twilio reports the failure in its console.
func (wh *webhook) fail(w http.ResponseWriter, r *http.Request, err error) {
	wh.log.ErrorContext(r.Context(), "twilio webhook failed", "path", r.URL.Path, "err", err)
	http.Error(w, "internal error", http.StatusInternalServerError)
}
