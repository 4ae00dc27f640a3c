// Package healthcard owns Canadian health card numbers: which province or
// territory issued a card (Region), the format each one's numbers have and
// the check digits of those that carry one (Format), and the Validator
// seam an online eligibility service plugs into.
//
// It imports nothing of kith but the shared errors, so ent/schema's hooks
// call it: `go list -deps ./ent/schema` may name it. What a check finds wrong
// is a *kith.ValidationError on healthCardNumber, healthCardVersion or
// region, with a sentence a person can act on.
package healthcard
