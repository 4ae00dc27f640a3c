package cardprocessor

// Card is a card the provider keeps for kith: the token kith charges it by
// and what a person needs to recognise it. Never a card number.
type Card struct {
	// Token charges the card again (ChargeRequest.Token).
	Token string
	// Brand is the card network, such as visa or mastercard.
	Brand string
	// Last4 are the last four digits of the card number.
	Last4 string
	// ExpMonth (1-12) and ExpYear (four digits) are when the card expires.
	ExpMonth, ExpYear int
}
