package healthcard

import "context"

// Card is a health card as a coverage record holds it, with what of its
// holder (the client) a format check compares it with.
type Card struct {
	// Region is the issuing province or territory as written (see ParseRegion).
	Region string
	// Number and Version are the card's number and version code, as written.
	Number, Version string
	// FirstName, LastName, DateOfBirth (YYYY-MM-DD, or empty) and Sex (free
	// text, or empty) are the client's: Québec's numbers are made from them.
	FirstName, LastName, DateOfBirth, Sex string
}

// Status is what a validation found.
type Status string

// What a validation may find. A card whose format is wrong is not a
// Status: it is refused (an error), and nothing is written.
const (
	// StatusValid: the card has its region's format and check digit, or
	// the eligibility service accepted it.
	StatusValid Status = "VALID"
	// StatusUnchecked: kith knows no format for the region, so the number
	// was stored as written, unchecked.
	StatusUnchecked Status = "UNCHECKED"
	// StatusNotEligible: the eligibility service says the card does not
	// cover the client now (expired, cancelled, someone else's).
	StatusNotEligible Status = "NOT_ELIGIBLE"
)

// MethodFormat is the Method of the format check.
const MethodFormat = "FORMAT"

// Result is a card's validation: the card as normalised (region as its
// code, number without spaces or dashes, version in capitals), what was
// found, by what, and a sentence for staff.
type Result struct {
	Region, Number, Version string
	Status                  Status
	// Method is MethodFormat, or the name of the eligibility service.
	Method string
	// Note says what was found in words, such as "kith knows no format for
	// the region Texas; the number was not checked".
	Note string
}

// Validator checks a health card. The format check (Format) is the default
// one; an online eligibility service implements Validator too and is
// attached to the database client (effect.Slot.SetHealthCardValidator).
// It returns a *kith.ValidationError on the field at fault for a card
// that cannot be right, which refuses the write, and a Result otherwise.
// It runs in the transaction of the write that asks for it: an online one
// must answer quickly (keep a short timeout on ctx) and must not write.
type Validator interface {
	Validate(ctx context.Context, c Card) (Result, error)
}

// Format is the Validator kith uses when no eligibility service is
// attached: the format of each province's and territory's numbers (Check).
type Format struct{}

// Validate implements Validator with Check.
func (Format) Validate(_ context.Context, c Card) (Result, error) { return Check(c) }
