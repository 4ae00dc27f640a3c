package portal

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/organization"
	"github.com/kith-health/kith/ent/signincode"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// codeDigits is the length of a sign-in code.
const codeDigits = 6

// errWrongCode is the one answer to every code that does not sign in, so
// the answer does not tell which part was wrong.
var errWrongCode = kith.Invalid("code", "the code is wrong or has expired; ask for a new one")

// RequestSignIn emails a one-time sign-in code to email if it may act for
// any client of organisation orgSlug. The answer is the same whether or not
// the organisation or the email is known; too many requests for one
// address, or from one IP address, are ErrRateLimited whatever the address.
// A new code voids the older ones.
func (s *Service) RequestSignIn(ctx context.Context, orgSlug, email, ip string) error {
	email = normalEmail(email)
	orgSlug = strings.ToLower(strings.TrimSpace(orgSlug))
	if !strings.Contains(email, "@") {
		return kith.Invalid("email", "%q is not an email address", email)
	}
	now := s.now()
	org, err := s.codeRequest(ctx, orgSlug, email, ip, now)
	if err != nil || org == nil {
		return err
	}
	access, err := s.Accesses(ctx, org.ID, email)
	if err != nil || len(access) == 0 {
		return err
	}
	sys := systemIn(ctx, org.ID)
	code, err := s.newSignInCode(ctx, org.ID, email, now)
	if err != nil {
		return err
	}
	first := access[0]
	c, err := s.client(ctx).ClientProfile.Get(sys, first.ClientID)
	if err != nil {
		return fmt.Errorf("requesting a sign-in code: %w", err)
	}
	m := notifier.Secret{Kind: schematype.MessageKindSignInCode, ClientID: c.ID, To: email, Code: code, Language: c.Language}
	if first.AsClient() {
		m.FirstName, m.LastName = first.ClientFirstName, first.ClientLastName
	} else {
		co, err := s.client(ctx).Contact.Get(sys, first.ContactID)
		if err != nil {
			return fmt.Errorf("requesting a sign-in code: %w", err)
		}
		m.ContactID, m.FirstName, m.LastName = co.ID, co.FirstName, co.LastName
	}
	if err := s.mail.SendSecret(sys, m); err != nil {
		return fmt.Errorf("requesting a sign-in code: %w", err)
	}
	return nil
}

// codeRequest takes one code request for email from ip out of their rate
// limits (ErrRateLimited when there is none left, whatever the address)
// and returns the organisation of orgSlug, or nil when there is none: the
// caller then answers as if it had sent the code.
func (s *Service) codeRequest(ctx context.Context, orgSlug, email, ip string, now time.Time) (*ent.Organization, error) {
	if ok, err := s.byIP.Allow(ctx, ip, now); err != nil || !ok {
		return nil, cmp.Or(err, kith.ErrRateLimited)
	}
	if ok, err := s.byEmail.Allow(ctx, orgSlug+"/"+email, now); err != nil || !ok {
		return nil, cmp.Or(err, kith.ErrRateLimited)
	}
	org, err := s.client(ctx).Organization.Query().Where(organization.Slug(orgSlug)).Only(viewer.SystemContext(ctx))
	switch {
	case ent.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("requesting a code: %w", err)
	}
	return org, nil
}

// VerifySignIn checks the latest code sent to email in organisation
// orgSlug and starts a session. A code works once, until it expires, and
// not after CodeAttempts wrong tries; every failure reads the same.
func (s *Service) VerifySignIn(ctx context.Context, orgSlug, email, code, ip string) (*Session, error) {
	email = normalEmail(email)
	org, err := s.useCode(ctx, orgSlug, email, code, ip)
	if err != nil {
		return nil, err
	}
	if err := s.recordAll(ctx, org, email, ActionSignedIn); err != nil {
		return nil, err
	}
	return s.issue(ctx, org, email)
}

