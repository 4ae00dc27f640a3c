package schematype

import (
	"errors"
	"sync"
	"time"
	_ "time/tzdata" // time zones must load on images without /usr/share/zoneinfo

	"golang.org/x/text/language"
)

// ErrTimeZone is returned for a name that is not an IANA time zone.
var ErrTimeZone = errors.New("is not an IANA time zone name, such as America/Toronto")

// ErrLanguage is returned for text that is not a BCP 47 language tag.
var ErrLanguage = errors.New("is not a BCP 47 language tag, such as en or fr-CA")

// ErrDate is returned for a date not written as YYYY-MM-DD.
var ErrDate = errors.New("is not a date written as YYYY-MM-DD")

// ValidateTimeZone returns ErrTimeZone unless name is an IANA zone such as "Europe/Paris".
func ValidateTimeZone(name string) error {
	if name == "" || name == "Local" {
		return ErrTimeZone
	}
	if _, err := time.LoadLocation(name); err != nil {
		return ErrTimeZone
	}
	return nil
}

// NormalizeLanguage returns tag in canonical BCP 47 form ("fr-CA"), or ErrLanguage.
func NormalizeLanguage(tag string) (string, error) {
	t, err := language.Parse(tag)
	if err != nil || t == language.Und {
		return "", ErrLanguage
	}
	return t.String(), nil
}

// ValidateDate returns ErrDate unless s is a calendar date written YYYY-MM-DD.
func ValidateDate(s string) error {
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return ErrDate
	}
	return nil
}

var locations sync.Map // zone name → *time.Location

// Location returns the IANA zone name, loaded once; UTC when the name is unknown.
func Location(name string) *time.Location {
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	locations.Store(name, loc)
	return loc
}
