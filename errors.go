package kith

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kith-health/kith/pulid"
)

// ErrNotFound is returned when a record does not exist or belongs to another
// organisation; the two read exactly alike.
var ErrNotFound = errors.New("not found")

// ErrUnauthenticated is returned when a request needs a signed-in viewer and has none,
// or its credentials are wrong, expired or revoked.
var ErrUnauthenticated = errors.New("sign in first: the request has no valid credentials")

// ErrForbidden is returned when the viewer is signed in but its role does not allow the action.
var ErrForbidden = errors.New("your role does not allow this action")

// ErrStaffOnly is returned when a portal session asks for what only staff
// may do; ErrPortalOnly when staff ask for what only portal users do. Both
// are forbidden.
var (
	ErrStaffOnly  = errors.New("this is for the practice's staff: sign in as a staff member")
	ErrPortalOnly = errors.New("this is for the client portal: sign in with a portal session")
)

// ErrNotAPerson is returned when an API key asks for what only a person
// may do: their own profile (me), their session, their calls, exports and
// face sheets. It is forbidden.
var ErrNotAPerson = errors.New("an API key acts for the organisation, not a person")

// ErrSlotTaken is returned when a booking would overlap another appointment
// of the practitioner: someone else took the time first.
var ErrSlotTaken = errors.New("that time is no longer free: someone else booked it; pick another")

// ErrRateLimited is returned when a caller has made too many requests of a
// kind (sign-in codes, bookings) in a short time and must wait.
var ErrRateLimited = errors.New("too many requests: wait a few minutes and try again")

// ErrNotConfigured is returned when an action needs a setting this server
// was started without (such as KITH_MAILBOX_KEY for mailboxes); it is
// wrapped with a sentence naming the setting. Nothing the caller sends can
// change it: the server's operator must.
var ErrNotConfigured = errors.New("this server is not configured for that")

// ValidationError reports bad input on one field. Field is the GraphQL input
// path of the field at fault, such as "mobilePhone" or "contacts.1.email".
type ValidationError struct {
	Field   string
	Message string
}

// Error implements error.
func (e *ValidationError) Error() string { return e.Field + ": " + e.Message }

// Invalid returns a ValidationError for field with a formatted message.
func Invalid(field, format string, args ...any) *ValidationError {
	return &ValidationError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// ConflictError reports that the input would duplicate existing records.
// Candidates are the records it matches, for the caller to pick from.
type ConflictError struct {
	Field      string
	Message    string
	Candidates []pulid.ID
}

// Error implements error.
func (e *ConflictError) Error() string { return e.Message }

// WithFieldPrefix nests the field of a ValidationError, ConflictError or NotFoundError in err
// under prefix ("contacts.1" + "email" gives "contacts.1.email"). Other errors
// are returned unchanged.
func WithFieldPrefix(prefix string, err error) error {
	join := func(field string) string {
		if field == "" {
			return prefix
		}
		return prefix + "." + field
	}
	var ve *ValidationError
	if errors.As(err, &ve) {
		return &ValidationError{Field: join(ve.Field), Message: ve.Message}
	}
	var ce *ConflictError
	if errors.As(err, &ce) {
		return &ConflictError{Field: join(ce.Field), Message: ce.Message, Candidates: ce.Candidates}
	}
	var nf *NotFoundError
	if errors.As(err, &nf) {
		return &NotFoundError{Field: join(nf.Field), ID: nf.ID}
	}
	return err
}

// CamelCase turns an ent field name such as "mobile_phone" into its GraphQL
// name "mobilePhone", with the initialisms entgql keeps ("telehealth_url"
// gives "telehealthURL", "client_id" "clientID").
func CamelCase(name string) string {
	parts := strings.Split(name, "_")
	for i := 1; i < len(parts); i++ {
		switch p := parts[i]; {
		case initialisms[p]:
			parts[i] = strings.ToUpper(p)
		case p != "":
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, "")
}

// initialisms are the words entgql writes in capitals within a name.
var initialisms = map[string]bool{"id": true, "url": true, "uri": true, "html": true, "json": true, "ip": true, "uuid": true, "api": true, "http": true, "https": true}

// NotFoundError reports that an input field names a record that does not
// exist for the viewer. It matches ErrNotFound with errors.Is.
type NotFoundError struct {
	Field string
	ID    pulid.ID
}

// Error implements error.
func (e *NotFoundError) Error() string {
	return fmt.Sprintf("%s: there is no record with ID %q", e.Field, string(e.ID))
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }
