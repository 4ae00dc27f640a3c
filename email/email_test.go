package email_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"mime/multipart"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/email"
)

// crlf turns a readable message literal into CRLF lines, as on the wire.
func crlf(s string) []byte {
	return []byte(strings.ReplaceAll(strings.TrimLeft(s, "\n"), "\n", "\r\n"))
}

var (
	plainMsg = crlf(`
From: "Jane Doe" <Jane.Doe@Example.ORG >
To: intake@practice.example, "Sam" <SAM@practice.example>
Cc: Office <office@practice.example>
Subject: Appointment next week
Date: Tue, 01 Dec 2026 10:15:00 +0100
Message-ID: < abc123@mail.example.org >
Content-Type: text/plain; charset=utf-8

Hello, can we move Tuesday's session?
`)

	alternativeMsg = crlf(`
From: jane@example.org
To: intake@practice.example
Subject: Re: Appointment next week
Message-ID: <reply2@mail.example.org>
In-Reply-To: <reply1@practice.example>
References: <root@mail.example.org> <reply1@practice.example>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Caf=C3=A9 at ten is fine.
--alt
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: base64

PHA+Q2Fmw6kgYXQgPGI+dGVuPC9iPiBpcyBmaW5lLjwvcD4=
--alt--
`)

	mixedMsg = crlf(`
From: jane@example.org
To: intake@practice.example
Subject: Referral letter
Message-ID: <mixed@mail.example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mix"

--mix
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain

See the letter attached.
--alt
Content-Type: text/html

<p>See the letter attached.</p>
--alt--
--mix
Content-Type: application/pdf; name="letter.pdf"
Content-Disposition: attachment; filename="letter.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcOkw7zDtsOfCg==
--mix
Content-Type: text/plain; name="notes.txt"
Content-Disposition: attachment; filename="notes.txt"

private notes
--mix--
`)

	latin1Msg = append(crlf(`
From: =?ISO-8859-1?Q?Andr=E9_M=FCller?= <andre@example.de>
To: intake@practice.example
Subject: =?iso-8859-1?q?R=FCckfrage_zur_Rechnung?=
Message-ID: <latin1@example.de>
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: 8bit

`), []byte("Gr\xfc\xdfe aus K\xf6ln\r\n")...)

	encodedSubjectMsg = crlf(`
From: jane@example.org
Subject: =?UTF-8?B?8J+Ys25lIHF1ZXN0aW9u?= =?UTF-8?Q?_about_=C3=A9t=C3=A9?=
Message-ID: <enc@mail.example.org>

body
`)
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		raw   []byte
		check func(t *testing.T, m *email.Message)
	}{
		{"plain", plainMsg, func(t *testing.T, m *email.Message) {
			require.Equal(t, "abc123@mail.example.org", m.MessageID)
			require.Equal(t, email.Address{Name: "Jane Doe", Email: "jane.doe@example.org"}, m.From)
			require.Equal(t, []email.Address{{Email: "intake@practice.example"}, {Name: "Sam", Email: "sam@practice.example"}}, m.To)
			require.Equal(t, []email.Address{{Name: "Office", Email: "office@practice.example"}}, m.Cc)
			require.Equal(t, "Appointment next week", m.Subject)
			require.True(t, m.Date.Equal(time.Date(2026, 12, 1, 9, 15, 0, 0, time.UTC)))
			require.Equal(t, "Hello, can we move Tuesday's session?\r\n", m.Text)
			require.Empty(t, m.HTML)
			require.Empty(t, m.Attachments)
		}},
		{"alternative", alternativeMsg, func(t *testing.T, m *email.Message) {
			require.Equal(t, "Café at ten is fine.", strings.TrimSpace(m.Text))
			require.Equal(t, "<p>Café at <b>ten</b> is fine.</p>", m.HTML)
			require.Equal(t, "reply1@practice.example", m.InReplyTo)
			require.Equal(t, []string{"root@mail.example.org", "reply1@practice.example"}, m.References)
		}},
		{"mixed with attachments", mixedMsg, func(t *testing.T, m *email.Message) {
			require.Equal(t, "See the letter attached.", strings.TrimSpace(m.Text))
			require.Equal(t, "<p>See the letter attached.</p>", strings.TrimSpace(m.HTML))
			require.Equal(t, []email.Attachment{
				{Filename: "letter.pdf", ContentType: "application/pdf", Size: 19},
				{Filename: "notes.txt", ContentType: "text/plain", Size: int64(len("private notes"))},
			}, m.Attachments)
		}},
		{"non-UTF-8 charset", latin1Msg, func(t *testing.T, m *email.Message) {
			require.Equal(t, "Grüße aus Köln", strings.TrimSpace(m.Text))
			require.Equal(t, "Rückfrage zur Rechnung", m.Subject)
			require.Equal(t, email.Address{Name: "André Müller", Email: "andre@example.de"}, m.From)
		}},
		{"unknown charset kept as it came", crlf(`
From: a@example.org
Content-Type: text/plain; charset=x-made-up

plain words
`), func(t *testing.T, m *email.Message) {
			require.Equal(t, "plain words", strings.TrimSpace(m.Text))
		}},
		{"inline image is an attachment, forwarded message too", crlf(`
From: a@example.org
Content-Type: multipart/related; boundary=r

--r
Content-Type: text/html

<p><img src="cid:logo@x"></p>
--r
Content-Type: image/png
Content-Disposition: inline
Content-ID: <logo@x>

png
--r
Content-Type: message/rfc822

From: b@example.org
Subject: inner

inner body
--r--
`), func(t *testing.T, m *email.Message) {
			require.Contains(t, m.HTML, `src="cid:logo@x"`)
			require.Empty(t, m.Text)
			require.Len(t, m.Attachments, 2)
			require.Equal(t, "image/png", m.Attachments[0].ContentType)
			require.Equal(t, "message/rfc822", m.Attachments[1].ContentType)
		}},
		{"encoded-word subject", encodedSubjectMsg, func(t *testing.T, m *email.Message) {
			require.Equal(t, "😳ne question about été", m.Subject)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := email.Parse(tc.raw)
			require.NoError(t, err)
			tc.check(t, m)
		})
	}
}

