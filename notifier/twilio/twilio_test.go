package twilio_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/notifier/provider"
	"github.com/kith-health/kith/notifier/twilio"
	"github.com/kith-health/kith/schematype"
)

const (
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "0123456789abcdef0123456789abcdef"
	fromNumber = "+14165550100"
	serviceSID = "MG0123456789abcdef0123456789abcdef"
)

// prismURL returns the address of Prism serving Twilio's OpenAPI description,
// or skips the test.
func prismURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("KITH_TEST_TWILIO_URL")
	if u == "" {
		t.Skip("KITH_TEST_TWILIO_URL is not set: serve ../shared/specs/twilio_api_v2010.json with Prism " +
			"(bash .ci/run does) to run the SMS channel against Twilio's API description")
	}
	return u
}

func sms(to string) provider.Outgoing {
	return provider.Outgoing{MessageID: "nt01", Channel: schematype.ChannelSMS, To: to, Text: "Reminder: Sam sees Dr Lee tomorrow at 10:00."}
}

func TestNew(t *testing.T) {
	t.Parallel()
	valid := twilio.Config{AccountSID: accountSID, AuthToken: authToken, From: fromNumber}
	tests := []struct {
		name   string
		change func(*twilio.Config)
		want   string // part of the error; empty for none
	}{
		{"valid number", func(*twilio.Config) {}, ""},
		{"valid messaging service", func(c *twilio.Config) { c.From = serviceSID }, ""},
		{"valid base URL", func(c *twilio.Config) { c.BaseURL = "http://127.0.0.1:4010/" }, ""},
		{"no account SID", func(c *twilio.Config) { c.AccountSID = "" }, "account SID"},
		{"account SID of another kind", func(c *twilio.Config) { c.AccountSID = "SK" + accountSID[2:] }, "account SID"},
		{"no auth token", func(c *twilio.Config) { c.AuthToken = "" }, "auth token"},
		{"auth token with a space", func(c *twilio.Config) { c.AuthToken = "abc def" }, "auth token"},
		{"no from", func(c *twilio.Config) { c.From = "" }, "from must be"},
		{"from not E.164", func(c *twilio.Config) { c.From = "416 555 0100" }, "from must be"},
		{"base URL without scheme", func(c *twilio.Config) { c.BaseURL = "127.0.0.1:4010" }, "base URL"},
		{"base URL of another scheme", func(c *twilio.Config) { c.BaseURL = "ftp://example.com" }, "base URL"},
		{"negative timeout", func(c *twilio.Config) { c.Timeout = -time.Second }, "timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := valid
			tt.change(&cfg)
			s, err := twilio.New(cfg)
			if tt.want == "" {
				require.NoError(t, err)
				require.Equal(t, schematype.ChannelSMS, s.Channel())
				return
			}
			require.ErrorContains(t, err, "configuring Twilio")
			require.ErrorContains(t, err, tt.want)
			require.NotContains(t, err.Error(), authToken, "the error shows the auth token")
		})
	}
}

// TestSendPrism sends through the real SDK to Prism, which validates every
// request against Twilio's OpenAPI description as the real API would.
// Twilio's description defines no error answer for CreateMessage (Prism
// answers "Prefer: code=429" with 404), so TestSendErrors covers those.
func TestSendPrism(t *testing.T) {
	t.Parallel()
	base := prismURL(t)
	tests := []struct {
		name      string
		from      string
		m         provider.Outgoing
		permanent bool // else success
	}{
		{"from a number", fromNumber, sms("+14165550188"), false},
		{"from a messaging service", serviceSID, sms("+33612345678"), false},
		{"with a status callback", fromNumber, func() provider.Outgoing {
			m := sms("+14165550188")
			m.StatusCallbackURL = "https://kith.example/webhooks/twilio?message=nt01"
			return m
		}(), false},
		{"unicode text", fromNumber, func() provider.Outgoing {
			m := sms("+14165550188")
			m.Text = "Rappel : rendez-vous demain à 10 h 👍"
			return m
		}(), false},
		{"no recipient", fromNumber, sms(""), true},
		{"status callback that is no URL", fromNumber, func() provider.Outgoing {
			m := sms("+14165550188")
			m.StatusCallbackURL = "not a url"
			return m
		}(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := twilio.New(twilio.Config{AccountSID: accountSID, AuthToken: authToken, From: tt.from, BaseURL: base})
			require.NoError(t, err)
			r, err := s.Send(context.Background(), tt.m)
			if !tt.permanent {
				require.NoError(t, err)
				require.True(t, strings.HasPrefix(r.ProviderID, "SM"), "ProviderID %q is not a message SID", r.ProviderID)
				require.NotEmpty(t, r.Status)
				return
			}
			require.Error(t, err)
			require.True(t, provider.IsPermanent(err), "%v is not permanent", err)
			var se *provider.SendError
			require.ErrorAs(t, err, &se)
			require.Equal(t, "http_422", se.Code)
			require.ErrorContains(t, err, "sending SMS")
		})
	}
}

