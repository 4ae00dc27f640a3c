// Package twilio sends SMS through Twilio's Programmable Messaging API
// (POST /2010-04-01/Accounts/{AccountSid}/Messages.json) with the official
// twilio-go SDK.
//
// Pointing it elsewhere: the SDK's 2010 API service has no base-URL setting
// (its baseURL is unexported and fixed to https://api.twilio.com). Its
// supported extension point is the http.Client of client.Client (see the
// SDK's advanced-examples/custom-http-client.md). Each Send gets its own
// client.Client whose transport sends the SDK's requests to Config.BaseURL,
// attaches Send's context (the SDK builds requests without one) and notes
// the HTTP status, so that an error body the SDK cannot decode is still
// classified by it.
package twilio

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/kith-health/kith/notifier/provider"
	"github.com/kith-health/kith/schematype"
)

// DefaultTimeout bounds one request to Twilio when Config.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Config says how to reach Twilio.
type Config struct {
	// AccountSID is the account's SID, "AC" and 32 hex digits
	// (KITH_TWILIO_ACCOUNT_SID). Required.
	AccountSID string
	// AuthToken is the account's auth token (KITH_TWILIO_AUTH_TOKEN).
	// Required; never logged.
	AuthToken string
	// From is the sender: an E.164 number such as +14165550100, or a
	// messaging service SID, "MG" and 32 hex digits (KITH_TWILIO_FROM).
	// Required.
	From string
	// BaseURL replaces https://api.twilio.com, such as http://127.0.0.1:4010
	// for a mock; a path in it is put before the API's. Default: Twilio's.
	BaseURL string
	// Timeout bounds one request. Default: DefaultTimeout.
	Timeout time.Duration
	// Transport makes the HTTP requests. Default: http.DefaultTransport;
	// tests wrap it to add headers.
	Transport http.RoundTripper
}

var (
	accountSIDPattern = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)
	serviceSIDPattern = regexp.MustCompile(`^MG[0-9a-fA-F]{32}$`)
	e164Pattern       = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)
	tokenPattern      = regexp.MustCompile(`^[A-Za-z0-9]+$`)
)

// Sender sends SMS through Twilio. It is safe for concurrent use.
type Sender struct {
	cfg  Config
	base *url.URL // nil: Twilio's own
	// sdk is the SDK client of the account, built once. twilio-go (1.31)
	// sends with context.Background() and takes no context, so each Send
	// uses a shallow copy whose http.Client carries that message's context
	// (roundTripper): the copy is a few words, the transport's pooled
	// connections are shared.
	sdk *client.Client
}

var _ provider.Sender = (*Sender)(nil)

