package mailbox_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/email"
	"github.com/kith-health/kith/mailbox"
)

const password = "s3cret-app-password"

// bundle is an in-process IMAP server (go-imap's in-memory one) with a user
// holding INBOX, Sent and Archive, and the Server settings that reach it.
type bundle struct {
	user *imapmemserver.User
	srv  mailbox.Server
	ctx  context.Context
}

// options configure setup.
type options struct {
	tls      *tls.Config // serve implicit TLS with this configuration
	startTLS *tls.Config // offer STARTTLS with this configuration
	// specialUse advertises SPECIAL-USE and lists "Gesendet" as \Sent (the
	// in-memory server keeps no special-use attributes of its own).
	specialUse bool
}

// specialUseSession lists the folders with "Gesendet" marked \Sent.
type specialUseSession struct{ imapserver.Session }

func (s specialUseSession) List(w *imapserver.ListWriter, ref string, patterns []string, options *imap.ListOptions) error {
	if len(patterns) == 0 {
		return s.Session.List(w, ref, patterns, options)
	}
	for _, d := range []imap.ListData{
		{Mailbox: "INBOX", Delim: '/'},
		{Mailbox: "Sent", Delim: '/'},
		{Mailbox: "Gesendet", Delim: '/', Attrs: []imap.MailboxAttr{imap.MailboxAttrSent}},
	} {
		if err := w.WriteList(&d); err != nil {
			return err
		}
	}
	return nil
}

func setup(t *testing.T, o options) *bundle {
	t.Helper()
	mem := imapmemserver.New()
	user := imapmemserver.NewUser("office@practice.example", password)
	for _, name := range []string{"INBOX", "Sent", "Archive"} {
		require.NoError(t, user.Create(name, nil))
	}
	mem.AddUser(user)
	caps := imap.CapSet{imap.CapIMAP4rev1: {}}
	if o.specialUse {
		caps[imap.CapSpecialUse] = struct{}{}
	}
	server := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			if o.specialUse {
				return specialUseSession{mem.NewSession()}, nil, nil
			}
			return mem.NewSession(), nil, nil
		},
		Caps:         caps,
		InsecureAuth: o.tls == nil && o.startTLS == nil,
		TLSConfig:    o.startTLS,
		Logger:       nopLogger{},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	if o.tls != nil {
		ln = tls.NewListener(ln, o.tls)
	}
	go func() { _ = server.Serve(ln) }()
	t.Cleanup(func() { _ = server.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	security := mailbox.SecurityNone
	switch {
	case o.tls != nil:
		security = mailbox.SecurityTLS
	case o.startTLS != nil:
		security = mailbox.SecuritySTARTTLS
	}
	return &bundle{user: user, ctx: ctx, srv: mailbox.Server{
		Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port, Security: security,
		Username: "office@practice.example", Password: password,
	}}
}

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}

// appendMsg stores a message with Message-ID id in folder, as a mail server
// would on delivery.
func (b *bundle) appendMsg(t *testing.T, folder, id string) {
	t.Helper()
	raw := fmt.Sprintf("From: jane@example.org\r\nTo: office@practice.example\r\nSubject: %s\r\nMessage-ID: <%s>\r\n\r\nHello %s\r\n", id, id, id)
	b.appendRaw(t, folder, []byte(raw))
}

func (b *bundle) appendRaw(t *testing.T, folder string, raw []byte) {
	t.Helper()
	_, err := b.user.Append(folder, bytes.NewReader(raw), &imap.AppendOptions{})
	require.NoError(t, err)
}

// ids parses the fetched messages and returns their Message-IDs.
func ids(t *testing.T, batch mailbox.Batch) []string {
	t.Helper()
	var out []string
	for _, r := range batch.Messages {
		m, err := email.Parse(r.Data)
		require.NoError(t, err)
		out = append(out, m.MessageID)
	}
	return out
}

func TestFetchImportsNewMessagesOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	for _, id := range []string{"a@x", "b@x", "c@x"} {
		b.appendMsg(t, "INBOX", id)
	}
	b.appendMsg(t, "Sent", "s1@x")

	batch, err := mailbox.Fetch(b.ctx, b.srv, "INBOX", mailbox.State{}, 10)
	require.NoError(t, err)
	require.Equal(t, []string{"a@x", "b@x", "c@x"}, ids(t, batch))
	require.False(t, batch.Reset)
	require.False(t, batch.More)
	require.NotZero(t, batch.State.UIDValidity)
	require.Equal(t, batch.Messages[2].UID, batch.State.UID)
	require.False(t, batch.Messages[0].InternalDate.IsZero())

	again, err := mailbox.Fetch(b.ctx, b.srv, "INBOX", batch.State, 10)
	require.NoError(t, err)
	require.Empty(t, again.Messages)
	require.Equal(t, batch.State, again.State)

	b.appendMsg(t, "INBOX", "d@x")
	next, err := mailbox.Fetch(b.ctx, b.srv, "INBOX", again.State, 10)
	require.NoError(t, err)
	require.Equal(t, []string{"d@x"}, ids(t, next))

	sent, err := mailbox.Fetch(b.ctx, b.srv, "Sent", mailbox.State{}, 10)
	require.NoError(t, err)
	require.Equal(t, []string{"s1@x"}, ids(t, sent))
}

func TestFetchLeavesMessagesUnread(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	b.appendMsg(t, "INBOX", "a@x")
	_, err := mailbox.Fetch(b.ctx, b.srv, "INBOX", mailbox.State{}, 10)
	require.NoError(t, err)
	st, err := b.user.Status("INBOX", &imap.StatusOptions{NumUnseen: true})
	require.NoError(t, err)
	require.Equal(t, uint32(1), *st.NumUnseen)
}

func TestFetchInBatches(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	for i := range 5 {
		b.appendMsg(t, "INBOX", fmt.Sprintf("m%d@x", i))
	}
	first, err := mailbox.Fetch(b.ctx, b.srv, "INBOX", mailbox.State{}, 2)
	require.NoError(t, err)
	require.Equal(t, []string{"m0@x", "m1@x"}, ids(t, first))
	require.True(t, first.More)
	second, err := mailbox.Fetch(b.ctx, b.srv, "INBOX", first.State, 2)
	require.NoError(t, err)
	require.Equal(t, []string{"m2@x", "m3@x"}, ids(t, second))
	third, err := mailbox.Fetch(b.ctx, b.srv, "INBOX", second.State, 2)
	require.NoError(t, err)
	require.Equal(t, []string{"m4@x"}, ids(t, third))
	require.False(t, third.More)
}

func TestFetchSkipsOversizedMessages(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	b.appendMsg(t, "INBOX", "small@x")
	big := "From: a@x\r\nMessage-ID: <big@x>\r\n\r\n" + strings.Repeat("x", mailbox.MaxMessageSize)
	b.appendRaw(t, "INBOX", []byte(big))
	b.appendMsg(t, "INBOX", "after@x")
	batch, err := mailbox.Fetch(b.ctx, b.srv, "INBOX", mailbox.State{}, 10)
	require.NoError(t, err)
	require.Equal(t, []string{"small@x", "after@x"}, ids(t, batch))
	require.Len(t, batch.Skipped, 1)
	require.Equal(t, uint32(2), batch.Skipped[0].UID)
	require.Equal(t, uint32(3), batch.State.UID)
}