// twilioError is Twilio's JSON error body.
func twilioError(status, code int, msg string) string {
	return fmt.Sprintf(`{"code": %d, "message": %q, "more_info": "https://www.twilio.com/docs/errors/%d", "status": %d}`, code, msg, code, status)
}

func TestSendErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    int
		body      string
		permanent bool
		code      string
		reason    string // part of the reason
	}{
		{"invalid number", 400, twilioError(400, 21211, "Invalid 'To' Phone Number: +1416555"), true, "21211", "the number is not a valid phone number"},
		{"not a mobile", 400, twilioError(400, 21614, "'To' number is not a valid mobile number"), true, "21614", "the number is not a valid mobile number"},
		{"opted out", 400, twilioError(400, 21610, "Attempt to send to unsubscribed recipient"), true, "21610", "the recipient has opted out (STOP)"},
		{"region not enabled", 400, twilioError(400, 21408, "Permission to send an SMS has not been enabled for the region indicated by the 'To' number"), true, "21408", "not enabled to send SMS to this number's country"},
		{"bad credentials", 401, twilioError(401, 20003, "Authenticate"), true, "20003", "Twilio rejected the account SID or auth token"},
		{"other refusal", 400, twilioError(400, 21602, "Message body is required."), true, "21602", "Twilio refused the message (HTTP 400): Message body is required."},
		{"rate limited", 429, twilioError(429, 20429, "Too Many Requests"), false, "20429", "limiting the rate"},
		{"server error", 500, twilioError(500, 20500, "Internal Server Error"), false, "20500", "Twilio is unavailable (HTTP 500)"},
		{"opted-out code on a 503", 503, twilioError(503, 21610, "odd"), false, "21610", "Twilio is unavailable (HTTP 503)"},
		{"bad gateway that is not JSON", 502, "<html>Bad Gateway</html>", false, "http_502", "Twilio is unavailable (HTTP 502)"},
		{"not found that is not JSON", 404, "<html>Not Found</html>", true, "http_404", "Twilio refused the message (HTTP 404)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			t.Cleanup(srv.Close)
			s, err := twilio.New(twilio.Config{AccountSID: accountSID, AuthToken: authToken, From: fromNumber, BaseURL: srv.URL})
			require.NoError(t, err)
			_, err = s.Send(context.Background(), sms("+14165550188"))
			require.Error(t, err)
			require.Equal(t, tt.permanent, provider.IsPermanent(err), "%v", err)
			var se *provider.SendError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tt.code, se.Code)
			require.Contains(t, se.Reason, tt.reason)
			require.NotContains(t, err.Error(), authToken)
		})
	}
}

func TestSendRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		from     string
		prefix   string
		callback string
		want     url.Values
	}{
		{"from a number", fromNumber, "", "",
			url.Values{"To": {"+14165550188"}, "From": {fromNumber}, "Body": {sms("").Text}}},
		{"from a messaging service, behind a path", serviceSID, "/mock", "https://kith.example/cb",
			url.Values{"To": {"+14165550188"}, "MessagingServiceSid": {serviceSID}, "Body": {sms("").Text}, "StatusCallback": {"https://kith.example/cb"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			type seen struct {
				path, user, pass string
				form             url.Values
			}
			got := make(chan seen, 1)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				user, pass, _ := r.BasicAuth()
				_ = r.ParseForm()
				got <- seen{r.URL.Path, user, pass, r.PostForm}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusCreated)
				_, _ = w.Write([]byte(`{"sid": "SM0123456789abcdef0123456789abcdef", "status": "accepted"}`))
			}))
			t.Cleanup(srv.Close)
			s, err := twilio.New(twilio.Config{AccountSID: accountSID, AuthToken: authToken, From: tt.from, BaseURL: srv.URL + tt.prefix})
			require.NoError(t, err)
			m := sms("+14165550188")
			m.StatusCallbackURL = tt.callback
			r, err := s.Send(context.Background(), m)
			require.NoError(t, err)
			require.Equal(t, provider.Receipt{ProviderID: "SM0123456789abcdef0123456789abcdef", Status: "accepted"}, r)
			req := <-got
			require.Equal(t, tt.prefix+"/2010-04-01/Accounts/"+accountSID+"/Messages.json", req.path)
			require.Equal(t, accountSID, req.user)
			require.Equal(t, authToken, req.pass)
			require.Equal(t, tt.want, req.form)
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
			s, err := twilio.New(twilio.Config{AccountSID: accountSID, AuthToken: authToken, From: fromNumber,
				BaseURL: tt.baseURL, Timeout: 100 * time.Millisecond})
			require.NoError(t, err)
			start := time.Now()
			_, err = s.Send(tt.ctx, sms("+14165550188"))
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
	s, err := twilio.New(twilio.Config{AccountSID: accountSID, AuthToken: authToken, From: fromNumber, BaseURL: "http://127.0.0.1:9"})
	require.NoError(t, err)
	m := sms("+14165550188")
	m.Channel = schematype.ChannelEmail
	_, err = s.Send(context.Background(), m)
	require.True(t, provider.IsPermanent(err))
	var se *provider.SendError
	require.ErrorAs(t, err, &se)
	require.Equal(t, "wrong_channel", se.Code)
}
