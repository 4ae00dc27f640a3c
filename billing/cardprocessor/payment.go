// Package cardprocessor is kith's side of a card payment provider. kith never sees
// or stores card numbers: the payer's browser hands the card to the provider,
// which answers with a token, and kith charges, saves and deletes cards only
// through that token. A Provider is the one seam to a real provider (Stripe
// and the like); package testprovider is a deterministic one for tests and
// sandboxes.
package cardprocessor

import "context"

// Provider charges cards and keeps reusable cards, all by token.
type Provider interface {
	// Charge takes r.Amount from the card of r.Token. It is a *DeclinedError
	// when the card is refused, ErrInvalidToken when the token names no card,
	// and any other error when the provider could not be asked. A second
	// request with the same IdempotencyKey returns the first one's result
	// without charging again.
	Charge(ctx context.Context, r ChargeRequest) (Charge, error)
	// SaveCard turns a one-time token into a card that can be charged again,
	// and describes it. It is ErrInvalidToken when the token names no card,
	// and a *DeclinedError when the provider will not keep it.
	SaveCard(ctx context.Context, token string) (Card, error)
	// DeleteCard forgets a saved card at the provider. Forgetting a card it
	// does not know is no error.
	DeleteCard(ctx context.Context, token string) error
}

// ChargeRequest asks a Provider for money.
type ChargeRequest struct {
	// Amount is in the currency's smallest unit (cents).
	Amount int
	// Currency is an ISO 4217 code such as CAD.
	Currency string
	// Token is a one-time card token or a saved card's token.
	Token string
	// IdempotencyKey makes retries safe: the provider charges once per key.
	IdempotencyKey string
	// Description appears on the provider's records, such as "Invoice INV-0001".
	Description string
}

// Status is where a charge stands.
type Status string

// Charge statuses.
const (
	StatusSucceeded Status = "SUCCEEDED"
	StatusFailed    Status = "FAILED"
)

// Charge is the provider's answer to a ChargeRequest.
type Charge struct {
	// ProviderID is the provider's reference for the charge.
	ProviderID string
	// Status is StatusSucceeded for money taken.
	Status Status
}