func TestParseRefusesWhatIsNotAMessage(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{"", "   \r\n", "hello world", "\x00\x01\x02", "X-Nothing: here\r\n\r\nbody"} {
		_, err := email.Parse([]byte(raw))
		require.ErrorIs(t, err, email.ErrNotMessage, "%q", raw)
	}
}

func TestParseCapsBodiesAndAttachments(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	b.WriteString("From: a@example.org\r\nSubject: big\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n")
	b.WriteString("--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	b.WriteString(strings.Repeat("é", email.MaxText)) // twice MaxText bytes
	b.WriteString("\r\n")
	for range email.MaxAttachments + 5 {
		b.WriteString("--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=x.png\r\n\r\nxx\r\n")
	}
	b.WriteString("--b--\r\n")
	m, err := email.Parse(b.Bytes())
	require.NoError(t, err)
	require.LessOrEqual(t, len(m.Text), email.MaxText)
	require.Greater(t, len(m.Text), email.MaxText-2)
	require.True(t, strings.HasSuffix(m.Text, "é"), "cut at a rune boundary")
	require.Len(t, m.Attachments, email.MaxAttachments)
}

func TestThreadKey(t *testing.T) {
	t.Parallel()
	parse := func(raw []byte) *email.Message {
		m, err := email.Parse(raw)
		require.NoError(t, err)
		return m
	}
	root := parse(plainMsg)
	tests := []struct {
		name string
		m    *email.Message
		want string
	}{
		{"a first message is its own thread", root, "abc123@mail.example.org"},
		{"References' first entry is the root", parse(alternativeMsg), "root@mail.example.org"},
		{"In-Reply-To without References", &email.Message{MessageID: "c@x", InReplyTo: "b@x"}, "b@x"},
		{"References win over In-Reply-To", &email.Message{MessageID: "c@x", InReplyTo: "b@x", References: []string{"a@x", "b@x"}}, "a@x"},
		{"nothing", &email.Message{}, ""},
		{"nil", nil, ""},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, email.ThreadKey(tc.m), tc.name)
	}
}

