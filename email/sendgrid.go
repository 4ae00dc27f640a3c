package email

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
)

// Header names SendGrid sets on a signed webhook request: an ECDSA (P-256,
// SHA-256, ASN.1 DER, base64) signature of the timestamp followed by the raw
// request body, verified with the public key SendGrid shows for the security
// policy attached to the Inbound Parse setting.
const (
	SendGridSignatureHeader = "X-Twilio-Email-Event-Webhook-Signature"
	SendGridTimestampHeader = "X-Twilio-Email-Event-Webhook-Timestamp"
)

// ErrBadSignature is returned when a SendGrid webhook request's signature is
// missing or does not verify: the request did not come from SendGrid, or was
// changed on the way.
var ErrBadSignature = errors.New("the webhook request's signature is missing or wrong")

// ErrBadKey is returned when a configured SendGrid verification key is not a
// base64 ECDSA public key. The key itself is never part of the error.
var ErrBadKey = errors.New("the SendGrid verification key is not a base64 ECDSA public key as SendGrid shows it")

// ParseSendGridKey reads the verification public key of a SendGrid webhook
// security policy: base64 of a PKIX (DER) ECDSA public key, with or without
// PEM armour.
func ParseSendGridKey(s string) (*ecdsa.PublicKey, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "-----BEGIN PUBLIC KEY-----")
	s = strings.TrimSuffix(s, "-----END PUBLIC KEY-----")
	s = strings.Join(strings.Fields(s), "")
	der, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, ErrBadKey
	}
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, ErrBadKey
	}
	key, ok := pub.(*ecdsa.PublicKey)
	if !ok {
		return nil, ErrBadKey
	}
	return key, nil
}

// SendGridWindow is how far a signed request's timestamp may be from now
// (either way) before it is refused as a replay.
const SendGridWindow = 5 * time.Minute

// CheckSendGridHeaders is what can be checked of a SendGrid webhook request
// before reading its body: both signature headers present and a timestamp
// within window of now (SendGridWindow when window is 0). The error, which
// wraps ErrBadSignature, is a sentence for the 403 answer.
func CheckSendGridHeaders(header http.Header, now time.Time, window time.Duration) error {
	if window <= 0 {
		window = SendGridWindow
	}
	if header.Get(SendGridSignatureHeader) == "" || header.Get(SendGridTimestampHeader) == "" {
		return fmt.Errorf("%w: missing %s or %s", ErrBadSignature, SendGridSignatureHeader, SendGridTimestampHeader)
	}
	secs, err := strconv.ParseInt(strings.TrimSpace(header.Get(SendGridTimestampHeader)), 10, 64)
	if err != nil {
		return fmt.Errorf("%w: invalid %s", ErrBadSignature, SendGridTimestampHeader)
	}
	if d := now.Sub(time.Unix(secs, 0)); d > window || d < -window {
		return fmt.Errorf("%w: the timestamp is outside the accepted window (a replay?)", ErrBadSignature)
	}
	return nil
}

// VerifySendGridSignature checks signature (the SendGridSignatureHeader value)
// over timestamp (the SendGridTimestampHeader value) and the raw body. It
// returns nil or ErrBadSignature. The timestamp's freshness is
// CheckSendGridHeaders'.
func VerifySendGridSignature(key *ecdsa.PublicKey, signature, timestamp string, body []byte) error {
	if key == nil || signature == "" || timestamp == "" {
		return ErrBadSignature
	}
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(signature))
	if err != nil {
		return ErrBadSignature
	}
	h := sha256.New()
	h.Write([]byte(timestamp))
	h.Write(body)
	if !ecdsa.VerifyASN1(key, h.Sum(nil), sig) {
		return ErrBadSignature
	}
	return nil
}

// FromSendGridParse reads the multipart form SendGrid's Inbound Parse webhook
// posts. With "POST the raw, full MIME message" set, the field "email" holds
// the message and is parsed with Parse (preferred whenever present). Otherwise
// the parsed fields are used: "headers" (the raw header block, for Message-ID,
// In-Reply-To, References and Date), "from", "to", "cc", "subject", "text",
// "html" (each in the charset "charsets" names for it), and attachments from
// the uploaded files or "attachment-info". A form with neither "email" nor
// "from"/"headers" returns an error wrapping ErrNotMessage.
func FromSendGridParse(form *multipart.Form) (*Message, error) {
	if form == nil {
		return nil, fmt.Errorf("%w: the form is empty", ErrNotMessage)
	}
	field := func(k string) string {
		if v := form.Value[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	if raw := field("email"); strings.TrimSpace(raw) != "" {
		return Parse([]byte(raw))
	}
	if fh := form.File["email"]; len(fh) > 0 {
		raw, err := readFile(fh[0], 64<<20)
		if err != nil {
			return nil, fmt.Errorf("%w: the raw message cannot be read", ErrNotMessage)
		}
		return Parse(raw)
	}
	if strings.TrimSpace(field("from")) == "" && strings.TrimSpace(field("headers")) == "" {
		return nil, fmt.Errorf("%w: the form has neither the raw message (email) nor its fields (headers, from)", ErrNotMessage)
	}

	charsets := map[string]string{}
	if c := field("charsets"); c != "" {
		_ = json.Unmarshal([]byte(c), &charsets) // a bad charsets field leaves values as UTF-8
	}
	decoded := func(k string) string { return toUTF8(field(k), charsets[k]) }

	m := &Message{}
	if hdr := strings.TrimSpace(field("headers")); hdr != "" {
		if hm, err := Parse([]byte(hdr + "\r\n\r\n")); err == nil {
			m = hm
			m.Text, m.HTML, m.Attachments = "", "", nil
		}
	}
	h := gomail.Header{}
	for _, k := range []string{"from", "to", "cc"} {
		if v := decoded(k); v != "" {
			h.Set(k, v)
		}
	}
	if from := addressList(h, "From"); len(from) > 0 {
		m.From = from[0]
	}
	if to := addressList(h, "To"); len(to) > 0 {
		m.To = to
	}
	if cc := addressList(h, "Cc"); len(cc) > 0 {
		m.Cc = cc
	}
	if s := decoded("subject"); s != "" {
		m.Subject = headerText(s)
	}
	m.Text = truncateUTF8(strings.ToValidUTF8(decoded("text"), "\uFFFD"), MaxText)
	if html := decoded("html"); html != "" {
		m.HTML = sanitizeCapped(truncateUTF8(strings.ToValidUTF8(html, "\uFFFD"), MaxHTML))
	}
	m.Attachments = sendGridAttachments(form, field("attachment-info"))
	return m, nil
}

// sendGridAttachments lists the attachments of a parsed-mode form: the files
// SendGrid uploads as attachment1..N, with names and types from
// attachment-info where the file part lacks them.
func sendGridAttachments(form *multipart.Form, info string) []Attachment {
	type meta struct {
		Filename string `json:"filename"`
		Name     string `json:"name"`
		Type     string `json:"type"`
	}
	infos := map[string]meta{}
	if info != "" {
		_ = json.Unmarshal([]byte(info), &infos)
	}
	keys := map[string]bool{}
	for k := range form.File {
		if strings.HasPrefix(k, "attachment") {
			keys[k] = true
		}
	}
	for k := range infos {
		keys[k] = true
	}
	ordered := make([]string, 0, len(keys))
	for k := range keys {
		ordered = append(ordered, k)
	}
	// attachment2 before attachment10.
	sort.Slice(ordered, func(i, j int) bool {
		ni, _ := strconv.Atoi(strings.TrimPrefix(ordered[i], "attachment"))
		nj, _ := strconv.Atoi(strings.TrimPrefix(ordered[j], "attachment"))
		if ni != nj {
			return ni < nj
		}
		return ordered[i] < ordered[j]
	})
	var out []Attachment
	for _, k := range ordered {
		if len(out) >= MaxAttachments {
			break
		}
		a := Attachment{}
		if fh := form.File[k]; len(fh) > 0 {
			a.Filename, a.Size = fh[0].Filename, fh[0].Size
			a.ContentType = fh[0].Header.Get("Content-Type")
		}
		if mi, ok := infos[k]; ok {
			if a.Filename == "" {
				a.Filename = mi.Filename
				if a.Filename == "" {
					a.Filename = mi.Name
				}
			}
			if a.ContentType == "" {
				a.ContentType = mi.Type
			}
		}
		if a.ContentType == "" {
			a.ContentType = "application/octet-stream"
		}
		a.Filename = cleanLine(a.Filename)
		out = append(out, a)
	}
	return out
}

// toUTF8 converts s from charset cs (as SendGrid's charsets field names it) to
// UTF-8, keeping s when cs is empty, UTF-8 or unknown.
func toUTF8(s, cs string) string {
	cs = strings.ToLower(strings.TrimSpace(cs))
	if s == "" || cs == "" || cs == "utf-8" || cs == "utf8" || cs == "us-ascii" || message.CharsetReader == nil {
		return s
	}
	r, err := message.CharsetReader(cs, strings.NewReader(s))
	if err != nil {
		return s
	}
	b, err := io.ReadAll(io.LimitReader(r, 4*MaxHTML))
	if err != nil {
		return s
	}
	return string(b)
}

// readFile reads at most limit bytes of an uploaded form file.
func readFile(fh *multipart.FileHeader, limit int64) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var buf bytes.Buffer
	_, err = io.Copy(&buf, io.LimitReader(f, limit))
	return buf.Bytes(), err
}
