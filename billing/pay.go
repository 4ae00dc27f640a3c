package billing

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/activity"
	"github.com/kith-health/kith/billing/cardprocessor"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/invoice"
	entpayment "github.com/kith-health/kith/ent/payment"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
)

// PendingLease is how long a PENDING payment is taken to be in the hands
// of the request that claimed it. Meanwhile another payment of its invoice
// (another idempotency key) is a ConflictError; after it, the payment was
// abandoned (its request crashed or gave up), and the next attempt to pay
// the invoice resumes it first.
const PendingLease = 2 * time.Minute

// PayRequest asks to pay an invoice in full by card.
type PayRequest struct {
	// InvoiceID is an OPEN invoice of the acting client.
	InvoiceID pulid.ID
	// CardID is a saved card to charge; or give Token.
	CardID pulid.ID
	// Token is a one-time card token from the provider's card form.
	Token string
	// IdempotencyKey is the payer's key for this attempt: the same key
	// never charges twice and returns the first answer.
	IdempotencyKey string
}

// Pay pays an invoice of the acting client as the portal viewer in ctx,
// through provider. db must be kith's client, not a transaction's: Pay
// commits in steps of its own, so that no transaction (on SQLite, the one
// write lock) is held while the provider is asked.
//
//  1. Claim: one short transaction, with the invoice locked, records a
//     PENDING payment with the payer's key. The same key again finds it
//     (or the answer it came to); while it is PENDING, a payment of the
//     invoice with another key is a ConflictError on invoiceId.
//  2. Charge: the provider is asked with no transaction open, with the
//     organisation's and the payment's key as its idempotency key, so that
//     asking again never charges twice.
//  3. Finish: one short transaction makes the payment SUCCEEDED and the
//     invoice PAID, or the payment FAILED (declined, with the provider's
//     reason; the invoice stays OPEN), with the portal activity of either.
//     Either is an answer, not an error.
//
// When the provider cannot be asked, or kith stops between the steps, the
// payment stays PENDING: a retry with the same key resumes it, asking the
// provider again with the same idempotency key; when nobody retries, the
// next attempt to pay the invoice after PendingLease resumes it first. A
// token the provider does not know charged nothing: its claim is removed.
func Pay(ctx context.Context, db *ent.Client, provider cardprocessor.Provider, r PayRequest) (*ent.Payment, error) {
	p, err := biller(ctx)
	if err != nil {
		return nil, err
	}
	if provider == nil {
		return nil, errNoProvider
	}
	key := strings.TrimSpace(r.IdempotencyKey)
	if err := schematype.CheckKey(key); err != nil {
		return nil, kith.Invalid("idempotencyKey", "idempotencyKey %v; make one per payment", err)
	}
	token, field := strings.TrimSpace(r.Token), "token"
	switch {
	case r.CardID == "" && token == "":
		return nil, kith.Invalid("cardId", "choose a saved card (cardId) or enter a card (token)")
	case r.CardID != "" && token != "":
		return nil, kith.Invalid("cardId", "give cardId or token, not both")
	}
	inv, err := db.Invoice.Get(ctx, r.InvoiceID)
	if err != nil {
		return nil, notFoundAs("invoiceId", r.InvoiceID, err)
	}
	var card *ent.SavedCard
	if r.CardID != "" {
		if card, err = db.SavedCard.Get(ctx, r.CardID); err != nil {
			return nil, notFoundAs("cardId", r.CardID, err)
		}
		token, field = card.ProviderToken, "cardId"
	}
	c := attempt{db: db, provider: provider, inv: inv, key: key, payer: p.Email, contact: p.ContactID, card: card, token: token}
	// A second round follows resuming an abandoned payment that failed.
	for range 2 {
		pending, done, err := c.claim(ctx)
		switch {
		case err != nil:
			return nil, err
		case done != nil:
			return c.answer(ctx, done)
		}
		out, err := c.charge(ctx, pending)
		switch {
		case errors.Is(err, cardprocessor.ErrInvalidToken) && pending.IdempotencyKey == key:
			return nil, providerError(field, err)
		case errors.Is(err, cardprocessor.ErrInvalidToken):
			continue // the abandoned payment charged nothing, and is gone
		case err != nil:
			return nil, providerError(field, err)
		case pending.IdempotencyKey == key:
			return c.answer(ctx, out)
		case out.Status == entpayment.StatusSucceeded:
			return nil, kith.Invalid("invoiceId", "invoice %s is already paid", inv.Number)
		}
	}
	return nil, inProgress(inv)
}

