// Package mailbox owns kith's conversation with a practice's shared mailbox
// over IMAP: checking that the settings sign in, finding the sent folder,
// fetching the messages that arrived since the last import (remembering
// UIDVALIDITY and UID, leaving them unread), waiting for new mail with IDLE,
// and sealing the mailbox password at rest. It knows nothing of kith's
// database: the job that records what it fetches lives elsewhere.
package mailbox

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Limits of one import.
const (
	// DialTimeout bounds connecting (and the TLS handshake) to the server.
	DialTimeout = 10 * time.Second
	// MaxMessageSize is the largest message fetched (RFC822.SIZE, 10 MiB);
	// a larger one is skipped with a note in Batch.Skipped and never fetched.
	MaxMessageSize = 10 << 20
	// MaxBatchBytes bounds the raw bytes one Fetch returns (32 MiB): a batch
	// stops early, with More set, rather than holding more in memory.
	MaxBatchBytes = 32 << 20
	// DefaultLimit is the number of messages Fetch returns when limit <= 0.
	DefaultLimit = 50
)

// Security is how the connection to the IMAP server is protected.
type Security string

// The ways of protecting the connection.
const (
	// SecurityTLS is implicit TLS, usually port 993. It is also what the
	// zero Security means.
	SecurityTLS Security = "TLS"
	// SecuritySTARTTLS upgrades a plain connection, usually port 143.
	SecuritySTARTTLS Security = "STARTTLS"
	// SecurityNone sends the password in clear; for tests and local servers only.
	SecurityNone Security = "NONE"
)

// Server is how to reach and sign in to a mailbox. A zero Security is TLS; a
// zero Port is 993 for TLS and 143 otherwise. Its String, GoString and
// LogValue never show the password.
type Server struct {
	Host     string
	Port     int
	Security Security
	Username string
	Password string
	// TLSConfig, if set, replaces the default TLS configuration (tests use it
	// to trust a self-signed certificate). ServerName defaults to Host.
	TLSConfig *tls.Config
	// Control, if set, is the net.Dialer's Control: it sees the address
	// actually dialled (after DNS) and may refuse it, for instance a private
	// network's. An *Error it returns is returned as it is.
	Control func(network, address string, c syscall.RawConn) error
}

// String describes srv without its password.
func (srv Server) String() string {
	return fmt.Sprintf("%s@%s (%s)", srv.Username, srv.addr(), srv.security())
}

// GoString describes srv without its password, for %#v.
func (srv Server) GoString() string { return "mailbox.Server{" + srv.String() + "}" }

// LogValue logs srv without its password.
func (srv Server) LogValue() slog.Value {
	return slog.GroupValue(slog.String("host", srv.Host), slog.Int("port", srv.Port), slog.String("security", string(srv.security())), slog.String("username", srv.Username))
}

// addr is host:port, with the default port for the security.
func (srv Server) addr() string {
	port := srv.Port
	if port == 0 {
		port = 143
		if srv.security() == SecurityTLS {
			port = 993
		}
	}
	return net.JoinHostPort(srv.Host, strconv.Itoa(port))
}

// security is srv.Security, TLS when unset.
func (srv Server) security() Security {
	if srv.Security == "" {
		return SecurityTLS
	}
	return srv.Security
}

// State is where an import of one folder stopped: the folder's UIDVALIDITY and
// the highest UID already handed out. The zero State starts from the beginning.
type State struct {
	UIDValidity uint32
	UID         uint32
}

// Raw is one fetched message, exactly as the server stores it, with the time
// the server received it (a fallback for a message without a Date header).
type Raw struct {
	UID          uint32
	Data         []byte
	InternalDate time.Time
}

// Skipped is a message Fetch did not fetch, with why, for the importer to note.
type Skipped struct {
	UID    uint32
	Size   int64
	Reason string
}

// Batch is the result of one Fetch: the messages in UID order, those skipped,
// and the State to pass to the next Fetch (which must be saved only once the
// messages are recorded).
type Batch struct {
	Messages []Raw
	Skipped  []Skipped
	State    State
	// Reset is true when the folder's UIDVALIDITY changed since State: the
	// server renumbered it, so the import started over from the first message
	// (recording must be idempotent, by Message-ID).
	Reset bool
	// More is true when more new messages wait than the batch held.
	More bool
}

