// Package email owns kith's reading of email: it parses a MIME message (from
// an IMAP import or a SendGrid Inbound Parse webhook) into a Message with
// addresses, thread headers, decoded bodies and attachment metadata, sanitises
// HTML bodies before any client renders them, and tells which thread a message
// belongs to. It is a leaf: it imports nothing of kith, so the ent schema can
// use Sanitize in a hook.
package email

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // decodes bodies and headers in legacy charsets (ISO-8859-x, Windows-125x, Shift_JIS...)
	gomail "github.com/emersion/go-message/mail"
)

// Limits on what Parse keeps of a message. Bodies longer than these are cut
// (at a UTF-8 boundary) rather than refused: the start of a long email is what
// staff read, and the record stays a sensible size in the database.
const (
	// MaxText is the most bytes of the text/plain body kept (256 KiB).
	MaxText = 256 << 10
	// MaxHTML is the most bytes of the sanitised text/html body kept (512 KiB).
	MaxHTML = 512 << 10
	// MaxAttachments is the most attachments described; later ones are not listed.
	MaxAttachments = 100
	// MaxHeaderBytes is the largest header block Parse reads (1 MiB).
	MaxHeaderBytes = 1 << 20
	// maxReferences bounds the References kept, oldest (the root) first.
	maxReferences = 100
)

// ErrNotMessage is returned (wrapped, with what was wrong) when the bytes given
// to Parse are not an email message kith can read.
var ErrNotMessage = errors.New("not an email message")

// Address is one mailbox of a From, To or Cc header. Email is lower-cased and
// trimmed, so that it compares equal to a client's or staff member's address.
type Address struct {
	Name  string
	Email string
}

// Attachment describes one attachment of a message; its content is never kept.
type Attachment struct {
	Filename    string
	ContentType string
	// Size is the decoded size in bytes.
	Size int64
}

// Message is a parsed email. Message IDs are without angle brackets. HTML is
// already sanitised (see Sanitize). Text and HTML are the first text/plain and
// text/html parts that are not attachments, decoded to UTF-8.
type Message struct {
	MessageID   string
	InReplyTo   string
	References  []string
	From        Address
	To, Cc      []Address
	Subject     string
	Date        time.Time
	Text        string
	HTML        string
	Attachments []Attachment
}

// Parse reads a raw RFC 5322 / MIME message. It never panics; input that is not
// a message returns an error wrapping ErrNotMessage. A body in an unknown
// charset is kept as it came, made valid UTF-8.
func Parse(raw []byte) (m *Message, err error) {
	defer func() {
		// go-message and the charset decoders are third-party code fed with
		// untrusted bytes: a panic there must not take the importer down.
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("%w: the message could not be read", ErrNotMessage)
		}
	}()
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, fmt.Errorf("%w: it is empty", ErrNotMessage)
	}
	e, err := message.ReadWithOptions(bytes.NewReader(raw), &message.ReadOptions{MaxHeaderBytes: MaxHeaderBytes})
	if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
		return nil, fmt.Errorf("%w: its header cannot be read", ErrNotMessage)
	}
	if e == nil || e.Header.Len() == 0 {
		return nil, fmt.Errorf("%w: it has no header", ErrNotMessage)
	}
	h := gomail.Header{Header: e.Header}
	if !h.Has("From") && !h.Has("Message-Id") && !h.Has("Subject") && !h.Has("To") && !h.Has("Date") {
		return nil, fmt.Errorf("%w: it has none of From, To, Subject, Date or Message-ID", ErrNotMessage)
	}

	m = &Message{
		MessageID:  firstID(h.Get("Message-Id")),
		InReplyTo:  firstID(h.Get("In-Reply-To")),
		References: idList(h.Get("References"), maxReferences),
		To:         addressList(h, "To"),
		Cc:         addressList(h, "Cc"),
	}
	if from := addressList(h, "From"); len(from) > 0 {
		m.From = from[0]
	}
	m.Subject = headerText(h.Get("Subject"))
	if d, err := h.Date(); err == nil {
		m.Date = d
	}

	if err := m.readBody(e); err != nil {
		return nil, err
	}
	return m, nil
}

// readBody walks the parts of e, keeping the first inline text/plain and
// text/html bodies and the metadata of attachments.
func (m *Message) readBody(e *message.Entity) error {
	r := gomail.NewReader(e)
	var html string
	haveText, haveHTML := false, false
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
			// A broken part ends the walk; what was read so far is kept, as a
			// mail client would show it.
			if haveText || haveHTML || len(m.Attachments) > 0 {
				break
			}
			return fmt.Errorf("%w: its body cannot be read", ErrNotMessage)
		}
		if p == nil {
			break
		}
		switch ph := p.Header.(type) {
		case *gomail.InlineHeader:
			t, _, _ := ph.ContentType()
			switch {
			case (t == "text/plain" || t == "") && !haveText:
				m.Text, haveText = readCapped(p.Body, MaxText), true
			case t == "text/html" && !haveHTML:
				html, haveHTML = readCapped(p.Body, MaxHTML), true
			default:
				// A second text part, or an inline image: neither is a body.
				if !strings.HasPrefix(t, "text/") {
					m.addAttachment(ph.Header, p.Body)
				}
			}
		case *gomail.AttachmentHeader:
			m.addAttachment(ph.Header, p.Body)
		}
		_, _ = io.Copy(io.Discard, p.Body)
	}
	if haveHTML {
		m.HTML = sanitizeCapped(html)
	}
	return nil
}

