package portal

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/pulid"
)

// VisitorMailer sends codes to visitors of the booking widget, who need not
// be clients; *notifier.Queue is one. A Service whose Mailer is not one
// cannot serve visitors.
type VisitorMailer interface {
	// SendVisitorCode emails a one-time code without storing it.
	SendVisitorCode(ctx context.Context, m notifier.VisitorCode) error
}

// errNoVisitorMailer says the Service was built without a VisitorMailer.
var errNoVisitorMailer = errors.New("portal: the mailer cannot send codes to visitors")

// RequestVisitorCode emails a one-time code to email, known to organisation
// orgSlug or not, so that a visitor of its booking widget proves the
// address is theirs before booking with it (VerifyVisitorCode). firstName
// and lastName greet them. The answer is the same whether or not the
// organisation or the email is known; requests are rate limited per
// address and per IP address like sign-in codes, and a new code voids the
// older ones.
//
// Visitor codes are sign-in codes: either proves the same thing, that the
// person reads the address, so a code asked for one purpose serves the
// other (a visitor with portal access may sign in with it).
func (s *Service) RequestVisitorCode(ctx context.Context, orgSlug, email, firstName, lastName, ip string) error {
	email = normalEmail(email)
	orgSlug = strings.ToLower(strings.TrimSpace(orgSlug))
	if !strings.Contains(email, "@") || strings.ContainsAny(email, " \t\n<>") {
		return kith.Invalid("email", "%q is not an email address", email)
	}
	if strings.TrimSpace(firstName) == "" {
		return kith.Invalid("firstName", "give your first name")
	}
	mail, ok := s.mail.(VisitorMailer)
	if !ok {
		return errNoVisitorMailer
	}
	now := s.now()
	org, err := s.codeRequest(ctx, orgSlug, email, ip, now)
	if err != nil || org == nil {
		return err
	}
	code, err := s.newSignInCode(ctx, org.ID, email, now)
	if err != nil {
		return err
	}
	m := notifier.VisitorCode{OrgID: org.ID, To: email, FirstName: strings.TrimSpace(firstName), LastName: strings.TrimSpace(lastName), Code: code}
	if err := mail.SendVisitorCode(systemIn(ctx, org.ID), m); err != nil {
		return fmt.Errorf("requesting a booking code: %w", err)
	}
	return nil
}

// VerifyVisitorCode checks the latest code sent to email in organisation
// orgSlug (by RequestVisitorCode or RequestSignIn) and uses it up, in the
// transaction in ctx: when the booking it allows fails, the transaction
// rolls back and the code still works. It returns the organisation. Every
// failure reads the same, like VerifySignIn's.
func (s *Service) VerifyVisitorCode(ctx context.Context, orgSlug, email, code, ip string) (pulid.ID, error) {
	return s.useCode(ctx, orgSlug, normalEmail(email), code, ip)
}
