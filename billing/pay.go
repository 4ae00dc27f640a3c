package billing

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/invoice"
	entpayment "github.com/kith-health/kith/ent/payment"
	"github.com/kith-health/kith/payment"
	"github.com/kith-health/kith/portal"
	"github.com/kith-health/kith/pulid"
)

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
// through provider, in the transaction of db. A charge that succeeds makes
// a SUCCEEDED payment and marks the invoice PAID together; a declined card
// makes a FAILED payment with the provider's reason and leaves the invoice
// OPEN. Either is an answer, not an error. The invoice's row stays locked
// from before the charge to the end of the transaction, so two payments of
// one invoice cannot both charge; the provider is given the organisation's
// idempotency key, so a retry after a lost answer charges once.
func Pay(ctx context.Context, db *ent.Client, provider payment.Provider, r PayRequest) (*ent.Payment, error) {
	p, err := biller(ctx)
	if err != nil {
		return nil, err
	}
	if provider == nil {
		return nil, errNoProvider
	}
	key := strings.TrimSpace(r.IdempotencyKey)
	if err := kith.CheckKey(key); err != nil {
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

	// Lock the invoice while it is OPEN; then a payment with this key may
	// already exist (a retry), and is the answer.
	err = db.Invoice.UpdateOneID(inv.ID).Where(invoice.StatusEQ(invoice.StatusOpen)).Exec(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return nil, fmt.Errorf("paying invoice %s: %w", inv.Number, err)
	}
	if prev, perr := previous(ctx, db, inv, key, p.Email, card); perr != nil || prev != nil {
		return prev, perr
	}
	if err != nil { // not OPEN
		if inv, err = db.Invoice.Get(ctx, inv.ID); err != nil {
			return nil, notFoundAs("invoiceId", r.InvoiceID, err)
		}
		return nil, kith.Invalid("invoiceId", "invoice %s is already %s", inv.Number, strings.ToLower(string(inv.Status)))
	}

	charge, err := provider.Charge(ctx, payment.ChargeRequest{
		Amount: inv.TotalCents, Currency: inv.Currency, Token: token,
		IdempotencyKey: string(inv.OrganizationID) + ":" + key,
		Description:    "Invoice " + inv.Number,
	})
	create := db.Payment.Create().
		SetInvoiceID(inv.ID).SetClientID(inv.ClientID).
		SetAmountCents(inv.TotalCents).SetCurrency(inv.Currency).
		SetPaidBy(p.Email).SetIdempotencyKey(key)
	if p.ContactID != "" {
		create.SetContactID(p.ContactID)
	}
	if card != nil {
		create.SetCardBrand(card.Brand).SetCardLast4(card.Last4)
	}
	var declined *payment.DeclinedError
	switch {
	case errors.As(err, &declined):
		create.SetStatus(entpayment.StatusFailed).SetFailureReason(kith.Clip(declined.Reason, kith.MaxNoteLength)).SetProviderID(kith.Clip(declined.ProviderID, kith.MaxLineLength))
		if err := portal.Record(ctx, db, ActionPaymentDeclined, inv.Number, inv.ID); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, providerError(field, err)
	default:
		create.SetStatus(entpayment.StatusSucceeded).SetProviderID(kith.Clip(charge.ProviderID, kith.MaxLineLength))
	}
	// The payment comes first: a portal viewer may mark an invoice PAID only
	// once it has a succeeded payment (rule.AllowPortalPayInvoice).
	out, err := create.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("recording the payment of invoice %s: %w", inv.Number, err)
	}
	if out.Status == entpayment.StatusSucceeded {
		if err := db.Invoice.UpdateOneID(inv.ID).SetStatus(invoice.StatusPaid).Exec(ctx); err != nil {
			return nil, fmt.Errorf("marking invoice %s paid: %w", inv.Number, err)
		}
		if err := portal.Record(ctx, db, ActionInvoicePaid, inv.Number, inv.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
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