// Errors a practice owner can act on. They are returned wrapped in *Error,
// whose message is a sentence without password or server text.
var (
	ErrAuthFailed  = errors.New("the mail server refused the username or password: check them, or create an app password if the account uses two-step sign-in")
	ErrUnreachable = errors.New("kith could not reach the mail server: check the server name and port")
	ErrTLS         = errors.New("a secure connection to the mail server could not be made: check the security setting (TLS or STARTTLS) and that the server's certificate is valid")
	ErrNoFolder    = errors.New("the mailbox has no folder of that name")
	ErrServer      = errors.New("the mail server did not answer as an IMAP server should")
)

// Error is a failure talking to a mail server. Error() is Kind's sentence with
// the server's address and a safe detail; errors.Is matches Kind.
type Error struct {
	Kind   error
	Addr   string
	Detail string
}

// Error implements error.
func (e *Error) Error() string {
	s := e.Kind.Error()
	if e.Addr != "" {
		s += " (" + e.Addr + ")"
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns Kind.
func (e *Error) Unwrap() error { return e.Kind }

// session is a signed-in connection, closed when ctx ends.
type session struct {
	c    *imapclient.Client
	srv  Server
	ctx  context.Context
	stop func() bool
}

// dial connects to srv and signs in. opts may carry a unilateral data handler.
func dial(ctx context.Context, srv Server, opts *imapclient.Options) (*session, error) {
	if opts == nil {
		opts = &imapclient.Options{}
	}
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12}
	if srv.TLSConfig != nil {
		tlsConfig = srv.TLSConfig.Clone()
	}
	if tlsConfig.ServerName == "" {
		tlsConfig.ServerName = srv.Host
	}
	opts.TLSConfig = tlsConfig

	dctx, cancel := context.WithTimeout(ctx, DialTimeout)
	defer cancel()
	nd := &net.Dialer{Timeout: DialTimeout, Control: srv.Control}
	var conn net.Conn
	var err error
	switch srv.security() {
	case SecurityTLS:
		cfg := tlsConfig.Clone()
		if cfg.NextProtos == nil {
			cfg.NextProtos = []string{"imap"}
		}
		conn, err = (&tls.Dialer{NetDialer: nd, Config: cfg}).DialContext(dctx, "tcp", srv.addr())
	case SecuritySTARTTLS, SecurityNone:
		conn, err = nd.DialContext(dctx, "tcp", srv.addr())
	default:
		return nil, &Error{Kind: ErrTLS, Addr: srv.addr(), Detail: "choose TLS, STARTTLS or NONE as the security setting"}
	}
	if err != nil {
		return nil, srv.classify(ctx, err)
	}
	// A server may send more than the sizes it reports: one session reads
	// at most MaxSessionBytes, so it cannot exhaust the instance's memory.
	conn = &cappedConn{Conn: conn, left: MaxSessionBytes}
	// The client's calls take no context: closing the connection when ctx
	// ends (or when the dial deadline passes during the greeting) unblocks them.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	s := &session{srv: srv, ctx: ctx, stop: stop}
	greet := context.AfterFunc(dctx, func() {
		if dctx.Err() == context.DeadlineExceeded {
			conn.Close()
		}
	})
	if srv.security() == SecuritySTARTTLS {
		s.c, err = imapclient.NewStartTLS(conn, opts)
	} else {
		s.c = imapclient.New(conn, opts)
		err = s.c.WaitGreeting()
	}
	greet()
	if err != nil {
		stop()
		conn.Close()
		return nil, srv.classify(ctx, err)
	}
	if s.c.Caps().Has(imap.CapLoginDisabled) {
		s.close()
		return nil, &Error{Kind: ErrTLS, Addr: srv.addr(), Detail: "the server accepts sign-in only over a secure connection: choose TLS or STARTTLS"}
	}
	if err := s.c.Login(srv.Username, srv.Password).Wait(); err != nil {
		s.close()
		var ie *imap.Error
		if errors.As(err, &ie) && ie.Type == imap.StatusResponseTypeNo {
			return nil, &Error{Kind: ErrAuthFailed, Addr: srv.addr()}
		}
		return nil, srv.classify(ctx, err)
	}
	return s, nil
}

// close logs out (briefly) and closes the connection.
func (s *session) close() {
	s.stop()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.c.Logout().Wait()
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	case <-s.ctx.Done():
	}
	s.c.Close()
}

