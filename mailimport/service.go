// Package mailimport owns the practice's shared mailboxes in kith's
// database: connecting one (checked by signing in once, its password
// sealed with the configured key), disconnecting it, listing them, and
// importing their inbox and sent folder into the communications log every
// minute (River jobs, one import of a mailbox at a time across instances,
// IDLE where the server offers it), plus SendGrid's Inbound Parse webhook,
// the push alternative. The IMAP conversation itself is package mailbox's;
// reading messages is package email's; recording and matching them is
// package communication's.
package mailimport

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	entmailbox "github.com/kith-health/kith/ent/mailbox"
	"github.com/kith-health/kith/mailbox"
	"github.com/kith-health/kith/netguard"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// Config tunes a Service.
type Config struct {
	// Key seals mailbox passwords (KITH_MAILBOX_KEY, 32 bytes). Without it
	// connectMailbox answers ErrNoKey and no import runs.
	Key []byte
	// AllowInsecure lets owners choose security NONE, the password in
	// clear (KITH_MAILBOX_ALLOW_INSECURE; tests and development).
	AllowInsecure bool
	// AllowPrivate lets a mailbox's host resolve to loopback, private,
	// link-local or other internal addresses (KITH_MAILBOX_ALLOW_PRIVATE;
	// tests and development). Otherwise such an address is refused when
	// dialling, after DNS, so that owners cannot make kith probe its own
	// network.
	AllowPrivate bool
	// Workers is how many mailboxes are imported at once, on a queue of
	// their own (Queue) so that imports never hold up messages. Default 4.
	Workers int
	// IdleWait is how long an import waits with IDLE for new mail after
	// fetching, when the server offers it, before returning (it stays
	// within the job's timeout). Default 50s; negative: no IDLE.
	IdleWait time.Duration
	// Interval is how often every active mailbox is imported. Default 1 minute.
	Interval time.Duration
	// TLSConfig, when set, is the TLS configuration of every connection
	// (tests trust a self-signed certificate with it).
	TLSConfig *tls.Config
	// Logger receives import failures (never a password). Default slog.Default().
	Logger *slog.Logger
}

// FirstImport is how many of a folder's latest messages (by UID) the first
// import of a new mailbox takes, and an import after the server renumbered
// the folder (UIDVALIDITY changed): a practice connecting a mailbox with
// years of mail gets its recent conversations, not its whole history.
const FirstImport = 500

// Queue is the River queue mailbox imports run on.
const Queue = "mailbox"

// ErrNoKey is connectMailbox's answer on a server started without
// KITH_MAILBOX_KEY; it matches kith.ErrNotConfigured.
var ErrNoKey error = notConfigured{}

type notConfigured struct{}

func (notConfigured) Error() string {
	return "mailboxes are not configured on this server: set KITH_MAILBOX_KEY"
}

func (notConfigured) Is(target error) bool { return target == kith.ErrNotConfigured }

// Service connects, disconnects, lists and imports mailboxes.
type Service struct {
	db       *ent.Client
	cfg      Config
	stop     chan struct{} // closed by Stop
	stopOnce sync.Once
}