// newSignInCode voids the unused codes of email in org and stores a new
// one, which it returns.
func (s *Service) newSignInCode(ctx context.Context, org pulid.ID, email string, now time.Time) (string, error) {
	sys := systemIn(ctx, org)
	db := s.client(ctx)
	if err := db.SignInCode.Update().
		Where(signincode.Email(email), signincode.UsedAtIsNil()).
		SetUsedAt(now).Exec(sys); err != nil {
		return "", fmt.Errorf("voiding older codes: %w", err)
	}
	code, err := newCode()
	if err != nil {
		return "", err
	}
	id := pulid.New("sc")
	if err := db.SignInCode.Create().SetID(id).
		SetOrganizationID(org).SetEmail(email).
		SetCodeHash(codeHash(id, code)).SetExpiresAt(now.Add(s.cfg.CodeTTL)).
		Exec(sys); err != nil {
		return "", fmt.Errorf("making a code: %w", err)
	}
	return code, nil
}

// useCode checks the latest code sent to email (normalised) in
// organisation orgSlug and marks it used, in the transaction in ctx (a
// failed request leaves it usable). A code works once, until it expires,
// and not after CodeAttempts wrong tries; every failure reads the same. It
// returns the organisation.
func (s *Service) useCode(ctx context.Context, orgSlug, email, code, ip string) (pulid.ID, error) {
	orgSlug = strings.ToLower(strings.TrimSpace(orgSlug))
	now := s.now()
	if ok, err := s.byIP.Allow(ctx, ip, now); err != nil || !ok {
		return "", cmp.Or(err, kith.ErrRateLimited)
	}
	org, err := s.client(ctx).Organization.Query().Where(organization.Slug(orgSlug)).Only(viewer.SystemContext(ctx))
	switch {
	case ent.IsNotFound(err):
		return "", errWrongCode
	case err != nil:
		return "", fmt.Errorf("checking a sign-in code: %w", err)
	}
	sys := systemIn(ctx, org.ID)
	db := s.client(ctx)
	row, err := db.SignInCode.Query().
		Where(signincode.Email(email), signincode.UsedAtIsNil(), signincode.ExpiresAtGT(now), signincode.FailedAttemptsLT(s.cfg.CodeAttempts)).
		Order(ent.Desc(signincode.FieldCreatedAt)).
		First(sys)
	switch {
	case ent.IsNotFound(err):
		return "", errWrongCode
	case err != nil:
		return "", fmt.Errorf("checking a sign-in code: %w", err)
	}
	if subtle.ConstantTimeCompare(row.CodeHash, codeHash(row.ID, strings.TrimSpace(code))) != 1 {
		// Counted after the request's transaction ends, which this error rolls back.
		transaction.AfterEnd(ctx, func() {
			_ = s.db.SignInCode.UpdateOneID(row.ID).AddFailedAttempts(1).Exec(systemIn(context.WithoutCancel(ctx), org.ID))
		})
		return "", errWrongCode
	}
	n, err := db.SignInCode.Update().
		Where(signincode.ID(row.ID), signincode.UsedAtIsNil()).
		SetUsedAt(now).Save(sys)
	if err != nil {
		return "", fmt.Errorf("checking a sign-in code: %w", err)
	}
	if n == 0 {
		return "", errWrongCode // used by a concurrent request
	}
	return org.ID, nil
}

// newCode is a random code of codeDigits digits.
func newCode() (string, error) {
	limit := big.NewInt(1)
	for range codeDigits {
		limit.Mul(limit, big.NewInt(10))
	}
	n, err := rand.Int(rand.Reader, limit)
	if err != nil {
		return "", fmt.Errorf("making a sign-in code: %w", err)
	}
	return fmt.Sprintf("%0*d", codeDigits, n), nil
}

// codeHash is what is stored of a code: the SHA-256 of the code with its
// row's ID, so equal codes hash differently.
func codeHash(id pulid.ID, code string) []byte { return hash(string(id) + ":" + code) }
