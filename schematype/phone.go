package schematype

import (
	"errors"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// ErrPhone is returned for a phone number that cannot be a real number.
var ErrPhone = errors.New("is not a valid phone number; write it with its country code, such as +1 416 555 0100")

// NormalizePhone returns raw in E.164 form ("+14165550100"). A number without a
// country code is read in region, an ISO 3166 code such as "CA".
func NormalizePhone(raw, region string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	num, err := phonenumbers.Parse(raw, strings.ToUpper(region))
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return "", ErrPhone
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

// ValidRegion reports whether region is a phone region kith can read numbers in.
func ValidRegion(region string) bool {
	_, ok := phonenumbers.GetSupportedRegions()[strings.ToUpper(region)]
	return ok
}

// Phone is one of a client's other phone numbers.
type Phone struct {
	// Label says what the number is, such as "home" or "work".
	Label string `json:"label,omitempty"`
	// Number is the number in E.164 form.
	Number string `json:"number"`
}