// New returns the service over db.
func New(db *ent.Client, cfg Config) *Service {
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.IdleWait == 0 {
		cfg.IdleWait = 50 * time.Second
	}
	if cfg.Interval <= 0 {
		cfg.Interval = time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Service{db: db, cfg: cfg, stop: make(chan struct{})}
}

// Stop ends at once every import waiting with IDLE and keeps later imports
// from waiting: each returns after what it fetched is recorded. kith serve
// calls it when draining starts, so that River's Stop, which waits for the
// running jobs, is not held up by IDLE's wait. It is safe to call twice.
func (s *Service) Stop() {
	if s != nil {
		s.stopOnce.Do(func() { close(s.stop) })
	}
}

// stopped reports whether Stop was called.
func (s *Service) stopped() bool {
	select {
	case <-s.stop:
		return true
	default:
		return false
	}
}

// Configured reports whether the service has a key, and so imports.
func (s *Service) Configured() bool { return s != nil && len(s.cfg.Key) == mailbox.KeySize }

// Connect is what an owner gives to connect a mailbox.
type Connect struct {
	Address, Host string
	Port          *int
	Security      *entmailbox.Security
	Username      *string
	Password      string
}

// maxPassword caps a mailbox password, in bytes.
const maxPassword = 1024

// ConnectMailbox checks c (signing in once and finding the sent folder)
// and saves the mailbox with its password sealed, for owners only. Bad
// settings are BAD_USER_INPUT on the field at fault, with a sentence that
// never holds the password or the server's own words. Connecting an
// address the organisation already has updates that mailbox (a new
// password, other settings) and makes it active again, keeping where its
// import stopped.
func (s *Service) ConnectMailbox(ctx context.Context, c Connect) (*ent.Mailbox, error) {
	st, err := owner(ctx)
	if err != nil {
		return nil, err
	}
	if !s.Configured() {
		return nil, ErrNoKey
	}
	address, err := schematype.NormalizeEmail(c.Address)
	if err != nil || address == "" || len(address) > 254 {
		return nil, kith.Invalid("address", "enter the mailbox's email address, such as frontdesk@maple.example")
	}
	host := strings.Trim(strings.ToLower(strings.TrimSpace(c.Host)), "[]")
	if _, ipErr := netip.ParseAddr(host); host == "" || len(host) > 253 || strings.ContainsAny(host, " \t\r\n/@") ||
		(strings.Contains(host, ":") && ipErr != nil) {
		return nil, kith.Invalid("host", "enter the IMAP server's name, such as imap.example.com, without a port or scheme")
	}
	security := entmailbox.SecurityTLS
	if c.Security != nil {
		security = *c.Security
	}
	if err := entmailbox.SecurityValidator(security); err != nil {
		return nil, kith.Invalid("security", "choose TLS, STARTTLS or NONE")
	}
	if security == entmailbox.SecurityNone && !s.cfg.AllowInsecure {
		return nil, kith.Invalid("security", "this server does not send mailbox passwords unprotected: choose TLS or STARTTLS")
	}
	port := 993
	if security != entmailbox.SecurityTLS {
		port = 143
	}
	if c.Port != nil {
		port = *c.Port
	}
	if port < 1 || port > 65535 {
		return nil, kith.Invalid("port", "the port must be between 1 and 65535 (993 for TLS, 143 for STARTTLS)")
	}
	username := address
	if c.Username != nil && strings.TrimSpace(*c.Username) != "" {
		username = strings.TrimSpace(*c.Username)
	}
	if len(username) > 254 {
		return nil, kith.Invalid("username", "the username must be at most 254 characters")
	}
	if c.Password == "" {
		return nil, kith.Invalid("password", "enter the mailbox's password or app password")
	}
	if len(c.Password) > maxPassword {
		return nil, kith.Invalid("password", "the password must be at most 1,024 characters")
	}

	srv := s.server(host, port, security, username, c.Password)
	if err := mailbox.Check(ctx, srv); err != nil {
		return nil, connectError(err)
	}
	sent, err := mailbox.SentFolder(ctx, srv)
	if err != nil {
		return nil, connectError(err)
	}
	sealed, err := mailbox.Seal(s.cfg.Key, c.Password)
	if err != nil {
		return nil, fmt.Errorf("sealing the mailbox password: %w", err)
	}
	return transaction.Run(ctx, s.db, func(ctx context.Context, db *ent.Client) (*ent.Mailbox, error) {
		old, err := db.Mailbox.Query().Where(entmailbox.OrganizationID(st.OrgID), entmailbox.Address(address)).Only(ctx)
		switch {
		case ent.IsNotFound(err):
			return db.Mailbox.Create().SetAddress(address).SetHost(host).SetPort(port).SetSecurity(security).
				SetUsername(username).SetSecret(sealed).SetSentFolder(sent).SetConnectedByID(st.StaffID).Save(ctx)
		case err != nil:
			return nil, fmt.Errorf("finding the mailbox: %w", err)
		}
		return old.Update().SetHost(host).SetPort(port).SetSecurity(security).SetUsername(username).
			SetSecret(sealed).SetSentFolder(sent).SetActive(true).SetLastError("").ClearLastErrorAt().Save(ctx)
	})
}

// connectError turns a failed check into BAD_USER_INPUT on the field at
// fault: the password when sign-in is refused, the host otherwise. The
// sentence is mailbox's, which never holds the password or server text.
func connectError(err error) error {
	var me *mailbox.Error
	switch {
	case errors.Is(err, mailbox.ErrAuthFailed):
		return kith.Invalid("password", "%s", mailbox.ErrAuthFailed.Error())
	case errors.As(err, &me):
		return kith.Invalid("host", "%s", me.Error())
	default:
		return fmt.Errorf("checking the mailbox: %w", err) // the request's own end
	}
}

// DisconnectMailbox stops importing from mailbox id and wipes its sealed
// password, for owners only; its emails and where its import stopped stay.
func (s *Service) DisconnectMailbox(ctx context.Context, id pulid.ID) (*ent.Mailbox, error) {
	if _, err := owner(ctx); err != nil {
		return nil, err
	}
	return transaction.Run(ctx, s.db, func(ctx context.Context, db *ent.Client) (*ent.Mailbox, error) {
		m, err := db.Mailbox.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		return m.Update().SetActive(false).SetSecret([]byte{}).Save(ctx)
	})
}

// Mailboxes lists the organisation's mailboxes by address, for owners and
// admins (the Mailbox policy refuses others).
func (s *Service) Mailboxes(ctx context.Context) ([]*ent.Mailbox, error) {
	st, ok := viewer.StaffFromContext(ctx)
	switch {
	case !ok:
		if _, portal := viewer.PortalFromContext(ctx); portal {
			return nil, kith.ErrStaffOnly
		}
		return nil, kith.ErrForbidden
	case !st.CanAdminister():
		return nil, kith.ErrForbidden // owners and admins only
	}
	return transaction.Client(ctx, s.db).Mailbox.Query().Order(ent.Asc(entmailbox.FieldAddress)).All(ctx)
}

// owner is the viewer when it is an owner; otherwise ErrStaffOnly for the
// portal, ErrForbidden for other staff.
func owner(ctx context.Context) (viewer.Staff, error) {
	st, ok := viewer.StaffFromContext(ctx)
	switch {
	case !ok:
		if _, portal := viewer.PortalFromContext(ctx); portal {
			return st, kith.ErrStaffOnly
		}
		return st, kith.ErrUnauthenticated
	case st.Role != viewer.RoleOwner:
		return st, kith.ErrForbidden
	}
	return st, nil
}

// server is how to reach a mailbox, refusing internal addresses unless
// the service allows them.
func (s *Service) server(host string, port int, security entmailbox.Security, username, password string) mailbox.Server {
	srv := mailbox.Server{
		Host: host, Port: port, Security: mailbox.Security(security), Username: username, Password: password,
		TLSConfig: s.cfg.TLSConfig,
	}
	if !s.cfg.AllowPrivate {
		srv.Control = refuseInternal
	}
	return srv
}

// refuseInternal is netguard.Control, its refusal told as the mailbox
// error kith shows: the server name leads to an internal address.
func refuseInternal(network, address string, c syscall.RawConn) error {
	if err := netguard.Control(network, address, c); err != nil {
		return &mailbox.Error{Kind: mailbox.ErrUnreachable, Detail: "the server name leads to a private or internal network address, which kith does not connect to"}
	}
	return nil
}