// inProgress is the CONFLICT of a payment of inv while another is PENDING.
func inProgress(inv *ent.Invoice) error {
	return &kith.ConflictError{Field: "invoiceId",
		Message: fmt.Sprintf("a payment of invoice %s is already in progress; wait a moment, then look at the invoice again", inv.Number)}
}

// attempt is one request to pay an invoice.
type attempt struct {
	db       *ent.Client
	provider cardprocessor.Provider
	inv      *ent.Invoice
	key      string
	payer    string
	contact  pulid.ID
	card     *ent.SavedCard // nil for a one-time card
	token    string         // what the provider charges
}

// claim is step 1: in a short transaction with the invoice locked, it
// finds the payment already made with the key (done, when finished), or the
// PENDING payment to charge: the key's, an abandoned one of the invoice, or
// a new one.
func (a *attempt) claim(ctx context.Context) (pending, done *ent.Payment, err error) {
	inv := a.inv
	err = step(ctx, a.db, func(ctx context.Context, tx *ent.Client) error {
		if err := transaction.LockInvoice(ctx, tx, inv.ID); err != nil {
			return fmt.Errorf("paying invoice %s: %w", inv.Number, err)
		}
		prev, err := previous(ctx, tx, inv, a.key, a.payer, a.card)
		switch {
		case err != nil:
			return err
		case prev != nil && prev.Status != entpayment.StatusPending:
			done = prev
			return nil
		case prev != nil:
			pending = prev
			return nil
		}
		now, err := tx.Invoice.Get(ctx, inv.ID)
		if err != nil {
			return notFoundAs("invoiceId", inv.ID, err)
		}
		if now.Status != invoice.StatusOpen {
			return kith.Invalid("invoiceId", "invoice %s is already %s", inv.Number, strings.ToLower(string(now.Status)))
		}
		other, err := tx.Payment.Query().
			Where(entpayment.InvoiceID(inv.ID), entpayment.StatusEQ(entpayment.StatusPending)).
			Order(entpayment.ByCreatedAt()).
			First(systemIn(ctx, inv.OrganizationID))
		switch {
		case err == nil && time.Since(other.CreatedAt) < PendingLease:
			return inProgress(inv)
		case err == nil:
			pending = other // abandoned: resume it before anything new
			return nil
		case !ent.IsNotFound(err):
			return fmt.Errorf("checking the payments of invoice %s: %w", inv.Number, err)
		}
		create := tx.Payment.Create().
			SetInvoiceID(inv.ID).SetClientID(inv.ClientID).
			SetAmountCents(inv.TotalCents).SetCurrency(inv.Currency).
			SetPaidBy(a.payer).SetIdempotencyKey(a.key).
			SetStatus(entpayment.StatusPending).SetChargeToken(a.token)
		if a.contact != "" {
			create.SetContactID(a.contact)
		}
		if a.card != nil {
			create.SetCardBrand(a.card.Brand).SetCardLast4(a.card.Last4)
		}
		if pending, err = create.Save(ctx); err != nil {
			return fmt.Errorf("claiming invoice %s for the payment: %w", inv.Number, err)
		}
		return nil
	})
	return pending, done, err
}