// addAttachment records the metadata of an attachment part and discards its content.
func (m *Message) addAttachment(h message.Header, body io.Reader) {
	if len(m.Attachments) >= MaxAttachments {
		return
	}
	t, params, _ := h.ContentType()
	if t == "" {
		t = "application/octet-stream"
	}
	ah := gomail.AttachmentHeader{Header: h}
	name, err := ah.Filename()
	if err != nil || name == "" {
		name = params["name"]
	}
	n, _ := io.Copy(io.Discard, body)
	m.Attachments = append(m.Attachments, Attachment{Filename: cleanLine(name), ContentType: t, Size: n})
}

// readCapped reads at most limit bytes of r as text, cut at a UTF-8 boundary
// and made valid UTF-8.
func readCapped(r io.Reader, limit int) string {
	b, _ := io.ReadAll(io.LimitReader(r, int64(limit)))
	return truncateUTF8(strings.ToValidUTF8(string(b), "\uFFFD"), limit)
}

// truncateUTF8 cuts s to at most n bytes without splitting a rune.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// sanitizeCapped sanitises html and keeps the result within MaxHTML, cutting
// the input (never the sanitised output, which would break a tag) when the
// sanitiser's additions make it longer.
func sanitizeCapped(html string) string {
	out := Sanitize(html)
	for len(out) > MaxHTML && len(html) > 0 {
		html = truncateUTF8(html, len(html)*3/4)
		out = Sanitize(html)
	}
	return out
}

// addressList parses an address header leniently: a list the strict parser
// refuses is split on commas and each piece that holds an address is kept.
func addressList(h gomail.Header, key string) []Address {
	raw := h.Get(key)
	if strings.TrimSpace(raw) == "" {
		return nil
	}
	var out []Address
	if list, err := h.AddressList(key); err == nil {
		for _, a := range list {
			if addr := newAddress(a.Name, a.Address); addr.Email != "" {
				out = append(out, addr)
			}
		}
		return out
	}
	for _, piece := range strings.Split(raw, ",") {
		if a, err := mail.ParseAddress(piece); err == nil {
			out = append(out, newAddress(a.Name, a.Address))
			continue
		}
		// Last resort: a bare address somewhere in the piece, such as
		// "Jane <jane@example.org" with its bracket missing.
		name := ""
		if i := strings.IndexByte(piece, '<'); i > 0 {
			name = strings.Trim(strings.TrimSpace(piece[:i]), `"`)
		}
		for _, f := range strings.FieldsFunc(piece, func(r rune) bool { return r == '<' || r == '>' || r == ' ' || r == '"' }) {
			if strings.Count(f, "@") == 1 && !strings.HasPrefix(f, "@") && !strings.HasSuffix(f, "@") {
				out = append(out, newAddress(name, f))
				break
			}
		}
	}
	return out
}

// newAddress returns an Address with its email trimmed and lower-cased.
func newAddress(name, email string) Address {
	return Address{Name: cleanLine(headerText(name)), Email: strings.ToLower(strings.TrimSpace(email))}
}

// headerText decodes RFC 2047 encoded words in s (in any charset the charset
// package knows), keeping s as it is where it cannot be decoded.
func headerText(s string) string {
	dec := mime.WordDecoder{CharsetReader: func(cs string, in io.Reader) (io.Reader, error) {
		if message.CharsetReader == nil {
			return nil, fmt.Errorf("unhandled charset %q", cs)
		}
		return message.CharsetReader(cs, in)
	}}
	if out, err := dec.DecodeHeader(s); err == nil {
		s = out
	}
	return cleanLine(s)
}

// cleanLine makes s one line of valid UTF-8, trimmed.
func cleanLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Join(strings.Fields(s), " ")
	return s
}

// idList returns the message IDs in a References or In-Reply-To header, without
// angle brackets, in order, at most max of them (keeping the first, the root,
// and the last ones).
func idList(s string, max int) []string {
	var ids []string
	for {
		start := strings.IndexByte(s, '<')
		if start < 0 {
			break
		}
		end := strings.IndexByte(s[start:], '>')
		if end < 0 {
			break
		}
		if id := strings.TrimSpace(s[start+1 : start+end]); id != "" {
			ids = append(ids, id)
		}
		s = s[start+end+1:]
	}
	if len(ids) == 0 {
		// Some clients write IDs without brackets.
		for _, f := range strings.Fields(s) {
			if strings.Contains(f, "@") {
				ids = append(ids, strings.Trim(f, "<>,"))
			}
		}
	}
	if len(ids) > max {
		ids = append(ids[:1], ids[len(ids)-(max-1):]...)
	}
	return ids
}

// firstID returns the first message ID of s, without angle brackets.
func firstID(s string) string {
	if ids := idList(s, 1); len(ids) > 0 {
		return ids[0]
	}
	return strings.Trim(strings.TrimSpace(s), "<>")
}

// ThreadKey returns the key of the thread m belongs to, the same for every
// message of a thread whatever order they arrive in: the first References
// entry (the thread's root), else In-Reply-To, else m's own Message-ID. It is
// "" only for a message with none of the three.
func ThreadKey(m *Message) string {
	if m == nil {
		return ""
	}
	if len(m.References) > 0 {
		return m.References[0]
	}
	if m.InReplyTo != "" {
		return m.InReplyTo
	}
	return m.MessageID
}
