package mailimport

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/kith-health/kith/communication"
	"github.com/kith-health/kith/email"
	"github.com/kith-health/kith/ent"
	entcommunication "github.com/kith-health/kith/ent/communication"
	"github.com/kith-health/kith/ent/organization"
	"github.com/kith-health/kith/viewer"
)

// InboundPath is where SendGrid's Inbound Parse posts the mail of an
// organisation, by its slug.
const InboundPath = "/webhooks/sendgrid/{org}/inbound"

// MaxInboundBytes caps one Inbound Parse post (25 MiB; SendGrid's own limit
// for a message and its attachments is 30 MB, larger posts are refused with
// 413 and the sender's server reports the failure).
const MaxInboundBytes = 25 << 20

// BodyLimit is the body cap of the Inbound Parse webhook's posts,
// MaxInboundBytes, for server.Config.BodyLimit; 0 for other requests.
func BodyLimit(r *http.Request) int64 {
	parts := strings.Split(r.URL.Path, "/")
	if r.Method == http.MethodPost && len(parts) == 5 && parts[0] == "" && parts[1] == "webhooks" && parts[2] == "sendgrid" && parts[4] == "inbound" {
		return MaxInboundBytes
	}
	return 0
}

// InboundConfig configures the Inbound Parse webhook.
type InboundConfig struct {
	// PublicKey is the verification key of the SendGrid security policy
	// attached to the Inbound Parse setting (KITH_SENDGRID_INBOUND_PUBLIC_KEY),
	// base64 as SendGrid shows it. Required.
	PublicKey string
	// Logger receives failures (never a body). Default slog.Default().
	Logger *slog.Logger
}

// NewInbound returns the handler of POST InboundPath: a post must carry
// SendGrid's ECDSA signature of its timestamp and raw body
// (email.SendGridSignatureHeader and email.SendGridTimestampHeader,
// a timestamp within email.SendGridWindow, checked by
// email.CheckSendGridHeaders before the body is read, then
// email.VerifySendGridSignature once it is) or it is refused with 403. A signed post (parsed fields, or the raw
// MIME message with "POST the raw, full MIME message") is recorded as an
// INBOUND email of the organisation, matched to the people of its
// addresses, once per Message-ID: SendGrid's retries record nothing twice.
func NewInbound(db *ent.Client, cfg InboundConfig) (http.Handler, error) {
	key, err := email.ParseSendGridKey(cfg.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("configuring the SendGrid Inbound Parse webhook: KITH_SENDGRID_INBOUND_PUBLIC_KEY: %w", err)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	in := &inboundHook{db: db, key: key, log: cfg.Logger}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+InboundPath, in.serve)
	return mux, nil
}

type inboundHook struct {
	db  *ent.Client
	key *ecdsa.PublicKey
	log *slog.Logger
}

func (h *inboundHook) serve(w http.ResponseWriter, r *http.Request) {
	// Refused before reading: no signature, or a stale or future timestamp.
	if err := email.CheckSendGridHeaders(r.Header, time.Now(), 0); err != nil {
		http.Error(w, strings.TrimPrefix(err.Error(), email.ErrBadSignature.Error()+": "), http.StatusForbidden)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxInboundBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		http.Error(w, "the message is too large", http.StatusRequestEntityTooLarge)
		return
	case err != nil:
		http.Error(w, "the message could not be read", http.StatusBadRequest)
		return
	}
	sig, ts := r.Header.Get(email.SendGridSignatureHeader), r.Header.Get(email.SendGridTimestampHeader)
	if email.VerifySendGridSignature(h.key, sig, ts, body) != nil {
		http.Error(w, "invalid or missing "+email.SendGridSignatureHeader, http.StatusForbidden)
		return
	}
	ctx := viewer.SystemContext(r.Context())
	orgID, err := h.db.Organization.Query().Where(organization.Slug(r.PathValue("org"))).OnlyID(ctx)
	switch {
	case ent.IsNotFound(err):
		http.Error(w, "no such organisation", http.StatusNotFound)
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		http.Error(w, "the body must be multipart/form-data", http.StatusBadRequest)
		return
	}
	form, err := multipart.NewReader(bytes.NewReader(body), params["boundary"]).ReadForm(MaxInboundBytes)
	if err != nil {
		http.Error(w, "the body is not a readable multipart form", http.StatusBadRequest)
		return
	}
	defer form.RemoveAll()
	msg, err := email.FromSendGridParse(form)
	if err != nil {
		http.Error(w, "the form holds no email message", http.StatusBadRequest)
		return
	}
	in := Input(orgID, msg, entcommunication.SourceSendGridInbound)
	if in.ProviderID == "" {
		// Without Message-ID, a retry is the same body again.
		sum := sha256.Sum256(body)
		in.ProviderID = "sendgrid:" + hex.EncodeToString(sum[:])
	}
	if _, _, err := communication.Record(r.Context(), h.db, in); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (h *inboundHook) fail(w http.ResponseWriter, r *http.Request, err error) {
	h.log.ErrorContext(r.Context(), "sendgrid inbound parse failed", "err", err)
	http.Error(w, "internal error", http.StatusInternalServerError)
}