// charge is steps 2 and 3: it asks the provider for pending's charge, with
// no transaction open, and finishes the payment by the answer.
// ErrInvalidToken (nothing charged) removes the claim; any other error
// but a decline leaves it PENDING, to be resumed.
func (a *attempt) charge(ctx context.Context, pending *ent.Payment) (*ent.Payment, error) {
	token := pending.ChargeToken
	if token == "" {
		token = a.token // every claim keeps one; this is only a safeguard
	}
	charge, err := a.provider.Charge(ctx, cardprocessor.ChargeRequest{
		Amount: pending.AmountCents, Currency: pending.Currency, Token: token,
		IdempotencyKey: string(a.inv.OrganizationID) + ":" + pending.IdempotencyKey,
		Description:    "Invoice " + a.inv.Number,
	})
	// What the provider said is recorded even if the payer has gone.
	ctx = context.WithoutCancel(ctx)
	sys := systemIn(ctx, a.inv.OrganizationID)
	var declined *cardprocessor.DeclinedError
	switch {
	case errors.Is(err, cardprocessor.ErrInvalidToken):
		if derr := step(ctx, a.db, func(ctx context.Context, tx *ent.Client) error {
			return tx.Payment.DeleteOneID(pending.ID).Where(entpayment.StatusEQ(entpayment.StatusPending)).Exec(sys)
		}); derr != nil && !ent.IsNotFound(derr) {
			return nil, fmt.Errorf("removing the claim of a payment the provider refused: %w", derr)
		}
		return nil, err
	case err != nil && !errors.As(err, &declined):
		return nil, err
	}
	var out *ent.Payment
	err = step(ctx, a.db, func(ctx context.Context, tx *ent.Client) error {
		finish := tx.Payment.Update().
			Where(entpayment.ID(pending.ID), entpayment.StatusEQ(entpayment.StatusPending)).
			ClearChargeToken()
		if declined != nil {
			finish.SetStatus(entpayment.StatusFailed).
				SetFailureReason(schematype.Clip(declined.Reason, schematype.MaxNoteLength)).
				SetProviderID(schematype.Clip(declined.ProviderID, schematype.MaxLineLength))
		} else {
			finish.SetStatus(entpayment.StatusSucceeded).SetProviderID(schematype.Clip(charge.ProviderID, schematype.MaxLineLength))
		}
		n, err := finish.Save(sys)
		if err != nil {
			return fmt.Errorf("recording the payment of invoice %s: %w", a.inv.Number, err)
		}
		if out, err = tx.Payment.Get(sys, pending.ID); err != nil {
			return fmt.Errorf("reading the payment of invoice %s: %w", a.inv.Number, err)
		}
		switch {
		case n == 0: // another request finished it first
			return nil
		case declined != nil:
			return activity.Record(ctx, tx, ActionPaymentDeclined, a.inv.Number, a.inv.ID)
		}
		// The payment comes first: a portal viewer may mark an invoice PAID
		// only once it has a succeeded payment (rule.AllowPortalPayInvoice).
		if err := tx.Invoice.UpdateOneID(a.inv.ID).SetStatus(invoice.StatusPaid).Exec(ctx); err != nil {
			return fmt.Errorf("marking invoice %s paid: %w", a.inv.Number, err)
		}
		return activity.Record(ctx, tx, ActionInvoicePaid, a.inv.Number, a.inv.ID)
	})
	return out, err
}

// answer is payment p as the viewer reads it, outside the transactions
// that wrote it (its edges load through kith's client).
func (a *attempt) answer(ctx context.Context, p *ent.Payment) (*ent.Payment, error) {
	out, err := a.db.Payment.Get(ctx, p.ID)
	if err != nil {
		return nil, fmt.Errorf("reading the payment: %w", err)
	}
	return out, nil
}

// step runs f in a short transaction of its own (database.InTx; a
// payment's steps run outside any request's transaction, see ownSteps in
// graph), committed when f returns nil and rolled back otherwise.
func step(ctx context.Context, db *ent.Client, f func(context.Context, *ent.Client) error) error {
	_, err := transaction.Run(ctx, db, func(ctx context.Context, tx *ent.Client) (struct{}, error) {
		return struct{}{}, f(ctx, tx)
	})
	return err
}

// previous is the payment already made with key in inv's organisation,
// when it was the same payment (a retry: inv, by payer, with card, or with
// a one-time card when card is nil); nil when there is none. A key used for
// anything else is a ConflictError on idempotencyKey, as a booking's is.
func previous(ctx context.Context, db *ent.Client, inv *ent.Invoice, key, payer string, card *ent.SavedCard) (*ent.Payment, error) {
	prev, err := db.Payment.Query().Where(entpayment.IdempotencyKey(key)).Only(systemIn(ctx, inv.OrganizationID))
	switch {
	case ent.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("checking the idempotency key: %w", err)
	case prev.InvoiceID != inv.ID || !strings.EqualFold(prev.PaidBy, payer) || !sameCard(prev, card):
		return nil, &kith.ConflictError{Field: "idempotencyKey",
			Message: "this idempotency key was already used for another payment; make a new key for each payment"}
	}
	out, err := db.Payment.Get(ctx, prev.ID) // as the viewer: it may read it, as it reads the invoice
	if err != nil {
		return nil, fmt.Errorf("reading the earlier payment: %w", err)
	}
	return out, nil
}

// sameCard reports whether payment p was made with card (a one-time card,
// not saved, when card is nil), as far as the payment records it.
func sameCard(p *ent.Payment, card *ent.SavedCard) bool {
	if card == nil {
		return p.CardLast4 == "" && p.CardBrand == ""
	}
	return p.CardLast4 == card.Last4 && p.CardBrand == card.Brand
}
