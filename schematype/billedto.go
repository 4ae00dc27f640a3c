package schematype

// BilledTo is whom an invoice is addressed to: a billing contact of the
// client as the contact stood when the invoice was issued. Later edits of
// the contact do not change it.
type BilledTo struct {
	// LinkID and ContactID are the link (lk…) the invoice was addressed
	// through and its contact (co…); the link may since have been removed.
	LinkID    string `json:"linkId"`
	ContactID string `json:"contactId"`
	// Name is the contact's first and last name.
	Name string `json:"name"`
	// OrganizationReference is the contact's reference at its
	// organisation, such as an employer's or insurer's account number.
	OrganizationReference string `json:"organizationReference,omitempty"`
	// Email is the contact's email address, if any.
	Email string `json:"email,omitempty"`
	// Address is the contact's postal address, if any.
	Address *Address `json:"address,omitempty"`
}
