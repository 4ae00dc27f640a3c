// Package pulid owns kith's global identifiers: a short type prefix followed
// by a ULID, such as "cl01JD7Y6Q5W0G8V3A9N2B4C6D8E". The prefix tells which
// kind of record an ID names, so `node(id:)` needs no lookup table, and the
// ULID makes IDs unguessable and sortable by creation time.
package pulid

import (
	"crypto/rand"
	"database/sql/driver"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"
)

// PrefixLen is the length of every ID's type prefix.
const PrefixLen = 2

// Len is the length of every ID New gives out: its prefix and a ULID.
const Len = PrefixLen + ulid.EncodedSize

// ID is a prefixed ULID. It is stored as text and travels in GraphQL as ID.
type ID string

var (
	entropyMu sync.Mutex
	entropy   = ulid.Monotonic(rand.Reader, 0)
)

// New returns a new ID with the given two-letter prefix.
func New(prefix string) ID {
	if len(prefix) != PrefixLen {
		panic(fmt.Sprintf("pulid: prefix %q must have %d characters", prefix, PrefixLen))
	}
	entropyMu.Lock()
	id := ulid.MustNew(ulid.Timestamp(time.Now()), entropy)
	entropyMu.Unlock()
	return ID(prefix + id.String())
}

// Prefix returns the type prefix of id, or "" when id is too short to have one.
func (id ID) Prefix() string {
	if len(id) <= PrefixLen {
		return ""
	}
	return string(id[:PrefixLen])
}

// WellFormed reports whether id is shaped like an ID New gives out: two
// lower-case ASCII letters, then a ULID in upper-case Crockford base32
// (whose first character is at most 7). It says nothing of whether the
// record exists.
func (id ID) WellFormed() bool {
	if len(id) != Len {
		return false
	}
	for i := range PrefixLen {
		if id[i] < 'a' || id[i] > 'z' {
			return false
		}
	}
	for i := PrefixLen; i < Len; i++ {
		if !strings.ContainsRune(crockford, rune(id[i])) {
			return false
		}
	}
	return id[PrefixLen] <= '7'
}

// crockford is the alphabet of a ULID.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// UnmarshalGQL implements graphql.Unmarshaler.
func (id *ID) UnmarshalGQL(v any) error {
	switch s := v.(type) {
	case string:
		*id = ID(s)
	case ID:
		*id = s
	default:
		return fmt.Errorf("an ID must be a string, not %T", v)
	}
	return nil
}

// MarshalGQL implements graphql.Marshaler.
func (id ID) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(string(id)))
}

// Scan implements sql.Scanner.
func (id *ID) Scan(src any) error {
	switch v := src.(type) {
	case string:
		*id = ID(v)
	case []byte:
		*id = ID(v)
	case nil:
		*id = "" // an optional reference that is not set
	default:
		return fmt.Errorf("pulid: cannot scan %T", src)
	}
	return nil
}

// Value implements driver.Valuer.
func (id ID) Value() (driver.Value, error) { return string(id), nil }
