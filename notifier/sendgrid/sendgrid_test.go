package sendgrid_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/notifier/provider"
	"github.com/kith-health/kith/notifier/sendgrid"
	"github.com/kith-health/kith/schematype"
)

const apiKey = "SG.test-key.0123456789"

// prismURL returns the address of Prism serving SendGrid's OpenAPI
// description, or skips the test.
func prismURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("KITH_TEST_SENDGRID_URL")
	if u == "" {
		t.Skip("KITH_TEST_SENDGRID_URL is not set: serve ../shared/specs/tsg_mail_v3.json with Prism " +
			"(bash .ci/run does) to run the email channel against SendGrid's API description")
	}
	return u
}

func email(to string) provider.Outgoing {
	return provider.Outgoing{
		MessageID: "nt01", Channel: schematype.ChannelEmail, To: to, FromName: "Maple Therapy",
		Subject: "Your appointment tomorrow",
		HTML:    "<p>Sam sees Dr Lee tomorrow at <b>10:00</b>.</p>",
		Text:    "Sam sees Dr Lee tomorrow at 10:00.",
	}
}

// prefer is a transport that asks Prism for a given answer
// ("Prefer: code=500"), a header the SDK has no option for.
type prefer int

// RoundTrip implements http.RoundTripper.
func (p prefer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Prefer", fmt.Sprintf("code=%d", int(p)))
	return http.DefaultTransport.RoundTrip(r)
}

func TestNew(t *testing.T) {
	t.Parallel()
	valid := sendgrid.Config{APIKey: apiKey, FromEmail: "hello@maple.example"}
	tests := []struct {
		name   string
		change func(*sendgrid.Config)
		want   string // part of the error; empty for none
	}{
		{"valid", func(*sendgrid.Config) {}, ""},
		{"valid with name and base URL", func(c *sendgrid.Config) { c.FromName = "Maple"; c.BaseURL = "http://127.0.0.1:4011/" }, ""},
		{"no API key", func(c *sendgrid.Config) { c.APIKey = "" }, "API key"},
		{"API key with a line break", func(c *sendgrid.Config) { c.APIKey = apiKey + "\n" }, "API key"},
		{"no from email", func(c *sendgrid.Config) { c.FromEmail = "" }, "from email"},
		{"from email with a name", func(c *sendgrid.Config) { c.FromEmail = "Maple <hello@maple.example>" }, "from email"},
		{"base URL without scheme", func(c *sendgrid.Config) { c.BaseURL = "api.sendgrid.com" }, "base URL"},
		{"negative timeout", func(c *sendgrid.Config) { c.Timeout = -time.Second }, "timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := valid
			tt.change(&cfg)
			s, err := sendgrid.New(cfg)
			if tt.want == "" {
				require.NoError(t, err)
				require.Equal(t, schematype.ChannelEmail, s.Channel())
				return
			}
			require.ErrorContains(t, err, "configuring SendGrid")
			require.ErrorContains(t, err, tt.want)
			require.NotContains(t, err.Error(), apiKey, "the error shows the API key")
		})
	}
}

// TestSendPrism sends through the real SDK to Prism, which validates every
// request against SendGrid's OpenAPI description as the real API would, and
// answers with the status asked for by "Prefer: code=…" when the description
// defines it (it defines no 429: TestSendErrors covers that).
func TestSendPrism(t *testing.T) {
	t.Parallel()
	base := prismURL(t)
	tests := []struct {
		name      string
		m         provider.Outgoing
		prefer    int // 0: Prism's first success
		permanent bool
		code      string // empty for success
		reason    string // part of the reason
	}{
		{name: "valid", m: email("wei@example.com")},
		{name: "text only, no practice name", m: func() provider.Outgoing {
			m := email("wei@example.com")
			m.HTML, m.FromName = "", ""
			return m
		}()},
		{name: "recipient that is no address", m: email("not an address"), permanent: true, code: "http_400", reason: "SendGrid refused the email"},
		{name: "bad request", m: email("wei@example.com"), prefer: 400, permanent: true, code: "http_400", reason: "SendGrid refused the email"},
		{name: "server error", m: email("wei@example.com"), prefer: 500, code: "http_500", reason: "SendGrid is unavailable (HTTP 500)"},
		{name: "unauthorized", m: email("wei@example.com"), prefer: 401, permanent: true, code: "http_401", reason: "SendGrid rejected the API key"},
		{name: "forbidden", m: email("wei@example.com"), prefer: 403, permanent: true, code: "http_403", reason: "SendGrid rejected the API key"},
		{name: "too large", m: email("wei@example.com"), prefer: 413, permanent: true, code: "http_413", reason: "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := sendgrid.Config{APIKey: apiKey, FromEmail: "hello@maple.example", FromName: "Maple", BaseURL: base}
			if tt.prefer != 0 {
				cfg.Transport = prefer(tt.prefer)
			}
			s, err := sendgrid.New(cfg)
			require.NoError(t, err)
			r, err := s.Send(context.Background(), tt.m)
			if tt.code == "" {
				require.NoError(t, err)
				require.Equal(t, "accepted", r.Status)
				return
			}
			require.Error(t, err)
			require.ErrorContains(t, err, "sending email")
			require.Equal(t, tt.permanent, provider.IsPermanent(err), "%v", err)
			var se *provider.SendError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tt.code, se.Code)
			require.Contains(t, se.Reason, tt.reason)
			require.NotContains(t, err.Error(), apiKey)
		})
	}
}

