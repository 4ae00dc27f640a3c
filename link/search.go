package link

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/contact"
	"github.com/kith-health/kith/ent/predicate"
	"github.com/kith-health/kith/schematype"
)

// SearchContacts finds the contacts a staff member may mean by query: every
// word in the first or last name, or the email, or the phone number compared
// by its digits (so "416-555-0100" finds "+14165550100"). Results are
// ordered by last name, then first name, at most limit of them.
//
// A query over schematype.MaxSearchLength characters, or with a NUL or invalid
// UTF-8, is a ValidationError on query.
func SearchContacts(ctx context.Context, c *ent.Client, query string, limit int) ([]*ent.Contact, error) {
	if err := schematype.CheckText(query, schematype.MaxSearchLength); err != nil {
		return nil, &kith.ValidationError{Field: "query", Message: "query " + err.Error()}
	}
	query = strings.TrimSpace(query)
	if query == "" {
		return []*ent.Contact{}, nil
	}
	var names []predicate.Contact
	for _, word := range strings.Fields(query) {
		names = append(names, contact.Or(contact.FirstNameContainsFold(word), contact.LastNameContainsFold(word)))
	}
	any := []predicate.Contact{contact.And(names...), contact.EmailContainsFold(query)}
	if digits := digitsOf(query); len(digits) >= 4 {
		any = append(any, contact.PhoneContains(digits))
	}
	found, err := c.Contact.Query().
		Where(contact.Or(any...)).
		Order(contact.ByLastName(), contact.ByFirstName(), contact.ByID()).
		Limit(limit).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("searching contacts: %w", err)
	}
	return found, nil
}

// digitsOf keeps the digits of s, dropping a leading trunk 0 that E.164 omits.
func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return strings.TrimLeft(b.String(), "0")
}
