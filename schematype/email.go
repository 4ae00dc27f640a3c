package schematype

import (
	"errors"
	"net/mail"
	"strings"
)

// ErrEmail is returned for text that is not a single plain email address.
var ErrEmail = errors.New("is not a valid email address, such as name@example.com")

// NormalizeEmail returns raw trimmed and lower-cased, or ErrEmail when it is not
// one bare address ("Name <a@b>" and lists are refused).
func NormalizeEmail(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	addr, err := mail.ParseAddress(raw)
	if err != nil || addr.Address != raw || !strings.Contains(raw[strings.LastIndex(raw, "@")+1:], ".") {
		return "", ErrEmail
	}
	return strings.ToLower(raw), nil
}