func TestSendRequest(t *testing.T) {
	t.Parallel()
	type content struct{ Type, Value string }
	type addr struct{ Email, Name string }
	type body struct {
		From             addr
		Subject          string
		Personalizations []struct {
			To         []addr
			CustomArgs map[string]string `json:"custom_args"`
		}
		Content []content
	}
	tests := []struct {
		name     string
		fromName string // of the message
		html     string
		wantFrom addr
		wantBody []content
	}{
		{"practice name, text and HTML", "Maple Therapy", "<p>Hi</p>",
			addr{"hello@maple.example", "Maple Therapy"}, []content{{"text/plain", "Hi"}, {"text/html", "<p>Hi</p>"}}},
		{"configured name, text only", "", "",
			addr{"hello@maple.example", "Maple"}, []content{{"text/plain", "Hi"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			type seen struct {
				path, auth string
				body       body
			}
			got := make(chan seen, 1)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var b body
				_ = json.NewDecoder(r.Body).Decode(&b)
				got <- seen{r.URL.Path, r.Header.Get("Authorization"), b}
				w.Header().Set("X-Message-Id", "sg-0123")
				w.WriteHeader(http.StatusAccepted)
			}))
			t.Cleanup(srv.Close)
			s, err := sendgrid.New(sendgrid.Config{APIKey: apiKey, FromEmail: "hello@maple.example", FromName: "Maple", BaseURL: srv.URL + "/mock/"})
			require.NoError(t, err)
			m := provider.Outgoing{MessageID: "nt42", Channel: schematype.ChannelEmail, To: "wei@example.com",
				FromName: tt.fromName, Subject: "Hello", HTML: tt.html, Text: "Hi"}
			r, err := s.Send(context.Background(), m)
			require.NoError(t, err)
			require.Equal(t, provider.Receipt{ProviderID: "sg-0123", Status: "accepted"}, r)
			req := <-got
			require.Equal(t, "/mock/v3/mail/send", req.path)
			require.Equal(t, "Bearer "+apiKey, req.auth)
			require.Equal(t, tt.wantFrom, req.body.From)
			require.Equal(t, "Hello", req.body.Subject)
			require.Len(t, req.body.Personalizations, 1)
			require.Equal(t, []addr{{Email: "wei@example.com"}}, req.body.Personalizations[0].To)
			require.Equal(t, map[string]string{sendgrid.MessageIDArg: "nt42"}, req.body.Personalizations[0].CustomArgs)
			require.Equal(t, tt.wantBody, req.body.Content)
		})
	}
}

func TestSendErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    int
		body      string
		permanent bool
		reason    string
	}{
		{"rejected", 400, `{"errors":[{"message":"Does not contain a valid address.","field":"personalizations.0.to.0.email"}]}`, true,
			"SendGrid refused the email: Does not contain a valid address."},
		{"rejected without a message", 400, `oops`, true, "SendGrid refused the email (HTTP 400)"},
		{"bad key", 401, `{"errors":[{"message":"The provided authorization grant is invalid, expired, or revoked","field":null}]}`, true,
			"SendGrid rejected the API key (The provided authorization grant is invalid, expired, or revoked)"},
		{"forbidden", 403, `{"errors":[{"message":"access forbidden"}]}`, true, "SendGrid rejected the API key (access forbidden)"},
		{"rate limited", 429, `{"errors":[{"message":"too many requests"}]}`, false, "SendGrid is limiting the rate of requests"},
		{"server error", 500, `{"errors":[{"message":"internal server error"}]}`, false, "SendGrid is unavailable (HTTP 500)"},
		{"bad gateway that is not JSON", 502, `<html>Bad Gateway</html>`, false, "SendGrid is unavailable (HTTP 502)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			t.Cleanup(srv.Close)
			s, err := sendgrid.New(sendgrid.Config{APIKey: apiKey, FromEmail: "hello@maple.example", BaseURL: srv.URL})
			require.NoError(t, err)
			_, err = s.Send(context.Background(), email("wei@example.com"))
			require.Error(t, err)
			require.Equal(t, tt.permanent, provider.IsPermanent(err), "%v", err)
			var se *provider.SendError
			require.ErrorAs(t, err, &se)
			require.Equal(t, fmt.Sprintf("http_%d", tt.status), se.Code)
			require.Equal(t, tt.reason, se.Reason)
		})
	}
}

func TestSendTransientWithoutAnswer(t *testing.T) {
	t.Parallel()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // so that the server notices the client leave
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(slow.Close)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	tests := []struct {
		name    string
		ctx     context.Context
		baseURL string
		code    string
	}{
		{"timeout", context.Background(), slow.URL, "timeout"},
		{"context cancelled", cancelled, slow.URL, "timeout"},
		{"connection refused", context.Background(), closed.URL, "network"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := sendgrid.New(sendgrid.Config{APIKey: apiKey, FromEmail: "hello@maple.example",
				BaseURL: tt.baseURL, Timeout: 100 * time.Millisecond})
			require.NoError(t, err)
			start := time.Now()
			_, err = s.Send(tt.ctx, email("wei@example.com"))
			require.Less(t, time.Since(start), 3*time.Second)
			require.Error(t, err)
			require.False(t, provider.IsPermanent(err), "%v", err)
			var se *provider.SendError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tt.code, se.Code)
		})
	}
}

func TestSendWrongChannel(t *testing.T) {
	t.Parallel()
	s, err := sendgrid.New(sendgrid.Config{APIKey: apiKey, FromEmail: "hello@maple.example", BaseURL: "http://127.0.0.1:9"})
	require.NoError(t, err)
	m := email("wei@example.com")
	m.Channel = schematype.ChannelSMS
	_, err = s.Send(context.Background(), m)
	require.True(t, provider.IsPermanent(err))
}
