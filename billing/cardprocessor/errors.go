package cardprocessor

import "errors"

// ErrInvalidToken is returned when a token names no card the provider
// knows: mistyped, used up, or from another provider account.
var ErrInvalidToken = errors.New("payment: the card token is not valid")

// DeclinedError reports that the provider refused a card.
type DeclinedError struct {
	// Code is the provider's short reason, such as insufficient_funds.
	Code string
	// Reason is a sentence the payer can act on.
	Reason string
	// ProviderID is the provider's reference for the refused charge, if any.
	ProviderID string
}

// Error implements error.
func (e *DeclinedError) Error() string { return "payment: card declined: " + e.Reason }
