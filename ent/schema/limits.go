package schema

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"entgo.io/ent"

	"github.com/kith-health/kith"
	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/schematype"
)

// Limits of the fields, in characters (runes, not bytes). Every string field
// is attached one of the validators below with .Validate, never MaxLen
// (which would change column types), and says its limit in its Comment.
// Every validator also refuses invalid UTF-8 and the NUL character, which
// PostgreSQL cannot store; so both databases refuse alike, on every path
// (GraphQL, CLI, jobs).
const (
	maxName         = 100                      // a person's or a thing's name
	maxEmail        = 254                      // RFC 5321's longest address
	maxPhone        = 32                       // a phone number, as typed or in E.164
	maxLabel        = 100                      // a label, tag, relationship, pronouns
	maxShort        = schematype.MaxLineLength // a one-line text: a title, an alert, a reason, a location
	maxCode         = 64                       // a code or number: health card, case number, region, language, time zone
	maxNote         = schematype.MaxNoteLength // notes and other long text staff write
	maxSubject      = 255                      // an email subject
	maxBody         = 10_000                   // the text of a message or an SMS template
	maxHTML         = 100_000                  // an email template's HTML
	maxTemplateText = 20_000                   // an SMS template or an email's plain text
	maxRendered     = 1_000_000                // a message as sent: a template filled in
	maxKey          = schematype.MaxKeyLength
	maxURL          = schematype.MaxURLLength
	maxTags         = 50 // tags of a client
	maxPhones       = 10 // other phones of a client
	maxOrigins      = 20 // web origins that may embed the widget
	maxLeads        = 10 // reminder lead times
	maxSessions     = 1000
	maxCents        = 100_000_000  // 1,000,000.00 in a currency's units
	maxLeadMinutes  = 30 * 24 * 60 // a lead time: 30 days
	// maxFormReminderDelayHours caps formReminderDelayHours: 30 days.
	maxFormReminderDelayHours = 30 * 24
	// maxCallAutoCloseHours caps callAutoCloseHours: 30 days.
	maxCallAutoCloseHours = 30 * 24
)

// text is the validator of a string field of at most limit characters.
func text(limit int) func(string) error {
	return func(s string) error { return schematype.CheckText(s, limit) }
}

// requiredText is text that may not be empty or only spaces.
func requiredText(limit int) func(string) error {
	return func(s string) error {
		if strings.TrimSpace(s) == "" {
			return &schematype.RuleError{Rule: "is required: it may not be empty"}
		}
		return schematype.CheckText(s, limit)
	}
}

// httpsURL is the validator of a link: empty when optional is true, else an
// absolute https address with a host, of at most 2,048 characters.
func httpsURL(optional bool) func(string) error {
	return func(s string) error {
		if s == "" && optional {
			return nil
		}
		return schematype.CheckHTTPSURL(s)
	}
}

// key is the validator of an idempotency key: 1 to 255 printable characters.
func key(s string) error { return schematype.CheckKey(s) }

// between is the validator of an integer field from lo to hi.
func between(lo, hi int) func(int) error {
	return func(n int) error {
		if n < lo || n > hi {
			return &schematype.RuleError{Rule: fmt.Sprintf("must be from %d to %d, not %d", lo, hi, n)}
		}
		return nil
	}
}

// between64 is between for int64 fields.
func between64(lo, hi int64) func(int64) error {
	return func(n int64) error {
		if n < lo || n > hi {
			return &schematype.RuleError{Rule: fmt.Sprintf("must be from %d to %d, not %d", lo, hi, n)}
		}
		return nil
	}
}

// Bounds of the times and dates a client gives: an appointment, time off,
// a scheduled message's time or a due date lies between earliestTime and
// maxYearsAhead years from now; a date of birth between earliestBirth and today.
var (
	earliestTime  = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	earliestBirth = "1900-01-01"
)

const maxYearsAhead = 10

// checkInstant refuses a time outside [earliestTime, now + maxYearsAhead years].
func checkInstant(field string, t time.Time) error {
	if t.Before(earliestTime) || t.After(time.Now().AddDate(maxYearsAhead, 0, 0)) {
		return kith.Invalid(field, "%s must be between 2000-01-01 and %d years from now", field, maxYearsAhead)
	}
	return nil
}

// checkDate refuses a YYYY-MM-DD date outside the bounds of checkInstant.
func checkDate(field, d string) error {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return kith.Invalid(field, "%s must be a date written YYYY-MM-DD", field)
	}
	return checkInstant(field, t)
}

// checkTexts checks each of list against limit, naming the element at
// fault as field.N ("tags.3"), and refuses more than most elements.
func checkTexts(field string, list []string, limit, most int) error {
	if len(list) > most {
		return kith.Invalid(field, "%s may hold at most %d items, not %d", field, most, len(list))
	}
	for i, s := range list {
		if err := schematype.CheckText(s, limit); err != nil {
			at := fmt.Sprintf("%s.%d", field, i)
			return &kith.ValidationError{Field: at, Message: fmt.Sprintf("%s %v", at, err)}
		}
	}
	return nil
}

// checkOne is schematype.CheckText for the field named field, as a ValidationError.
func checkOne(field, s string, limit int) error {
	if err := schematype.CheckText(s, limit); err != nil {
		return &kith.ValidationError{Field: field, Message: fmt.Sprintf("%s %v", field, err)}
	}
	return nil
}

// checkAddress checks the lines of a postal address under field ("address").
func checkAddress(field string, a *schematype.Address) error {
	if a == nil {
		return nil
	}
	for _, l := range []struct {
		name  string
		value string
		limit int
	}{
		{"line1", a.Line1, 200}, {"line2", a.Line2, 200}, {"city", a.City, maxName},
		{"region", a.Region, maxName}, {"postalCode", a.PostalCode, 20}, {"country", a.Country, maxName},
	} {
		if err := checkOne(field+"."+l.name, l.value, l.limit); err != nil {
			return err
		}
	}
	return nil
}

// checkPhones checks a client's other phones: their labels and numbers.
func checkPhones(field string, phones []schematype.Phone) error {
	if len(phones) > maxPhones {
		return kith.Invalid(field, "%s may hold at most %d numbers, not %d", field, maxPhones, len(phones))
	}
	for i, p := range phones {
		at := fmt.Sprintf("%s.%d.", field, i)
		if err := checkOne(at+"label", p.Label, maxLabel); err != nil {
			return err
		}
		if err := checkOne(at+"number", p.Number, maxPhone); err != nil {
			return err
		}
	}
	return nil
}

// presentValidation turns ent's ValidationError, which a field's validator
// (or a missing required field) gives, into a kith.ValidationError on the
// field's GraphQL name with the validator's own sentence. It runs first, so
// the error is a kith one by the time a caller nests it under an input path
// (kith.WithFieldPrefix gives "contacts.0.contact.firstName").
func presentValidation() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			v, err := next.Mutate(ctx, m)
			var eve *gen.ValidationError
			if err != nil && errors.As(err, &eve) {
				var ve *kith.ValidationError
				if !errors.As(err, &ve) {
					return v, schematype.FieldValidation(eve.Name, eve.Unwrap())
				}
			}
			return v, err
		})
	}
}
