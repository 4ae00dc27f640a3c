// Package sendgrid sends email through SendGrid's v3 Mail Send API
// (POST /v3/mail/send) with the official sendgrid-go SDK.
//
// Pointing it elsewhere is supported by the SDK: sendgrid.GetRequest takes
// the host to send to, and Config.BaseURL is passed as that host. Requests
// go through the SDK's rest.Client with an http.Client of our own (never the
// SDK's shared DefaultClient), carrying Send's context.
package sendgrid

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sendgrid/rest"
	sg "github.com/sendgrid/sendgrid-go"
	"github.com/sendgrid/sendgrid-go/helpers/mail"

	"github.com/kith-health/kith/notifier/provider"
	"github.com/kith-health/kith/schematype"
)

// DefaultBaseURL is SendGrid's API, used when Config.BaseURL is empty.
const DefaultBaseURL = "https://api.sendgrid.com"

// DefaultTimeout bounds one request to SendGrid when Config.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// MessageIDArg is the custom argument that carries Outgoing.MessageID, so
// that SendGrid's event webhooks can be matched to the message.
const MessageIDArg = "kith_message_id"

// Config says how to reach SendGrid.
type Config struct {
	// APIKey is a SendGrid API key with Mail Send permission
	// (KITH_SENDGRID_API_KEY). Required; never logged.
	APIKey string
	// FromEmail is the sender's address, a verified sender in SendGrid
	// (KITH_SENDGRID_FROM_EMAIL). Required.
	FromEmail string
	// FromName is the sender's display name when the message has no
	// FromName (KITH_SENDGRID_FROM_NAME). Optional.
	FromName string
	// BaseURL replaces SendGrid's API address, such as http://127.0.0.1:4011
	// for a mock. Default: DefaultBaseURL.
	BaseURL string
	// Timeout bounds one request. Default: DefaultTimeout.
	Timeout time.Duration
	// Transport makes the HTTP requests. Default: http.DefaultTransport;
	// tests wrap it to add headers.
	Transport http.RoundTripper
}

// Sender sends email through SendGrid. It is safe for concurrent use.
type Sender struct {
	cfg    Config
	client *rest.Client
}

var _ provider.Sender = (*Sender)(nil)

// New validates cfg and returns a Sender.
func New(cfg Config) (*Sender, error) {
	var errs []error
	if cfg.APIKey == "" || strings.ContainsAny(cfg.APIKey, " \t\r\n") {
		errs = append(errs, errors.New("API key must be set, without spaces"))
	}
	if email, err := schematype.NormalizeEmail(cfg.FromEmail); err != nil || email == "" {
		errs = append(errs, fmt.Errorf("from email %q must be an address such as hello@example.com", cfg.FromEmail))
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if u, err := url.Parse(cfg.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		errs = append(errs, fmt.Errorf("base URL %q must be an http or https URL such as http://127.0.0.1:4011", cfg.BaseURL))
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if cfg.Timeout < 0 {
		errs = append(errs, errors.New("timeout must not be negative"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("configuring SendGrid: %w", err)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	return &Sender{cfg: cfg, client: &rest.Client{HTTPClient: &http.Client{Transport: cfg.Transport, Timeout: cfg.Timeout}}}, nil
}

// Channel returns schematype.ChannelEmail.
func (s *Sender) Channel() schematype.Channel { return schematype.ChannelEmail }

// Send sends m as an email with a plain-text and an HTML part, from
// Config.FromEmail under m.FromName (else Config.FromName), with
// custom_args {MessageIDArg: m.MessageID}. The receipt's ProviderID is
// SendGrid's X-Message-Id, empty when the answer has none.
func (s *Sender) Send(ctx context.Context, m provider.Outgoing) (provider.Receipt, error) {
	if err := provider.CheckChannel(m, schematype.ChannelEmail); err != nil {
		return provider.Receipt{}, fmt.Errorf("sending email: %w", err)
	}
	req := sg.GetRequest(s.cfg.APIKey, "/v3/mail/send", s.cfg.BaseURL)
	req.Method = rest.Post
	req.Body = mail.GetRequestBody(s.mail(m))
	resp, err := s.client.SendWithContext(ctx, req)
	if err != nil {
		return provider.Receipt{}, fmt.Errorf("sending email: %w", classifyErr(ctx, err))
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return provider.Receipt{ProviderID: http.Header(resp.Headers).Get("X-Message-Id"), Status: "accepted"}, nil
	}
	return provider.Receipt{}, fmt.Errorf("sending email: %w", classify(resp))
}

// mail builds the v3 request body of m.
func (s *Sender) mail(m provider.Outgoing) *mail.SGMailV3 {
	name := m.FromName
	if name == "" {
		name = s.cfg.FromName
	}
	v := mail.NewV3Mail()
	v.SetFrom(mail.NewEmail(name, s.cfg.FromEmail))
	v.Subject = m.Subject
	p := mail.NewPersonalization()
	p.AddTos(mail.NewEmail("", m.To))
	if m.MessageID != "" {
		// On the personalization: the top-level custom_args is a string in
		// SendGrid's OpenAPI description, this one an object in both.
		p.SetCustomArg(MessageIDArg, m.MessageID)
	}
	v.AddPersonalizations(p)
	// SendGrid wants text/plain before text/html, and no empty part.
	if m.Text != "" {
		v.AddContent(mail.NewContent("text/plain", m.Text))
	}
	if m.HTML != "" {
		v.AddContent(mail.NewContent("text/html", m.HTML))
	}
	return v
}

// errorBody is SendGrid's error answer.
type errorBody struct {
	Errors []struct {
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"errors"`
}

// messages returns SendGrid's error messages in body, joined.
func messages(body string) string {
	var e errorBody
	if json.Unmarshal([]byte(body), &e) != nil {
		return ""
	}
	var parts []string
	for _, x := range e.Errors {
		if msg := strings.TrimSpace(x.Message); msg != "" {
			parts = append(parts, msg)
		}
	}
	return strings.Join(parts, "; ")
}

// classify turns an unsuccessful answer into a *provider.SendError.
func classify(resp *rest.Response) *provider.SendError {
	status := resp.StatusCode
	code := "http_" + strconv.Itoa(status)
	detail := messages(resp.Body)
	err := fmt.Errorf("SendGrid answered %d: %s", status, truncate(resp.Body, 500))
	switch {
	case status == http.StatusTooManyRequests:
		return provider.Transient(code, "SendGrid is limiting the rate of requests", err)
	case status >= 500:
		return provider.Transient(code, fmt.Sprintf("SendGrid is unavailable (HTTP %d)", status), err)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		reason := "SendGrid rejected the API key"
		if detail != "" {
			reason += " (" + detail + ")"
		}
		return provider.Permanent(code, reason, err)
	case status == http.StatusRequestEntityTooLarge:
		return provider.Permanent(code, "the email is too large for SendGrid", err)
	case detail != "":
		return provider.Permanent(code, "SendGrid refused the email: "+detail, err)
	}
	return provider.Permanent(code, fmt.Sprintf("SendGrid refused the email (HTTP %d)", status), err)
}

// classifyErr classifies an error that came before any answer.
func classifyErr(ctx context.Context, err error) *provider.SendError {
	var netErr net.Error
	switch {
	case ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()):
		return provider.Transient("timeout", "SendGrid did not answer in time", err)
	case errors.As(err, &netErr):
		return provider.Transient("network", "SendGrid could not be reached", err)
	}
	return provider.Transient("unexpected", "SendGrid could not be asked", err)
}

// truncate returns s cut to at most n bytes, on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
