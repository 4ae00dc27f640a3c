// Package portal owns the client portal's people: invitations to the portal,
// sign-in by email with one-time codes, sessions, and which clients a
// signed-in email may act for.
//
// Access is defined once, in accessStatement (access.go): the clients an
// email may act for in an organisation, as the client itself (its own
// portal access ACTIVE) or as a contact (the link ACTIVE, with its scopes
// and can-manage-appointments flag), archived clients left out; one row is
// an Access. Authenticate reads every Access of the session's person with
// the session, in one statement, makes the viewer.Portal the request runs
// as from the one it acts through (Access.Viewer), and keeps the list for
// the request (WithRequest), which the client switcher
// (portalViewer.clients, AccessesOf) answers from; Accesses reads them for
// sign-in. What a portal viewer then reads is
// decided by the privacy rules of package ent/rule from that viewer.Portal;
// that a GraphQL field needs an acting client at all is declared on the
// field, @portal(acting: true), and enforced by graph.
package portal

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/ratelimit"
	"github.com/kith-health/kith/viewer"
)

// Config tunes a Service.
type Config struct {
	// PublicURL is where the portal lives; invitation links point to
	// PublicURL/portal/claim?token=…. Default: none, and the link is the
	// bare token.
	PublicURL string
	// InvitationTTL is how long an invitation can be claimed. Default 72
	// hours (seed 004).
	InvitationTTL time.Duration
	// CodeTTL is how long a sign-in code works. Default 10 minutes.
	CodeTTL time.Duration
	// CodeAttempts is how many wrong tries void a sign-in code. Default 5.
	CodeAttempts int
	// SessionTTL is how long a portal session lasts. Default 7 days.
	SessionTTL time.Duration
	// EmailLimit caps sign-in code requests per address: a burst of
	// EmailLimit.Burst, then one per EmailLimit.Every. Default 5, then one
	// every 3 minutes.
	EmailLimit Limit
	// IPLimit caps sign-in requests and code checks per IP address.
	// Default 20, then one every 10 seconds.
	IPLimit Limit
	// Limits keeps the counts of EmailLimit and IPLimit: ratelimit.Open
	// shares them between the kith processes of one PostgreSQL database.
	// Default: a ratelimit.Memory of this Service's own.
	Limits ratelimit.Store
	// Now tells the time. Default time.Now.
	Now func() time.Time
}

// Limit is a token bucket: Burst requests at once, then one per Every.
type Limit = ratelimit.Limit

// Mailer sends the portal's emails; *notifier.Queue is one.
type Mailer interface {
	// SendSecret sends an invitation link or a sign-in code without
	// storing it.
	SendSecret(ctx context.Context, m notifier.Secret) error
}

// Service runs the portal's invitations, sign-ins and sessions.
type Service struct {
	db      *ent.Client
	mail    Mailer
	cfg     Config
	byEmail *ratelimit.Limiter
	byIP    *ratelimit.Limiter
}

// New returns a Service over db that sends its emails through mail.
func New(db *ent.Client, mail Mailer, cfg Config) *Service {
	if cfg.InvitationTTL == 0 {
		cfg.InvitationTTL = 72 * time.Hour
	}
	if cfg.CodeTTL == 0 {
		cfg.CodeTTL = 10 * time.Minute
	}
	if cfg.CodeAttempts == 0 {
		cfg.CodeAttempts = 5
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 7 * 24 * time.Hour
	}
	if cfg.EmailLimit == (Limit{}) {
		cfg.EmailLimit = Limit{Burst: 5, Every: 3 * time.Minute}
	}
	if cfg.IPLimit == (Limit{}) {
		cfg.IPLimit = Limit{Burst: 20, Every: 10 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Limits == nil {
		cfg.Limits = ratelimit.NewMemory()
	}
	return &Service{db: db, mail: mail, cfg: cfg,
		byEmail: ratelimit.New(cfg.Limits, "portal.email", cfg.EmailLimit),
		byIP:    ratelimit.New(cfg.Limits, "portal.ip", cfg.IPLimit)}
}

// client is the transaction's client in ctx, else the service's.
func (s *Service) client(ctx context.Context) *ent.Client {
	return transaction.Client(ctx, s.db)
}

// now is the current time in UTC.
func (s *Service) now() time.Time { return s.cfg.Now().UTC() }

// systemIn is ctx acting as kith itself inside one organisation.
func systemIn(ctx context.Context, org pulid.ID) context.Context {
	return viewer.NewContext(ctx, viewer.System{OrgID: org})
}

// newSecret returns a random token with prefix and its SHA-256 hash, the
// only form stored.
func newSecret(prefix string) (string, []byte, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, fmt.Errorf("making a token: %w", err)
	}
	secret := prefix + base64.RawURLEncoding.EncodeToString(raw)
	return secret, hash(secret), nil
}

// hash is the SHA-256 of a secret.
func hash(secret string) []byte {
	sum := sha256.Sum256([]byte(strings.TrimSpace(secret)))
	return sum[:]
}

// normalEmail is an email address as kith stores it.
func normalEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }
