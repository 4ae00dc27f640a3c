// Package auth owns staff credentials: password hashes, bearer tokens (random,
// stored only as a SHA-256 hash, expiring, revocable) and turning a token, or
// an organisation's API key (package apikey), into the viewer of a request.
package auth

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/apikey"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/organization"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/ent/stafftoken"
	"github.com/kith-health/kith/ratelimit"
	"github.com/kith-health/kith/viewer"
)

// tokenPrefix marks kith staff tokens, so a leaked one is easy to recognise.
const tokenPrefix = "kith_st_"

// MinPasswordLength is the shortest password kith accepts.
const MinPasswordLength = 10

// Config tunes Service.
type Config struct {
	// TokenTTL is how long a token works after sign-in. Default 12 hours.
	TokenTTL time.Duration
	// BcryptCost is the bcrypt work factor. Default bcrypt.DefaultCost (10).
	BcryptCost int
	// AccountLimit caps failed sign-ins per account: the organisation and
	// email asked for, whether or not they exist. Default DefaultAccountLimit.
	AccountLimit ratelimit.Limit
	// IPLimit caps failed sign-ins per client IP address. Default DefaultIPLimit.
	IPLimit ratelimit.Limit
	// Limits keeps the counts of AccountLimit and IPLimit: ratelimit.Open
	// shares them between the kith processes of one PostgreSQL database.
	// Default: a ratelimit.Memory of this Service's own.
	Limits ratelimit.Store
}

// DefaultAccountLimit lets one account fail to sign in 10 times at once,
// then once every 5 minutes (under 300 guesses a day): plenty for a person
// who mistypes, whatever their successes, and little for a guesser.
var DefaultAccountLimit = ratelimit.Limit{Burst: 10, Every: 5 * time.Minute}

// DefaultIPLimit lets one IP address fail to sign in 30 times at once, then
// once every 30 seconds: a practice's staff behind one address can mistype
// freely, and a guesser trying many accounts from it gets few tries.
var DefaultIPLimit = ratelimit.Limit{Burst: 30, Every: 30 * time.Second}

// Service signs staff in and authenticates their tokens.
type Service struct {
	client    *ent.Client
	compare   func(hash, password []byte) error // nil: bcrypt's; tests hold a sign-in in it
	cfg       Config
	dummyHash []byte // compared against when nobody matches, at the cost of real hashes
	byAccount *ratelimit.Limiter
	byIP      *ratelimit.Limiter
}

// New returns a Service over client.
func New(client *ent.Client, cfg Config) *Service {
	if cfg.TokenTTL == 0 {
		cfg.TokenTTL = 12 * time.Hour
	}
	if cfg.BcryptCost == 0 {
		cfg.BcryptCost = bcrypt.DefaultCost
	}
	if cfg.AccountLimit == (ratelimit.Limit{}) {
		cfg.AccountLimit = DefaultAccountLimit
	}
	if cfg.IPLimit == (ratelimit.Limit{}) {
		cfg.IPLimit = DefaultIPLimit
	}
	if cfg.Limits == nil {
		cfg.Limits = ratelimit.NewMemory()
	}
	raw := make([]byte, 16)
	_, _ = rand.Read(raw)
	dummy, err := bcrypt.GenerateFromPassword([]byte(base64.RawURLEncoding.EncodeToString(raw)), cfg.BcryptCost)
	if err != nil { // only for a cost outside bcrypt's range
		dummy, _ = bcrypt.GenerateFromPassword(raw, bcrypt.DefaultCost)
	}
	return &Service{
		client: client, cfg: cfg, dummyHash: dummy,
		byAccount: ratelimit.New(cfg.Limits, "signin.account", cfg.AccountLimit),
		byIP:      ratelimit.New(cfg.Limits, "signin.ip", cfg.IPLimit),
	}
}

// HashPassword returns the bcrypt hash of password, or a ValidationError on
// field "password" when it is too short or too long.
func (s *Service) HashPassword(password string) (string, error) {
	if len(password) < MinPasswordLength {
		return "", kith.Invalid("password", "must have at least %d characters", MinPasswordLength)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.cfg.BcryptCost)
	if errors.Is(err, bcrypt.ErrPasswordTooLong) {
		return "", kith.Invalid("password", "must have at most 72 bytes")
	}
	if err != nil {
		return "", fmt.Errorf("hashing password: %w", err)
	}
	return string(hash), nil
}

// HashIfSet is HashPassword for an optional password: nil stays nil.
func (s *Service) HashIfSet(password *string) (*string, error) {
	if password == nil {
		return nil, nil
	}
	hash, err := s.HashPassword(*password)
	if err != nil {
		return nil, err
	}
	return &hash, nil
}

// Token is a freshly issued bearer token. Secret is shown once and never stored.
type Token struct {
	Secret    string
	ExpiresAt time.Time
	Staff     *ent.Staff
}

// SignIn checks a staff member's password and issues a token. Any mismatch
// (organisation, email, password, inactive staff) is ErrUnauthenticated,
// so the answer does not tell which part was wrong, and costs the same
// bcrypt comparison. Failures are counted per account (organisation and
// email, known or not) and per ip; past either limit, sign-in is
// ErrRateLimited, whatever the password, until the limit refills.
// Successful sign-ins are not counted. The counts are kept in cfg.Limits;
// when they cannot be checked, sign-in fails (INTERNAL) rather than go
// uncounted.
func (s *Service) SignIn(ctx context.Context, orgSlug, email, password, ip string) (*Token, error) {
	orgSlug = strings.ToLower(strings.TrimSpace(orgSlug))
	email = strings.ToLower(strings.TrimSpace(email))
	now := time.Now()
	endIP, ok, err := s.byIP.Attempt(ctx, ip, now)
	if err != nil || !ok {
		return nil, cmp.Or(err, kith.ErrRateLimited)
	}
	endAccount, ok, err := s.byAccount.Attempt(ctx, orgSlug+"\x00"+email, now)
	if err != nil || !ok {
		endIP(now, false)
		return nil, cmp.Or(err, kith.ErrRateLimited)
	}
	tok, err := s.signIn(ctx, orgSlug, email, password)
	failed := errors.Is(err, kith.ErrUnauthenticated)
	done := time.Now()
	endIP(done, failed)
	endAccount(done, failed)
	return tok, err
}

// signIn reads the staff member outside the mutation's transaction and
// compares the password before anything is written, so that the slow
// bcrypt comparison holds no write lock; only the token row is written, in
// the transaction (which begins with it, see database.WithLazyTx).
func (s *Service) signIn(ctx context.Context, orgSlug, email, password string) (*Token, error) {
	sys := viewer.SystemContext(ctx)
	st, err := s.client.Staff.Query().
		Where(
			staff.HasOrganizationWith(organization.Slug(orgSlug)),
			staff.Email(email),
			staff.Active(true),
		).
		Only(sys)
	if err != nil && !ent.IsNotFound(err) {
		return nil, fmt.Errorf("signing in: %w", err)
	}
	hash := s.dummyHash
	if st != nil && st.PasswordHash != "" {
		hash = []byte(st.PasswordHash)
	}
	// Compare even when nobody matched, so timing does not reveal who exists;
	// staff without a password can only be given tokens (kith token).
	if s.comparePassword(hash, []byte(password)) != nil || st == nil || st.PasswordHash == "" {
		return nil, kith.ErrUnauthenticated
	}
	return s.Issue(ctx, st)
}

// comparePassword is bcrypt.CompareHashAndPassword, or the comparison a
// test put in its place.
func (s *Service) comparePassword(hash, password []byte) error {
	if s.compare != nil {
		return s.compare(hash, password)
	}
	return bcrypt.CompareHashAndPassword(hash, password)
}

// Issue mints a token for st without a password: for sign-in and the
// `kith token` command.
func (s *Service) Issue(ctx context.Context, st *ent.Staff) (*Token, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, fmt.Errorf("issuing token: %w", err)
	}
	secret := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	expires := time.Now().Add(s.cfg.TokenTTL).UTC()
	err := s.db(ctx).StaffToken.Create().
		SetOrganizationID(st.OrganizationID).
		SetStaffID(st.ID).
		SetTokenHash(hashToken(secret)).
		SetExpiresAt(expires).
		Exec(viewer.SystemContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("issuing token: %w", err)
	}
	return &Token{Secret: secret, ExpiresAt: expires, Staff: st}, nil
}

// Authenticate returns the staff viewer a token stands for, or
// ErrUnauthenticated when it is unknown, expired, revoked or its staff
// member is inactive. It costs one statement. An API key's secret
// (kith_ak_…) stands for its organisation with the key's role and no staff
// member (see authenticateKey).
func (s *Service) Authenticate(ctx context.Context, secret string) (viewer.Staff, error) {
	if strings.HasPrefix(secret, apikey.Prefix) {
		return s.authenticateKey(ctx, secret)
	}
	if !strings.HasPrefix(secret, tokenPrefix) {
		return viewer.Staff{}, kith.ErrUnauthenticated
	}
	hash := hashToken(secret)
	// One hand-written statement: ent's builder made this predicate (a
	// subquery) anew for every request, 7% of a small query's allocations.
	rows, err := s.client.QueryContext(ctx, tokenQuery, hash, time.Now(), true)
	if err != nil {
		return viewer.Staff{}, fmt.Errorf("authenticating: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return viewer.Staff{}, fmt.Errorf("authenticating: %w", err)
		}
		return viewer.Staff{}, kith.ErrUnauthenticated
	}
	var (
		v    = viewer.Staff{TokenHash: hash}
		role string
	)
	if err := rows.Scan(&v.StaffID, &v.OrgID, &role); err != nil {
		return viewer.Staff{}, fmt.Errorf("authenticating: %w", err)
	}
	v.Role = viewer.Role(role)
	return v, rows.Close()
}

// tokenQuery is Authenticate's statement: the active staff member of an
// unrevoked, unexpired token ($1 its hash, $2 now, $3 true), in the
// placeholders both PostgreSQL and SQLite read.
const tokenQuery = `SELECT s.id, s.organization_id, s.role FROM staff_tokens t JOIN staff s ON s.id = t.staff_id
	WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 AND s.active = $3`

// Revoke ends the token with the given hash at once.
func (s *Service) Revoke(ctx context.Context, tokenHash []byte) error {
	err := s.db(ctx).StaffToken.Update().
		Where(stafftoken.TokenHash(tokenHash)).
		SetRevokedAt(time.Now().UTC()).
		Exec(viewer.SystemContext(ctx))
	if err != nil {
		return fmt.Errorf("revoking token: %w", err)
	}
	return nil
}

// db returns the transaction's client when ctx carries one (a GraphQL
// mutation), so writes join it, and the service's client otherwise.
func (s *Service) db(ctx context.Context) *ent.Client {
	return transaction.Client(ctx, s.client)
}

func hashToken(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}
