// Package billing owns invoices, card payments and saved cards. Staff issue
// and void invoices; in the client portal, the client itself and contacts
// with the MANAGE_BILLING scope pay them and manage the client's saved
// cards. Money moves only through a cardprocessor.Provider, by token: kith never
// sees a card number. Who may read and write what is decided by the
// schemas' privacy rules (ent/schema, ent/rule); this package checks the
// scope again before it asks the provider anything.
package billing

import (
	"context"
	"errors"
	"fmt"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/billing/cardprocessor"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// Portal actions billing records in a client's portal activity.
const (
	ActionInvoicePaid     = "INVOICE_PAID"
	ActionPaymentDeclined = "PAYMENT_DECLINED"
	ActionCardAdded       = "CARD_ADDED"
	ActionCardRemoved     = "CARD_REMOVED"
)

// errNoProvider is the error of paying when no payment provider is wired.
var errNoProvider = errors.New("billing: no payment provider is configured")

// biller is the portal viewer in ctx. That it acts for a client is
// declared on the GraphQL fields (@portal(acting: true)), which answer the
// one acting-client error; whether it may manage the client's billing is
// the privacy rules' business: without MANAGE_BILLING, or acting for no
// client, the client's invoices and cards read as missing.
func biller(ctx context.Context) (viewer.Portal, error) {
	p, ok := viewer.PortalFromContext(ctx)
	if !ok {
		return viewer.Portal{}, kith.ErrUnauthenticated
	}
	if p.ClientID == "" { // a caller outside GraphQL: nothing to act on
		return viewer.Portal{}, kith.ErrNotFound
	}
	return p, nil
}

// notFoundAs reports a record the viewer cannot read as missing on field.
func notFoundAs(field string, id pulid.ID, err error) error {
	if ent.IsNotFound(err) {
		return &kith.NotFoundError{Field: field, ID: id}
	}
	return err
}

// systemIn is ctx acting as kith itself inside one organisation.
func systemIn(ctx context.Context, org pulid.ID) context.Context {
	return viewer.NewContext(ctx, viewer.System{OrgID: org})
}

// providerError turns what the provider said about a token into an error
// the payer can act on, on field; other errors pass through.
func providerError(field string, err error) error {
	var declined *cardprocessor.DeclinedError
	switch {
	case errors.As(err, &declined):
		return kith.Invalid(field, "the card was declined: %s; try another card", declined.Reason)
	case errors.Is(err, cardprocessor.ErrInvalidToken):
		return kith.Invalid(field, "the payment provider does not recognise this card; enter it again")
	default:
		return fmt.Errorf("asking the payment provider: %w", err)
	}
}