// fail classifies an error of a command on a signed-in session.
func (s *session) fail(err error) error { return s.srv.classify(s.ctx, err) }

// classify turns a dial, TLS or protocol error into ctx's error or an *Error
// with a safe detail. The underlying error's text, which may quote the server,
// is not kept.
func (srv Server) classify(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("mailbox %s: %w", srv.addr(), ctxErr)
	}
	addr := srv.addr()
	var own *Error
	if errors.As(err, &own) { // Control's refusal
		e := *own
		if e.Addr == "" {
			e.Addr = addr
		}
		return &e
	}
	var (
		dnsErr   *net.DNSError
		certErr  *tls.CertificateVerificationError
		hostErr  x509.HostnameError
		authErr  x509.UnknownAuthorityError
		invErr   x509.CertificateInvalidError
		recErr   tls.RecordHeaderError
		alertErr tls.AlertError
		imapErr  *imap.Error
		netErr   net.Error
	)
	switch {
	case errors.As(err, &dnsErr):
		return &Error{Kind: ErrUnreachable, Addr: addr, Detail: "the server name does not resolve"}
	case errors.As(err, &certErr), errors.As(err, &hostErr), errors.As(err, &authErr), errors.As(err, &invErr):
		return &Error{Kind: ErrTLS, Addr: addr, Detail: "the server's certificate is not trusted for this name"}
	case errors.As(err, &recErr), errors.As(err, &alertErr):
		return &Error{Kind: ErrTLS, Addr: addr, Detail: "the server did not speak TLS as configured"}
	case errors.Is(err, syscall.ECONNREFUSED):
		return &Error{Kind: ErrUnreachable, Addr: addr, Detail: "the connection was refused"}
	case errors.As(err, &netErr) && netErr.Timeout(), errors.Is(err, os.ErrDeadlineExceeded):
		return &Error{Kind: ErrUnreachable, Addr: addr, Detail: "the server did not answer in time"}
	case errors.As(err, &imapErr):
		return &Error{Kind: ErrServer, Addr: addr, Detail: "it answered " + string(imapErr.Type) + " " + string(imapErr.Code)}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		return &Error{Kind: ErrUnreachable, Addr: addr, Detail: "the server closed the connection"}
	case srv.security() == SecuritySTARTTLS && strings.Contains(err.Error(), "STARTTLS"):
		return &Error{Kind: ErrTLS, Addr: addr, Detail: "the server does not offer STARTTLS"}
	default:
		var opErr *net.OpError
		if errors.As(err, &opErr) {
			return &Error{Kind: ErrUnreachable, Addr: addr}
		}
		return &Error{Kind: ErrServer, Addr: addr}
	}
}

// Check connects to srv and signs in, for connecting a mailbox: nil, or an
// error matching ErrAuthFailed, ErrUnreachable, ErrTLS or ErrServer.
func Check(ctx context.Context, srv Server) error {
	s, err := dial(ctx, srv, nil)
	if err != nil {
		return err
	}
	s.close()
	return nil
}

// selectFolder opens folder read-only (so fetching never marks mail read).
func (s *session) selectFolder(folder string) (*imap.SelectData, error) {
	data, err := s.c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		var ie *imap.Error
		if errors.As(err, &ie) && ie.Type == imap.StatusResponseTypeNo && s.ctx.Err() == nil {
			return nil, &Error{Kind: ErrNoFolder, Addr: s.srv.addr(), Detail: strconv.Quote(folder)}
		}
		return nil, s.fail(err)
	}
	return data, nil
}