func TestSanitize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in    string
		has, hasNot []string
	}{
		{"script", `<p>hi</p><script>alert(1)</script>`, []string{"<p>hi</p>"}, []string{"script", "alert"}},
		{"event handler", `<img src="cid:logo" onerror="alert(1)">`, []string{`src="cid:logo"`}, []string{"onerror", "alert"}},
		{"javascript link", `<a href="javascript:alert(1)">x</a>`, []string{"x"}, []string{"javascript", "href"}},
		{"style and iframe and form", `<style>p{}</style><iframe src="https://e.example"></iframe><form><input name=a></form><p style="color:red">t</p>`, []string{"<p>t</p>"}, []string{"style", "iframe", "form", "input"}},
		{"links open safely", `<a href="https://example.org/x">x</a>`, []string{`href="https://example.org/x"`, `target="_blank"`, "nofollow", "noopener", "noreferrer"}, nil},
		{"remote image is not fetched", `<img src="https://tracker.example/p.gif?u=1" alt="t">`, []string{`alt="t"`}, []string{"tracker"}},
		{"inline data image stays", `<img src="data:image/png;base64,iVBORw0KGgo=">`, []string{`src="data:image/png;base64,iVBORw0KGgo="`}, nil},
	}
	for _, tc := range tests {
		out := email.Sanitize(tc.in)
		for _, s := range tc.has {
			require.Contains(t, out, s, tc.name)
		}
		for _, s := range tc.hasNot {
			require.NotContains(t, out, s, tc.name)
		}
	}
}

func TestParseSanitisesHTML(t *testing.T) {
	t.Parallel()
	m, err := email.Parse(crlf(`
From: a@example.org
Content-Type: text/html

<p onclick="x()">Hi</p><script>steal()</script><a href="javascript:x()">l</a>
`))
	require.NoError(t, err)
	require.NotContains(t, m.HTML, "script")
	require.NotContains(t, m.HTML, "onclick")
	require.NotContains(t, m.HTML, "javascript")
	require.Contains(t, m.HTML, "Hi")
}

// sendGridForm builds the multipart form SendGrid posts, as the server reads it.
func sendGridForm(t *testing.T, fields map[string]string, files map[string]string) *multipart.Form {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		require.NoError(t, w.WriteField(k, v))
	}
	for k, name := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+k+`"; filename="`+name+`"`)
		h.Set("Content-Type", "application/pdf")
		p, err := w.CreatePart(h)
		require.NoError(t, err)
		_, err = p.Write([]byte("%PDF-1.4 tiny"))
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	form, err := multipart.NewReader(&body, w.Boundary()).ReadForm(1 << 20)
	require.NoError(t, err)
	return form
}

func TestFromSendGridParse(t *testing.T) {
	t.Parallel()
	t.Run("raw message preferred", func(t *testing.T) {
		t.Parallel()
		form := sendGridForm(t, map[string]string{"email": string(alternativeMsg), "from": "someone@else.example", "subject": "ignored"}, nil)
		m, err := email.FromSendGridParse(form)
		require.NoError(t, err)
		require.Equal(t, "reply2@mail.example.org", m.MessageID)
		require.Equal(t, "jane@example.org", m.From.Email)
		require.Equal(t, "root@mail.example.org", email.ThreadKey(m))
	})
	t.Run("parsed fields", func(t *testing.T) {
		t.Parallel()
		form := sendGridForm(t, map[string]string{
			"headers":         "Message-ID: <sg1@mail.example.org>\nIn-Reply-To: <root@practice.example>\nDate: Tue, 01 Dec 2026 10:15:00 +0000\nFrom: Jane <jane@example.org>",
			"from":            "Jane <Jane@Example.org>",
			"to":              "intake@practice.example",
			"cc":              "office@practice.example",
			"subject":         "R\xfcckfrage",
			"text":            "Gr\xfc\xdfe",
			"html":            `<p>Hi</p><script>x()</script>`,
			"charsets":        `{"to":"UTF-8","subject":"iso-8859-1","text":"iso-8859-1","html":"UTF-8","from":"UTF-8"}`,
			"attachments":     "1",
			"attachment-info": `{"attachment1":{"filename":"letter.pdf","name":"letter.pdf","type":"application/pdf"}}`,
			"envelope":        `{"to":["intake@practice.example"],"from":"jane@example.org"}`,
		}, map[string]string{"attachment1": "letter.pdf"})
		m, err := email.FromSendGridParse(form)
		require.NoError(t, err)
		require.Equal(t, "sg1@mail.example.org", m.MessageID)
		require.Equal(t, "root@practice.example", email.ThreadKey(m))
		require.Equal(t, email.Address{Name: "Jane", Email: "jane@example.org"}, m.From)
		require.Equal(t, []email.Address{{Email: "intake@practice.example"}}, m.To)
		require.Equal(t, []email.Address{{Email: "office@practice.example"}}, m.Cc)
		require.Equal(t, "Rückfrage", m.Subject)
		require.Equal(t, "Grüße", m.Text)
		require.Equal(t, "<p>Hi</p>", m.HTML)
		require.True(t, m.Date.Equal(time.Date(2026, 12, 1, 10, 15, 0, 0, time.UTC)))
		require.Equal(t, []email.Attachment{{Filename: "letter.pdf", ContentType: "application/pdf", Size: int64(len("%PDF-1.4 tiny"))}}, m.Attachments)
	})
	t.Run("neither raw nor fields", func(t *testing.T) {
		t.Parallel()
		_, err := email.FromSendGridParse(sendGridForm(t, map[string]string{"subject": "x"}, nil))
		require.ErrorIs(t, err, email.ErrNotMessage)
		_, err = email.FromSendGridParse(nil)
		require.ErrorIs(t, err, email.ErrNotMessage)
	})
}

