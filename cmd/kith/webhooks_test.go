package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/kithtest"
)

// TestServeWebhooks starts `kith serve --demo` with both webhooks configured
// and checks that they are mounted and check signatures.
func TestServeWebhooks(t *testing.T) {
	t.Parallel()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	require.NoError(t, err)
	const token = "0123456789abcdef0123456789abcdef"
	vars := map[string]string{
		"KITH_DATABASE_URL": "sqlite://" + t.TempDir() + "/kith.db", "KITH_ADDR": "127.0.0.1:0",
		"KITH_PUBLIC_URL": "https://kith.example", "KITH_TWILIO_AUTH_TOKEN": token,
		// Twilio as a whole (a token without its account stops kith); nothing listens there.
		"KITH_TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000000", "KITH_TWILIO_FROM": "+14165550100",
		"KITH_TWILIO_BASE_URL":             "http://127.0.0.1:1",
		"KITH_SENDGRID_WEBHOOK_PUBLIC_KEY": base64.StdEncoding.EncodeToString(der),
		"KITH_SENDGRID_INBOUND_PUBLIC_KEY": base64.StdEncoding.EncodeToString(der),
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr kithtest.LogBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve", "--demo"}, env(vars), &stdout, &stderr) }()
	var addr string
	require.Eventually(t, func() bool {
		if m := listening.FindStringSubmatch(stderr.String()); m != nil {
			addr = m[1]
		}
		return addr != ""
	}, 10*time.Second, 20*time.Millisecond, stderr.String())
	require.Contains(t, stderr.String(), "https://kith.example/webhooks/sendgrid/events")

	post := func(path, contentType, body string, header map[string]string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+path, strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		rsp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer rsp.Body.Close()
		b, _ := io.ReadAll(rsp.Body)
		return rsp.StatusCode, string(b)
	}
	form := url.Values{"From": {"+14165550100"}, "Body": {"HELP"}}
	mac := hmac.New(sha1.New, []byte(token))
	mac.Write([]byte("https://kith.example/webhooks/twilio/demo/inbound" + "Body" + "HELP" + "From" + "+14165550100"))
	sig := base64.StdEncoding.EncodeToString(mac.Sum(nil))

	code, body := post("/webhooks/twilio/demo/inbound", "application/x-www-form-urlencoded", form.Encode(), map[string]string{"X-Twilio-Signature": sig})
	require.Equal(t, http.StatusOK, code, body)
	require.Contains(t, body, "<Response><Message>")
	code, _ = post("/webhooks/twilio/demo/inbound", "application/x-www-form-urlencoded", form.Encode(), nil)
	require.Equal(t, http.StatusForbidden, code)

	// Twilio Voice's status callbacks are mounted beside them.
	require.Contains(t, stderr.String(), "https://kith.example/webhooks/twilio/{org}/voice")
	call := url.Values{"CallSid": {"CA1"}, "CallStatus": {"ringing"}, "From": {"+14165550100"}, "Direction": {"inbound"}}
	mac = hmac.New(sha1.New, []byte(token))
	mac.Write([]byte("https://kith.example/webhooks/twilio/demo/voice" + "CallSid" + "CA1" + "CallStatus" + "ringing" + "Direction" + "inbound" + "From" + "+14165550100"))
	code, body = post("/webhooks/twilio/demo/voice", "application/x-www-form-urlencoded", call.Encode(),
		map[string]string{"X-Twilio-Signature": base64.StdEncoding.EncodeToString(mac.Sum(nil))})
	require.Equal(t, http.StatusOK, code, body)
	require.Contains(t, body, "<Response/>")
	code, _ = post("/webhooks/twilio/demo/voice", "application/x-www-form-urlencoded", call.Encode(), map[string]string{"X-Twilio-Signature": sig})
	require.Equal(t, http.StatusForbidden, code)
	code, _ = post("/webhooks/sendgrid/events", "application/json", "[]", nil)
	require.Equal(t, http.StatusForbidden, code)

	// Under the 1 MiB cap on every route, each webhook keeps its own: Twilio's
	// 64 KiB refuses a 100 KiB form; SendGrid's batches (at most 768 KB) fit.
	code, _ = post("/webhooks/twilio/demo/inbound", "application/x-www-form-urlencoded", "Body="+strings.Repeat("a", 100<<10), map[string]string{"X-Twilio-Signature": sig})
	require.Equal(t, http.StatusBadRequest, code)
	// Inbound Parse is on the same mux: other /webhooks/ paths and methods
	// still get coded answers.
	require.Contains(t, stderr.String(), "https://kith.example/webhooks/sendgrid/{org}/inbound")
	code, _ = post("/webhooks/sendgrid/demo/inbound", "multipart/form-data; boundary=x", "--x--", nil)
	require.Equal(t, http.StatusForbidden, code, "unsigned mail")
	code, body = post("/webhooks/nowhere", "application/json", "[]", nil)
	require.Equal(t, http.StatusNotFound, code)
	require.Contains(t, body, "NOT_FOUND")
	rsp, err := http.Get("http://" + addr + "/webhooks/sendgrid/demo/inbound")
	require.NoError(t, err)
	got, _ := io.ReadAll(rsp.Body)
	_ = rsp.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, rsp.StatusCode)
	require.Contains(t, string(got), "METHOD_NOT_ALLOWED")
	code, _ = post("/webhooks/sendgrid/events", "application/json", "["+strings.Repeat(" ", 800<<10)+"]", nil)
	require.Equal(t, http.StatusForbidden, code, "unsigned, but not too large")
	code, body = post("/webhooks/sendgrid/events", "application/json", "["+strings.Repeat(" ", 2<<20)+"]", nil)
	require.Equal(t, http.StatusRequestEntityTooLarge, code)
	require.Contains(t, body, "PAYLOAD_TOO_LARGE")

	cancel()
	require.NoError(t, <-done)

	// A key that is not SendGrid's stops serve at once, saying why.
	vars["KITH_SENDGRID_WEBHOOK_PUBLIC_KEY"] = "not a key"
	err = run(context.Background(), []string{"serve"}, env(vars), io.Discard, io.Discard)
	require.ErrorContains(t, err, "configuring the SendGrid webhook")
}
