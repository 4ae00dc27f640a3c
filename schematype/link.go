package schematype

import (
	"fmt"
	"io"
	"slices"
	"strconv"
)

// ContactType is a role a contact plays for a client. A link holds a set of them.
type ContactType string

// The contact types of seed 000.
const (
	ContactTypeEmergency         ContactType = "EMERGENCY"
	ContactTypeBilling           ContactType = "BILLING"
	ContactTypeAdditionalAddress ContactType = "ADDITIONAL_ADDRESS"
	ContactTypeReferrer          ContactType = "REFERRER"
)

// ContactTypes lists every ContactType.
var ContactTypes = []ContactType{ContactTypeEmergency, ContactTypeBilling, ContactTypeAdditionalAddress, ContactTypeReferrer}

// MarshalGQL implements graphql.Marshaler.
func (t ContactType) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(t))) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (t *ContactType) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	if !slices.Contains(ContactTypes, ContactType(s)) {
		return fmt.Errorf("%v is not a valid ContactType", v)
	}
	*t = ContactType(s)
	return nil
}

// PortalScope is something a contact may do in the client portal for a client.
type PortalScope string

// The portal scopes of seed 003.
const (
	PortalScopeViewForms     PortalScope = "VIEW_FORMS"
	PortalScopeViewDocuments PortalScope = "VIEW_DOCUMENTS"
	PortalScopeManageBilling PortalScope = "MANAGE_BILLING"
	PortalScopeMessaging     PortalScope = "MESSAGING"
)

// PortalScopes lists every PortalScope.
var PortalScopes = []PortalScope{PortalScopeViewForms, PortalScopeViewDocuments, PortalScopeManageBilling, PortalScopeMessaging}

// MarshalGQL implements graphql.Marshaler.
func (s PortalScope) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(s))) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (s *PortalScope) UnmarshalGQL(v any) error {
	str, _ := v.(string)
	if !slices.Contains(PortalScopes, PortalScope(str)) {
		return fmt.Errorf("%v is not a valid PortalScope", v)
	}
	*s = PortalScope(str)
	return nil
}

// Dedupe returns items without repeats, in first-seen order.
func Dedupe[T comparable](items []T) []T {
	out := make([]T, 0, len(items))
	for _, it := range items {
		if !slices.Contains(out, it) {
			out = append(out, it)
		}
	}
	return out
}

// PortalStatus is where a client's or a contact's portal access stands.
type PortalStatus string

// Portal statuses: never invited, invited and not yet claimed, active (a
// contact with active access is a connection), revoked by staff.
const (
	PortalStatusNone    PortalStatus = "NONE"
	PortalStatusInvited PortalStatus = "INVITED"
	PortalStatusActive  PortalStatus = "ACTIVE"
	PortalStatusRevoked PortalStatus = "REVOKED"
)

// Values lists every PortalStatus, for ent's enum.
func (PortalStatus) Values() []string {
	return []string{string(PortalStatusNone), string(PortalStatusInvited), string(PortalStatusActive), string(PortalStatusRevoked)}
}

// MarshalGQL implements graphql.Marshaler.
func (s PortalStatus) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(s))) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (s *PortalStatus) UnmarshalGQL(v any) error {
	str, _ := v.(string)
	if !slices.Contains(s.Values(), str) {
		return fmt.Errorf("%v is not a valid PortalStatus", v)
	}
	*s = PortalStatus(str)
	return nil
}