func FuzzParse(f *testing.F) {
	for _, seed := range [][]byte{plainMsg, alternativeMsg, mixedMsg, latin1Msg, encodedSubjectMsg, []byte("From: a\r\n\r\n"), []byte("Content-Type: multipart/mixed; boundary=x\r\nFrom: a@b\r\n\r\n--x\r\n")} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := email.Parse(raw)
		if err != nil {
			if !errors.Is(err, email.ErrNotMessage) {
				t.Fatalf("error %v does not wrap ErrNotMessage", err)
			}
			return
		}
		if len(m.Text) > email.MaxText || len(m.HTML) > email.MaxHTML || len(m.Attachments) > email.MaxAttachments {
			t.Fatalf("limits exceeded: text %d html %d attachments %d", len(m.Text), len(m.HTML), len(m.Attachments))
		}
		_ = email.ThreadKey(m)
	})
}

func TestVerifySendGridSignature(t *testing.T) {
	t.Parallel()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	require.NoError(t, err)
	key, err := email.ParseSendGridKey(base64.StdEncoding.EncodeToString(der))
	require.NoError(t, err)

	body := []byte("--xYzZY\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\nHi\r\n--xYzZY--\r\n")
	ts := "1764672000"
	sum := sha256.Sum256(append([]byte(ts), body...))
	sig, err := ecdsa.SignASN1(rand.Reader, priv, sum[:])
	require.NoError(t, err)
	good := base64.StdEncoding.EncodeToString(sig)

	require.NoError(t, email.VerifySendGridSignature(key, good, ts, body))
	require.ErrorIs(t, email.VerifySendGridSignature(key, good, "1764672001", body), email.ErrBadSignature)
	require.ErrorIs(t, email.VerifySendGridSignature(key, good, ts, append(bytes.Clone(body), 'x')), email.ErrBadSignature)
	require.ErrorIs(t, email.VerifySendGridSignature(key, "", ts, body), email.ErrBadSignature)
	require.ErrorIs(t, email.VerifySendGridSignature(key, "!!", ts, body), email.ErrBadSignature)
	require.ErrorIs(t, email.VerifySendGridSignature(nil, good, ts, body), email.ErrBadSignature)

	_, err = email.ParseSendGridKey("not a key")
	require.ErrorIs(t, err, email.ErrBadKey)
	edPub, _, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	edDER, err := x509.MarshalPKIXPublicKey(edPub)
	require.NoError(t, err)
	_, err = email.ParseSendGridKey(base64.StdEncoding.EncodeToString(edDER))
	require.ErrorIs(t, err, email.ErrBadKey, "not an ECDSA key")
}
