package schematype

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kith-health/kith"
)

// Limits on what kith stores, in characters (runes), not bytes. ent/schema
// attaches them to every string field; domain packages check the free text
// they take that is no field (a search, a key) with the same functions.
const (
	// MaxKeyLength is the longest idempotency key, and the longest key or code a field keeps.
	MaxKeyLength = 255
	// MaxURLLength is the longest link kith keeps (telehealth links, documents).
	MaxURLLength = 2048
	// MaxSearchLength is the longest search query.
	MaxSearchLength = 200
	// MaxLineLength is the longest one-line text: a title, a reason, a provider's ID.
	MaxLineLength = 255
	// MaxNoteLength is the longest note or other long text, a provider's failure reason included.
	MaxNoteLength = 10_000
)

// RuleError is the rule a value broke, written as the end of a sentence
// that starts with the field's name: "must be at most 100 characters". The
// validators of ent/schema return it; FieldValidation completes the sentence.
type RuleError struct {
	// Rule is the end of the sentence.
	Rule string
}

// Error implements error.
func (e *RuleError) Error() string { return e.Rule }

func broke(format string, args ...any) *RuleError {
	return &RuleError{Rule: fmt.Sprintf(format, args...)}
}

// CheckText refuses text that is not valid UTF-8, holds a NUL character or
// is longer than limit characters. It returns nil or a *RuleError.
func CheckText(s string, limit int) error {
	if !utf8.ValidString(s) {
		return broke("must be valid UTF-8 text")
	}
	if strings.IndexByte(s, 0) >= 0 {
		return broke("must not contain a NUL character")
	}
	if n := utf8.RuneCountInString(s); n > limit {
		return broke("must be at most %d characters; this has %d", limit, n)
	}
	return nil
}

// CheckKey accepts an idempotency key or other caller-made key: 1 to
// MaxKeyLength printable characters (letters, digits, punctuation, spaces
// within). It returns nil or a *RuleError.
func CheckKey(s string) error {
	if s == "" {
		return broke("must not be empty: give 1 to %d characters, such as a UUID", MaxKeyLength)
	}
	if err := CheckText(s, MaxKeyLength); err != nil {
		return err
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return broke("must hold only printable characters, such as a UUID")
		}
	}
	return nil
}

// CheckHTTPSURL accepts an absolute https address with a host, of at most
// MaxURLLength characters, such as https://meet.example/room. It returns
// nil or a *RuleError.
func CheckHTTPSURL(s string) error { return CheckURL(s) }

// CheckURL is CheckHTTPSURL that also accepts the other schemes named
// (such as "http", for a portal served from http://127.0.0.1 in
// development): an absolute address with a host, no user, no space or
// control character, of at most MaxURLLength characters.
func CheckURL(s string, schemes ...string) error {
	if err := CheckText(s, MaxURLLength); err != nil {
		return err
	}
	u, err := url.Parse(s)
	if err != nil || u.Opaque != "" || u.Host == "" || u.Hostname() == "" || u.User != nil ||
		strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || r == '\\' }) ||
		!(strings.EqualFold(u.Scheme, "https") || slices.ContainsFunc(schemes, func(x string) bool { return strings.EqualFold(u.Scheme, x) })) {
		return broke("must be an absolute https address, such as https://meet.example/room")
	}
	return nil
}

// FieldValidation turns the failure of the ent field name (snake_case) into
// a kith.ValidationError on its GraphQL name with a sentence: the validator's
// own rule when it gave one (a *RuleError), "… is required" when the field
// is missing, else "… is not valid". ent's own wording never shows.
func FieldValidation(name string, err error) *kith.ValidationError {
	field := kith.CamelCase(name)
	var re *RuleError
	switch {
	case errors.As(err, &re):
		return &kith.ValidationError{Field: field, Message: field + " " + re.Rule}
	case err != nil && strings.Contains(err.Error(), "missing required"):
		return &kith.ValidationError{Field: field, Message: field + " is required"}
	case err != nil && strings.Contains(err.Error(), "invalid enum value"):
		return &kith.ValidationError{Field: field, Message: field + " is not one of its allowed values"}
	}
	return &kith.ValidationError{Field: field, Message: field + " is not valid"}
}

// Clip makes text that came from outside kith's API (a provider's reason or
// ID) fit a field's limit instead of failing the write that records it:
// invalid UTF-8 becomes U+FFFD, NUL characters are dropped, and text longer
// than limit characters is cut to limit-1 and ends with "…".
func Clip(s string, limit int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "")
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	runes := []rune(s)
	return string(runes[:limit-1]) + "…"
}

// ClipLine is Clip of s on one line: runs of white space, line breaks
// included, become one space (a title from a message's first words).
func ClipLine(s string, limit int) string {
	return Clip(strings.Join(strings.Fields(s), " "), limit)
}