func TestFetchStartsOverWhenUIDValidityChanges(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	b.appendMsg(t, "Archive", "old@x")
	batch, err := mailbox.Fetch(b.ctx, b.srv, "Archive", mailbox.State{}, 10)
	require.NoError(t, err)
	require.Equal(t, []string{"old@x"}, ids(t, batch))

	// The folder is recreated: the server gives it a new UIDVALIDITY and
	// numbers its messages from 1 again.
	require.NoError(t, b.user.Delete("Archive"))
	require.NoError(t, b.user.Create("Archive", nil))
	b.appendMsg(t, "Archive", "new1@x")
	b.appendMsg(t, "Archive", "new2@x")

	again, err := mailbox.Fetch(b.ctx, b.srv, "Archive", batch.State, 10)
	require.NoError(t, err)
	require.True(t, again.Reset)
	require.NotEqual(t, batch.State.UIDValidity, again.State.UIDValidity)
	require.Equal(t, []string{"new1@x", "new2@x"}, ids(t, again))
}

// expunge deletes the message with uid from folder, as a mail client would.
func (b *bundle) expunge(t *testing.T, folder string, uid uint32) {
	t.Helper()
	c, err := imapclient.DialInsecure(net.JoinHostPort(b.srv.Host, fmt.Sprint(b.srv.Port)), nil)
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.Login(b.srv.Username, b.srv.Password).Wait())
	_, err = c.Select(folder, nil).Wait()
	require.NoError(t, err)
	require.NoError(t, c.Store(imap.UIDSetNum(imap.UID(uid)), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close())
	require.NoError(t, c.Expunge().Close())
}

// A message that arrives and is deleted before the import never makes Idle
// wake up again and again.
func TestFetchMovesPastExpungedMessages(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	b.appendMsg(t, "INBOX", "a@x")
	batch, err := mailbox.Fetch(b.ctx, b.srv, "INBOX", mailbox.State{}, 10)
	require.NoError(t, err)
	b.appendMsg(t, "INBOX", "gone@x")
	b.expunge(t, "INBOX", 2)

	got, err := mailbox.Idle(b.ctx, b.srv, "INBOX", batch.State, time.Hour)
	require.NoError(t, err)
	require.True(t, got, "a UID was handed out since")
	next, err := mailbox.Fetch(b.ctx, b.srv, "INBOX", batch.State, 10)
	require.NoError(t, err)
	require.Empty(t, next.Messages)
	require.Equal(t, uint32(2), next.State.UID)
	got, err = mailbox.Idle(b.ctx, b.srv, "INBOX", next.State, 10*time.Millisecond)
	require.NoError(t, err)
	require.False(t, got)
}

func TestFetchUnknownFolder(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	_, err := mailbox.Fetch(b.ctx, b.srv, "Nope", mailbox.State{}, 10)
	require.ErrorIs(t, err, mailbox.ErrNoFolder)
}

func TestCheck(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	require.NoError(t, mailbox.Check(b.ctx, b.srv))

	wrong := b.srv
	wrong.Password = "not-the-" + password
	err := mailbox.Check(b.ctx, wrong)
	require.ErrorIs(t, err, mailbox.ErrAuthFailed)
	require.NotContains(t, err.Error(), wrong.Password)

	// A port nothing listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := b.srv
	closed.Port = ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	require.ErrorIs(t, mailbox.Check(b.ctx, closed), mailbox.ErrUnreachable)

	// TLS against a server that speaks plain IMAP.
	tlsToPlain := b.srv
	tlsToPlain.Security = mailbox.SecurityTLS
	require.ErrorIs(t, mailbox.Check(b.ctx, tlsToPlain), mailbox.ErrTLS)
}

func TestServerNeverShowsPassword(t *testing.T) {
	t.Parallel()
	srv := mailbox.Server{Host: "imap.example", Username: "u", Password: password}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("import", "mailbox", srv)
	for _, s := range []string{fmt.Sprint(srv), fmt.Sprintf("%+v", srv), fmt.Sprintf("%#v", srv), fmt.Sprintf("%v", &srv), logged.String()} {
		require.NotContains(t, s, password)
	}
	require.Equal(t, "u@imap.example:993 (TLS)", srv.String(), "TLS and port 993 by default")
}

