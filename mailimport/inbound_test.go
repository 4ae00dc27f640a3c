package mailimport_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/email"
	entcommunication "github.com/kith-health/kith/ent/communication"
	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/mailimport"
	"github.com/kith-health/kith/server"
)

// signedPost is an Inbound Parse post of raw (the "email" field, as with
// "POST the raw, full MIME message") to org, signed with priv as SendGrid
// signs it: ECDSA over the timestamp and the raw body.
func signedPost(t *testing.T, priv *ecdsa.PrivateKey, org string, fields map[string]string) *http.Request {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		require.NoError(t, w.WriteField(k, v))
	}
	require.NoError(t, w.Close())
	req := httptest.NewRequest(http.MethodPost, "/webhooks/sendgrid/"+org+"/inbound", bytes.NewReader(body.Bytes()))
	req.Header.Set("Content-Type", w.FormDataContentType())
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	sum := sha256.Sum256(append([]byte(ts), body.Bytes()...))
	sig, err := ecdsa.SignASN1(rand.Reader, priv, sum[:])
	require.NoError(t, err)
	req.Header.Set(email.SendGridSignatureHeader, base64.StdEncoding.EncodeToString(sig))
	req.Header.Set(email.SendGridTimestampHeader, ts)
	return req
}

func TestInboundParse(t *testing.T) {
	t.Parallel()
	b := setup(t)
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	require.NoError(t, err)
	hook, err := mailimport.NewInbound(b.db.Client, mailimport.InboundConfig{PublicKey: base64.StdEncoding.EncodeToString(der), Logger: b.logs.Logger()})
	require.NoError(t, err)
	// Through kith's real HTTP handler, with the webhook's larger body cap.
	api := kithtest.NewAPIConfig(t, b.db, server.Config{Webhooks: hook, HandlerConfig: graph.HandlerConfig{Logger: b.logs.Logger()}}, auth.Config{})
	post := func(req *http.Request) int {
		rec := httptest.NewRecorder()
		api.Handler.ServeHTTP(rec, req)
		return rec.Code
	}
	raw := "From: Casey <casey@example.com>\r\nTo: " + address + "\r\nSubject: Pushed\r\nMessage-ID: <push1@casey.example>\r\n" +
		"Content-Type: text/plain\r\n\r\n" + strings.Repeat("A long line of a long email. ", 60_000) + "\r\n" // ~1.7 MB, over MaxBodyBytes

	require.Equal(t, http.StatusOK, post(signedPost(t, priv, "maple", map[string]string{"email": raw})))
	emails := b.emails(t)
	require.Len(t, emails, 1)
	c := emails[0]
	require.Equal(t, entcommunication.SourceSendGridInbound, c.Source)
	require.Equal(t, entcommunication.DirectionInbound, c.Direction)
	require.Equal(t, "Pushed", c.Subject)
	require.Equal(t, "push1@casey.example", *c.ProviderID)
	var got threadOut
	b.api.OK(b.p.Token, threadQuery, map[string]any{"id": string(c.ID)}, &got)
	require.Len(t, got.Node.RelatedTo, 2, "Casey and Robin")

	// SendGrid's retry records nothing twice.
	require.Equal(t, http.StatusOK, post(signedPost(t, priv, "maple", map[string]string{"email": raw})))
	// Parsed fields, without Message-ID: keyed by the body.
	fields := map[string]string{"from": "robin@example.com", "to": address, "subject": "Parsed", "text": "hi"}
	require.Equal(t, http.StatusOK, post(signedPost(t, priv, "maple", fields)))
	require.Len(t, b.emails(t), 2)

	// A bad or missing signature: 403, nothing recorded.
	req := signedPost(t, priv, "maple", map[string]string{"email": strings.Replace(raw, "push1", "push2", 1)})
	req.Header.Set(email.SendGridTimestampHeader, "1")
	require.Equal(t, http.StatusForbidden, post(req))
	req = signedPost(t, priv, "maple", map[string]string{"email": raw})
	req.Header.Del(email.SendGridSignatureHeader)
	require.Equal(t, http.StatusForbidden, post(req))
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	require.Equal(t, http.StatusForbidden, post(signedPost(t, other, "maple", map[string]string{"email": raw})))
	// Signed for an organisation that does not exist: 404.
	require.Equal(t, http.StatusNotFound, post(signedPost(t, priv, "nowhere", map[string]string{"email": raw})))
	require.Len(t, b.emails(t), 2)

	// Larger than MaxInboundBytes: 413.
	huge := signedPost(t, priv, "maple", map[string]string{"email": strings.Repeat("x", mailimport.MaxInboundBytes+1)})
	require.Equal(t, http.StatusRequestEntityTooLarge, post(huge))
}

// failingBody fails the test if the handler reads it.
type failingBody struct{ t *testing.T }

func (f failingBody) Read([]byte) (int, error) {
	f.t.Error("the body was read before the headers were checked")
	return 0, io.ErrUnexpectedEOF
}

func TestInboundRefusedBeforeReading(t *testing.T) {
	t.Parallel()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	require.NoError(t, err)
	hook, err := mailimport.NewInbound(nil, mailimport.InboundConfig{PublicKey: base64.StdEncoding.EncodeToString(der)})
	require.NoError(t, err)
	for name, header := range map[string]map[string]string{
		"unsigned":         {},
		"no timestamp":     {email.SendGridSignatureHeader: "c2ln"},
		"stale timestamp":  {email.SendGridSignatureHeader: "c2ln", email.SendGridTimestampHeader: strconv.FormatInt(time.Now().Add(-6*time.Minute).Unix(), 10)},
		"future timestamp": {email.SendGridSignatureHeader: "c2ln", email.SendGridTimestampHeader: strconv.FormatInt(time.Now().Add(6*time.Minute).Unix(), 10)},
		"bad timestamp":    {email.SendGridSignatureHeader: "c2ln", email.SendGridTimestampHeader: "yesterday"},
	} {
		req := httptest.NewRequest(http.MethodPost, "/webhooks/sendgrid/maple/inbound", failingBody{t})
		req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		hook.ServeHTTP(rec, req)
		require.Equal(t, http.StatusForbidden, rec.Code, name)
	}
}