// Fetch returns up to limit messages of folder with a UID above state.UID, in
// UID order, fetched with BODY.PEEK[] so they stay unread. When the folder's
// UIDVALIDITY is not state's (and state is not the zero State), the import
// starts over from UID 1 and Batch.Reset says so. Messages over
// MaxMessageSize are skipped (listed in Batch.Skipped, State moves past them).
func Fetch(ctx context.Context, srv Server, folder string, state State, limit int) (Batch, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	s, err := dial(ctx, srv, nil)
	if err != nil {
		return Batch{}, err
	}
	defer s.close()
	sel, err := s.selectFolder(folder)
	if err != nil {
		return Batch{}, err
	}
	b := Batch{State: State{UIDValidity: sel.UIDValidity, UID: state.UID}}
	if state.UIDValidity != 0 && sel.UIDValidity != state.UIDValidity {
		b.Reset, b.State.UID = true, 0
	}
	from := b.State.UID
	if sel.UIDNext != 0 && uint32(sel.UIDNext) <= from+1 {
		return b, nil
	}
	if sel.NumMessages == 0 {
		if sel.UIDNext > 1 {
			b.State.UID = uint32(sel.UIDNext) - 1 // all expunged; see below
		}
		return b, nil
	}

	// First the UIDs and sizes of what is new (cheap), then the bodies of
	// those the batch takes. "from+1:*" includes the highest message even when
	// its UID is not above from, so the list is filtered.
	list, err := s.c.Fetch(imap.UIDSet{{Start: imap.UID(from + 1), Stop: 0}}, &imap.FetchOptions{UID: true, RFC822Size: true}).Collect()
	if err != nil {
		return Batch{}, s.fail(err)
	}
	list = slices.DeleteFunc(list, func(m *imapclient.FetchMessageBuffer) bool { return uint32(m.UID) <= from })
	slices.SortFunc(list, func(a, b *imapclient.FetchMessageBuffer) int { return int(a.UID) - int(b.UID) })

	var want imap.UIDSet
	var total int64
	for i, m := range list {
		if i == limit || (total > 0 && total+m.RFC822Size > MaxBatchBytes) {
			b.More = true
			break
		}
		b.State.UID = uint32(m.UID)
		if m.RFC822Size > MaxMessageSize {
			b.Skipped = append(b.Skipped, Skipped{UID: uint32(m.UID), Size: m.RFC822Size, Reason: fmt.Sprintf("larger than %d MB", MaxMessageSize>>20)})
			continue
		}
		total += m.RFC822Size
		want.AddNum(m.UID)
	}
	if !b.More && sel.UIDNext > 1 && uint32(sel.UIDNext)-1 > b.State.UID {
		// Every UID below UIDNEXT was handed out: those not listed were
		// expunged. Moving past them keeps Idle from waking for them again.
		b.State.UID = uint32(sel.UIDNext) - 1
	}
	if len(want) == 0 {
		return b, nil
	}
	section := &imap.FetchItemBodySection{Peek: true}
	bodies, err := s.c.Fetch(want, &imap.FetchOptions{UID: true, InternalDate: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return Batch{}, s.fail(err)
	}
	for _, m := range bodies {
		if !want.Contains(m.UID) {
			continue
		}
		b.Messages = append(b.Messages, Raw{UID: uint32(m.UID), Data: m.FindBodySection(section), InternalDate: m.InternalDate})
	}
	slices.SortFunc(b.Messages, func(x, y Raw) int { return int(x.UID) - int(y.UID) })
	return b, nil
}

// Status returns folder's UIDVALIDITY and the highest UID handed out so far
// (UIDNEXT-1), without fetching anything: where an import that starts now
// would stop. An importer uses it to start a new mailbox near its end.
func Status(ctx context.Context, srv Server, folder string) (State, error) {
	s, err := dial(ctx, srv, nil)
	if err != nil {
		return State{}, err
	}
	defer s.close()
	sel, err := s.selectFolder(folder)
	if err != nil {
		return State{}, err
	}
	st := State{UIDValidity: sel.UIDValidity}
	if sel.UIDNext > 1 {
		st.UID = uint32(sel.UIDNext) - 1
	}
	return st, nil
}

// sentNames are the names of the sent folder where the server marks none
// with \Sent, most common first; compared without regard to case.
var sentNames = []string{"Sent", "Sent Items", "Sent Messages", "Sent Mail", "INBOX.Sent", "INBOX/Sent", "[Gmail]/Sent Mail"}

// SentFolder returns the name of the folder holding the mailbox's sent mail:
// the one LIST marks \Sent (RFC 6154), else the first of the common names
// that exists, else "".
func SentFolder(ctx context.Context, srv Server) (string, error) {
	s, err := dial(ctx, srv, nil)
	if err != nil {
		return "", err
	}
	defer s.close()
	var opts *imap.ListOptions
	if s.c.Caps().Has(imap.CapSpecialUse) {
		opts = &imap.ListOptions{ReturnSpecialUse: true}
	}
	folders, err := s.c.List("", "*", opts).Collect()
	if err != nil {
		return "", s.fail(err)
	}
	for _, f := range folders {
		for _, a := range f.Attrs {
			if strings.EqualFold(string(a), string(imap.MailboxAttrSent)) {
				return f.Mailbox, nil
			}
		}
	}
	for _, name := range sentNames {
		for _, f := range folders {
			if strings.EqualFold(f.Mailbox, name) {
				return f.Mailbox, nil
			}
		}
	}
	return "", nil
}

// Idle reports whether folder has messages after since.UID, waiting up to
// wait for one to arrive when the server offers IDLE. It returns true at once
// when such messages are already there (or UIDVALIDITY changed), so a message
// that came between the last Fetch and this call is never waited past; false
// at once when the server has no IDLE (the caller polls); false after wait,
// or an error when ctx ends.
func Idle(ctx context.Context, srv Server, folder string, since State, wait time.Duration) (bool, error) {
	var base atomic.Int64
	base.Store(-1)
	arrived := make(chan struct{}, 1)
	opts := &imapclient.Options{UnilateralDataHandler: &imapclient.UnilateralDataHandler{
		Mailbox: func(data *imapclient.UnilateralDataMailbox) {
			if data.NumMessages == nil {
				return
			}
			if b := base.Load(); b >= 0 && int64(*data.NumMessages) > b {
				select {
				case arrived <- struct{}{}:
				default:
				}
			}
		},
	}}
	s, err := dial(ctx, srv, opts)
	if err != nil {
		return false, err
	}
	defer s.close()
	if !s.c.Caps().Has(imap.CapIdle) {
		return false, nil
	}
	sel, err := s.selectFolder(folder)
	if err != nil {
		return false, err
	}
	if since.UIDValidity != 0 && sel.UIDValidity != since.UIDValidity {
		return true, nil
	}
	if sel.NumMessages > 0 && sel.UIDNext != 0 && uint32(sel.UIDNext) > since.UID+1 {
		return true, nil
	}
	base.Store(int64(sel.NumMessages))
	idle, err := s.c.Idle()
	if err != nil {
		return false, s.fail(err)
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	got := false
	select {
	case <-arrived:
		got = true
	case <-timer.C:
	case <-ctx.Done():
	}
	if ctx.Err() != nil {
		return false, fmt.Errorf("mailbox %s: %w", srv.addr(), ctx.Err())
	}
	if err := idle.Close(); err != nil {
		return got, s.fail(err)
	}
	if err := idle.Wait(); err != nil {
		return got, s.fail(err)
	}
	return got, nil
}

// MaxSessionBytes is the most one IMAP session reads from its server: two
// batches' worth and a margin for the protocol. A server that sends more
// (whatever sizes it reported) has its session cut.
const MaxSessionBytes = 2*MaxBatchBytes + 4<<20

// errTooMuch is a session's error once its server sent MaxSessionBytes.
var errTooMuch = errors.New("the server sent more than one import reads")

// cappedConn is a connection that fails its reads past left bytes.
type cappedConn struct {
	net.Conn
	left int64
}

// Read implements net.Conn.
func (c *cappedConn) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, errTooMuch
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.Conn.Read(p)
	c.left -= int64(n)
	return n, err
}