func TestSentFolder(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	name, err := mailbox.SentFolder(b.ctx, b.srv)
	require.NoError(t, err)
	require.Equal(t, "Sent", name)

	require.NoError(t, b.user.Delete("Sent"))
	require.NoError(t, b.user.Create("INBOX.Sent", nil))
	name, err = mailbox.SentFolder(b.ctx, b.srv)
	require.NoError(t, err)
	require.Equal(t, "INBOX.Sent", name)

	require.NoError(t, b.user.Delete("INBOX.Sent"))
	name, err = mailbox.SentFolder(b.ctx, b.srv)
	require.NoError(t, err)
	require.Empty(t, name)

	// The \Sent attribute wins over a folder merely called "Sent".
	marked := setup(t, options{specialUse: true})
	name, err = mailbox.SentFolder(marked.ctx, marked.srv)
	require.NoError(t, err)
	require.Equal(t, "Gesendet", name)
}

func TestIdle(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	b.appendMsg(t, "INBOX", "a@x")
	batch, err := mailbox.Fetch(b.ctx, b.srv, "INBOX", mailbox.State{}, 10)
	require.NoError(t, err)

	t.Run("wakes up on a new message", func(t *testing.T) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			// Whether this lands before or during IDLE, Idle reports it.
			time.Sleep(50 * time.Millisecond)
			b.appendMsg(t, "INBOX", "b@x")
		}()
		got, err := mailbox.Idle(b.ctx, b.srv, "INBOX", batch.State, time.Minute)
		require.NoError(t, err)
		require.True(t, got)
		<-done
	})
	t.Run("a message already waiting returns at once", func(t *testing.T) {
		got, err := mailbox.Idle(b.ctx, b.srv, "INBOX", batch.State, time.Hour)
		require.NoError(t, err)
		require.True(t, got)
	})
	t.Run("nothing new until the wait ends", func(t *testing.T) {
		next, err := mailbox.Fetch(b.ctx, b.srv, "INBOX", batch.State, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"b@x"}, ids(t, next))
		got, err := mailbox.Idle(b.ctx, b.srv, "INBOX", next.State, 10*time.Millisecond)
		require.NoError(t, err)
		require.False(t, got)
	})
	t.Run("ends when its context ends during IDLE", func(t *testing.T) {
		next, err := mailbox.Fetch(b.ctx, b.srv, "INBOX", batch.State, 10)
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(b.ctx)
		go func() {
			time.Sleep(50 * time.Millisecond)
			cancel()
		}()
		_, err = mailbox.Idle(ctx, b.srv, "INBOX", next.State, time.Hour)
		require.ErrorIs(t, err, context.Canceled)
	})
	t.Run("ends with its context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(b.ctx)
		cancel()
		_, err := mailbox.Idle(ctx, b.srv, "INBOX", batch.State, time.Hour)
		require.ErrorIs(t, err, context.Canceled)
	})
}

// selfSigned returns a server certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kith test imap"},
		NotBefore: time.Unix(0, 0), NotAfter: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:    x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

func TestTLS(t *testing.T) {
	t.Parallel()
	cert, pool := selfSigned(t)
	for _, tc := range []struct {
		name string
		o    options
	}{
		{"implicit TLS", options{tls: &tls.Config{Certificates: []tls.Certificate{cert}}}},
		{"STARTTLS", options{startTLS: &tls.Config{Certificates: []tls.Certificate{cert}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tc.o)
			b.appendMsg(t, "INBOX", "tls@x")

			// The default configuration does not trust a self-signed certificate.
			err := mailbox.Check(b.ctx, b.srv)
			require.ErrorIs(t, err, mailbox.ErrTLS)

			trusted := b.srv
			trusted.TLSConfig = &tls.Config{RootCAs: pool}
			require.NoError(t, mailbox.Check(b.ctx, trusted))
			batch, err := mailbox.Fetch(b.ctx, trusted, "INBOX", mailbox.State{}, 10)
			require.NoError(t, err)
			require.Equal(t, []string{"tls@x"}, ids(t, batch))
		})
	}
}
