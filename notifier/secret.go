package notifier

import (
	"context"
	"fmt"
	"time"

	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/clientprofile"
	"github.com/kith-health/kith/ent/emailsuppression"
	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/notifier/provider"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
)

// hiddenLink and hiddenCode stand in for a secret in the stored copy of a
// message.
const (
	hiddenLink = "(link hidden)"
	hiddenCode = "••••••"
)

// Secret is a portal email that carries a one-time secret to one address:
// an invitation's claim link or a sign-in code.
type Secret struct {
	// Kind is schematype.MessageKindPortalInvitation or schematype.MessageKindSignInCode.
	Kind schematype.MessageKind
	// ClientID is the client the message concerns; its message history
	// lists it.
	ClientID pulid.ID
	// ContactID is the contact the message goes to; empty for the client.
	ContactID pulid.ID
	// To is the email address.
	To string
	// FirstName and LastName fill the recipient placeholders.
	FirstName, LastName string
	// Language is the recipient's language; empty for the organisation's.
	Language string
	// Link fills [PortalLink] (empty unless compose.SafeLink allows it);
	// Code fills [SignInCode].
	Link, Code string
}

// SendSecret records m as a Notification whose stored content hides the
// secret, and, once the transaction in ctx (if any) commits, hands the real
// message to the email provider in the background. The viewer in ctx must
// see m's client. The secret is never written to the database, not even in
// a job, so it goes at most once: if the handover fails, or kith stops
// before it, the person asks for a new code or invitation. An address that
// bounced before is recorded as skipped.
func (q *Queue) SendSecret(ctx context.Context, m Secret) error {
	db := transaction.Client(ctx, q.db.Client)
	c, err := db.ClientProfile.Query().Where(clientprofile.ID(m.ClientID)).WithOrganization().Only(ctx)
	if err != nil {
		return fmt.Errorf("sending %s: %w", m.Kind, err)
	}
	org := c.Edges.Organization
	sys := systemIn(ctx, org.ID)
	t, _, err := Effective(sys, db, org, m.Kind, schematype.ChannelEmail, m.Language)
	if err != nil {
		return err
	}
	values := func(link, code string) compose.Values {
		v := compose.Occasion{Org: org, Client: c}.Values(t.Language, q.cfg.Links)
		v["RecipientFirstName"] = m.FirstName
		v["RecipientLastName"] = m.LastName
		v["RecipientName"] = joinName(m.FirstName, m.LastName)
		v["PortalLink"] = link
		v["SignInCode"] = code
		return v
	}
	link := q.cfg.Links.Safe(m.Link)
	shown := t.Render(values(hiddenIf(link, hiddenLink), hiddenIf(m.Code, hiddenCode)))
	bounced, err := db.EmailSuppression.Query().Where(emailsuppression.Email(m.To)).Exist(sys)
	if err != nil {
		return fmt.Errorf("checking the address: %w", err)
	}
	create := db.Notification.Create().
		SetClientID(c.ID).SetRecipientName(joinName(m.FirstName, m.LastName)).
		SetKind(m.Kind).SetChannel(schematype.ChannelEmail).SetAddress(m.To).
		SetSubject(shown.Subject).SetHTML(shown.HTML).SetText(shown.Text).
		SetSendAfter(time.Now().UTC())
	if m.ContactID != "" {
		create.SetContactID(m.ContactID)
	}
	if bounced {
		create.SetStatus(notification.StatusSkipped).SetReason(compose.ReasonEmailBounced)
	}
	n, err := create.Save(sys)
	if err != nil {
		return fmt.Errorf("recording %s: %w", m.Kind, err)
	}
	if bounced {
		return nil
	}
	real := t.Render(values(link, m.Code))
	out := provider.Outgoing{
		MessageID: string(n.ID), Channel: schematype.ChannelEmail, To: m.To, FromName: org.Name,
		Subject: real.Subject, HTML: real.HTML, Text: real.Text,
	}
	q.deliverAfterCommit(ctx, out, func(ctx context.Context, r provider.Result) {
		// In a transaction, so that its notification.sent or .failed event
		// is written with it.
		// ctx still carries the transaction that committed the notification.
		_, err := transaction.Run(transaction.Without(systemIn(ctx, "")), q.db.Client, func(ctx context.Context, db *ent.Client) (struct{}, error) {
			update := db.Notification.UpdateOneID(n.ID).AddAttempts(1)
			if r.Err != nil {
				update.SetStatus(notification.StatusFailed).SetReason(provider.FailureReason(r.Err)).SetFailedAt(time.Now().UTC())
			} else {
				update.SetStatus(notification.StatusSent).SetProviderID(schematype.Clip(r.Receipt.ProviderID, schematype.MaxLineLength)).SetSentAt(time.Now().UTC())
			}
			return struct{}{}, update.Exec(ctx)
		})
		if err != nil {
			q.cfg.Logger.Error("recording a portal email", "notification", n.ID, "error", err)
		}
	})
	return nil
}

// hiddenIf is hidden when secret is set, else empty.
func hiddenIf(secret, hidden string) string {
	if secret == "" {
		return ""
	}
	return hidden
}

// joinName is first and last name with one space between.
func joinName(first, last string) string {
	if last == "" {
		return first
	}
	return first + " " + last
}
