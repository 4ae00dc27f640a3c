package schematype

import "strings"

// Address is a postal address.
type Address struct {
	// Line1 is the street address.
	Line1 string `json:"line1,omitempty"`
	// Line2 is the apartment, suite or floor.
	Line2 string `json:"line2,omitempty"`
	// City is the city or town.
	City string `json:"city,omitempty"`
	// Region is the province, state or county.
	Region string `json:"region,omitempty"`
	// PostalCode is the postal or ZIP code.
	PostalCode string `json:"postalCode,omitempty"`
	// Country is the ISO 3166 country code, such as "CA".
	Country string `json:"country,omitempty"`
}

// IsZero reports whether a has no street address, city or postal code: nothing
// that could receive mail.
func (a *Address) IsZero() bool {
	return a == nil || strings.TrimSpace(a.Line1+a.City+a.PostalCode) == ""
}

// OneLine is a written on one line, its non-empty parts joined by commas:
// "40 King Street West, Suite 2, Toronto, ON, M5H 3Y2, CA". Empty for nil.
func (a *Address) OneLine() string {
	if a == nil {
		return ""
	}
	parts := make([]string, 0, 6)
	for _, p := range []string{a.Line1, a.Line2, a.City, strings.TrimSpace(a.Region + " " + a.PostalCode), a.Country} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}