// New validates cfg and returns a Sender.
func New(cfg Config) (*Sender, error) {
	var errs []error
	if !accountSIDPattern.MatchString(cfg.AccountSID) {
		errs = append(errs, errors.New(`account SID must be "AC" followed by 32 hex digits`))
	}
	if !tokenPattern.MatchString(cfg.AuthToken) {
		// The SDK refuses tokens with other characters.
		errs = append(errs, errors.New("auth token must be letters and digits"))
	}
	if !e164Pattern.MatchString(cfg.From) && !serviceSIDPattern.MatchString(cfg.From) {
		errs = append(errs, errors.New(`from must be an E.164 number such as +14165550100 or a messaging service SID ("MG" and 32 hex digits)`))
	}
	s := &Sender{cfg: cfg}
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
			errs = append(errs, fmt.Errorf("base URL %q must be an http or https URL such as http://127.0.0.1:4010", cfg.BaseURL))
		} else {
			u.Path = strings.TrimSuffix(u.Path, "/")
			s.base = u
		}
	}
	if cfg.Timeout < 0 {
		errs = append(errs, errors.New("timeout must not be negative"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("configuring Twilio: %w", err)
	}
	if s.cfg.Timeout == 0 {
		s.cfg.Timeout = DefaultTimeout
	}
	if s.cfg.Transport == nil {
		s.cfg.Transport = http.DefaultTransport
	}
	s.sdk = &client.Client{Credentials: client.NewCredentials(s.cfg.AccountSID, s.cfg.AuthToken)}
	s.sdk.SetAccountSid(s.cfg.AccountSID)
	return s, nil
}

// Channel returns schematype.ChannelSMS.
func (s *Sender) Channel() schematype.Channel { return schematype.ChannelSMS }

// Send sends m.Text to m.To as SMS from Config.From (as a messaging service
// when it is an MG SID), asking for status callbacks at m.StatusCallbackURL
// when set. The receipt's ProviderID is the message SID.
func (s *Sender) Send(ctx context.Context, m provider.Outgoing) (provider.Receipt, error) {
	if err := provider.CheckChannel(m, schematype.ChannelSMS); err != nil {
		return provider.Receipt{}, fmt.Errorf("sending SMS: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel() // CreateMessage has read the body when it returns
	rt := &roundTripper{ctx: ctx, base: s.base, next: s.cfg.Transport}
	c := *s.sdk // see Sender.sdk
	c.HTTPClient = &http.Client{
		Transport: rt,
		// As the SDK's own client: report redirects, do not follow them.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}

	// Empty fields are left out, as the SDK does with unset ones, so that
	// Twilio refuses a message without recipient or text.
	params := &api.CreateMessageParams{}
	if m.To != "" {
		params.SetTo(m.To)
	}
	if m.Text != "" {
		params.SetBody(m.Text)
	}
	if serviceSIDPattern.MatchString(s.cfg.From) {
		params.SetMessagingServiceSid(s.cfg.From)
	} else {
		params.SetFrom(s.cfg.From)
	}
	if m.StatusCallbackURL != "" {
		params.SetStatusCallback(m.StatusCallbackURL)
	}
	msg, err := api.NewApiServiceWithClient(&c).CreateMessage(params)
	if err != nil {
		return provider.Receipt{}, fmt.Errorf("sending SMS: %w", classify(ctx, rt.lastStatus(), err))
	}
	var r provider.Receipt
	if msg.Sid != nil {
		r.ProviderID = *msg.Sid
	}
	if msg.Status != nil {
		r.Status = *msg.Status
	}
	return r, nil
}

// roundTripper sends one Send's requests to the base URL, with its context,
// and notes the last HTTP status.
type roundTripper struct {
	ctx  context.Context
	base *url.URL
	next http.RoundTripper

	mu     sync.Mutex
	status int
}

// RoundTrip implements http.RoundTripper.
func (t *roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(t.ctx)
	if t.base != nil {
		r.URL.Scheme = t.base.Scheme
		r.URL.Host = t.base.Host
		r.URL.Path = t.base.Path + r.URL.Path
		r.URL.RawPath = ""
		r.Host = ""
	}
	resp, err := t.next.RoundTrip(r)
	if resp != nil {
		t.mu.Lock()
		t.status = resp.StatusCode
		t.mu.Unlock()
	}
	return resp, err
}

// lastStatus returns the status of the last response, 0 if none came.
func (t *roundTripper) lastStatus() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.status
}

// reasons says in words what the Twilio error codes we expect mean.
// https://www.twilio.com/docs/api/errors
var reasons = map[int]string{
	20003: "Twilio rejected the account SID or auth token",
	21211: "the number is not a valid phone number",
	21212: "the sending number (KITH_TWILIO_FROM) is not a valid phone number",
	21408: "Twilio is not enabled to send SMS to this number's country or region",
	21606: "the sending number (KITH_TWILIO_FROM) is not an SMS-capable number of this Twilio account",
	21610: "the recipient has opted out (STOP)",
	21612: "Twilio cannot send SMS to this number from this sender",
	21614: "the number is not a valid mobile number",
}

// classify turns an error of the SDK into a *provider.SendError. status is
// the HTTP status seen, 0 if none.
func classify(ctx context.Context, status int, err error) *provider.SendError {
	var rest *client.TwilioRestError
	if errors.As(err, &rest) {
		if rest.Status != 0 {
			status = rest.Status
		}
		code := "http_" + strconv.Itoa(status)
		if rest.Code != 0 {
			code = strconv.Itoa(rest.Code)
		}
		reason, known := reasons[rest.Code]
		switch {
		case known && status != http.StatusTooManyRequests && status < 500:
			return provider.Permanent(code, reason, err)
		case status == 0:
			// Raised by the SDK before sending, such as 21222 for bad credentials.
			return provider.Permanent(code, describe("Twilio's client refused the request", rest.Message), err)
		}
		return byStatus(status, code, rest.Message, err)
	}
	if status != 0 {
		// An error body the SDK could not decode, as from a proxy.
		return byStatus(status, "http_"+strconv.Itoa(status), "", err)
	}
	var netErr net.Error
	switch {
	case ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded):
		return provider.Transient("timeout", "Twilio did not answer in time", err)
	case errors.As(err, &netErr):
		return provider.Transient("network", "Twilio could not be reached", err)
	}
	// Unexpected, such as a success body that is not JSON: not provably final.
	return provider.Transient("unexpected", "Twilio's answer could not be read", err)
}

// byStatus classifies by HTTP status: 429 and 5xx are transient, the rest
// permanent.
func byStatus(status int, code, detail string, err error) *provider.SendError {
	switch {
	case status == http.StatusTooManyRequests:
		return provider.Transient(code, "Twilio is limiting the rate of requests", err)
	case status >= 500:
		return provider.Transient(code, describe(fmt.Sprintf("Twilio is unavailable (HTTP %d)", status), detail), err)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return provider.Permanent(code, "Twilio rejected the account SID or auth token", err)
	}
	return provider.Permanent(code, describe(fmt.Sprintf("Twilio refused the message (HTTP %d)", status), detail), err)
}

// describe appends Twilio's own message to a reason, when there is one.
func describe(reason, detail string) string {
	if detail = strings.TrimSpace(detail); detail != "" {
		return reason + ": " + detail
	}
	return reason
}
