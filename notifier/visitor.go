package notifier

import (
	"context"
	"fmt"

	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent/emailsuppression"
	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/notifier/provider"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
)

// VisitorCode is a one-time code for a visitor of the booking widget, who
// need not be a client yet: it proves the visitor reads the address before
// kith books with it.
type VisitorCode struct {
	// OrgID is the practice whose widget the visitor uses.
	OrgID pulid.ID
	// To is the email address.
	To string
	// FirstName and LastName fill the recipient placeholders.
	FirstName, LastName string
	// Code fills [SignInCode].
	Code string
}

// SendVisitorCode emails m's code with the organisation's sign-in code
// template (in its language), once the transaction in ctx (if any) commits,
// in the background. Unlike SendSecret it records no Notification, since
// the visitor is no client whose history could hold it; the code is never
// stored. An address that bounced before gets nothing.
func (q *Queue) SendVisitorCode(ctx context.Context, m VisitorCode) error {
	db := transaction.Client(ctx, q.db.Client)
	sys := systemIn(ctx, m.OrgID)
	org, err := db.Organization.Get(sys, m.OrgID)
	if err != nil {
		return fmt.Errorf("sending a booking code: %w", err)
	}
	bounced, err := db.EmailSuppression.Query().Where(emailsuppression.Email(m.To)).Exist(sys)
	if err != nil || bounced {
		return err
	}
	t, _, err := Effective(sys, db, org, schematype.MessageKindSignInCode, schematype.ChannelEmail, "")
	if err != nil {
		return err
	}
	v := compose.Occasion{Org: org}.Values(t.Language, q.cfg.Links)
	v["RecipientFirstName"] = m.FirstName
	v["RecipientLastName"] = m.LastName
	v["RecipientName"] = joinName(m.FirstName, m.LastName)
	v["SignInCode"] = m.Code
	r := t.Render(v)
	out := provider.Outgoing{
		MessageID: string(pulid.New("vc")), Channel: schematype.ChannelEmail, To: m.To, FromName: org.Name,
		Subject: r.Subject, HTML: r.HTML, Text: r.Text,
	}
	q.deliverAfterCommit(ctx, out, func(_ context.Context, r provider.Result) {
		if r.Err != nil {
			q.cfg.Logger.Error("sending a booking code", "error", r.Err)
		}
	})
	return nil
}
