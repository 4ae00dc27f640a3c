package timeline

import (
	"fmt"
	"io"
	"strconv"
)

// Kind is what a timeline entry records (GraphQL's TimelineKind).
type Kind string

// Kinds of timeline entries.
const (
	KindAppointmentBooked      Kind = "APPOINTMENT_BOOKED"
	KindAppointmentRescheduled Kind = "APPOINTMENT_RESCHEDULED"
	KindAppointmentConfirmed   Kind = "APPOINTMENT_CONFIRMED"
	KindAppointmentCancelled   Kind = "APPOINTMENT_CANCELLED"
	KindAppointmentCompleted   Kind = "APPOINTMENT_COMPLETED"
	KindAppointmentMissed      Kind = "APPOINTMENT_MISSED"
	KindMessage                Kind = "MESSAGE"
	KindFormSent               Kind = "FORM_SENT"
	KindFormSubmitted          Kind = "FORM_SUBMITTED"
	KindFormWithdrawn          Kind = "FORM_WITHDRAWN"
	KindDocumentShared         Kind = "DOCUMENT_SHARED"
	KindDocumentViewed         Kind = "DOCUMENT_VIEWED"
	KindPortalActivity         Kind = "PORTAL_ACTIVITY"
	KindPayment                Kind = "PAYMENT"
	KindInvoiceIssued          Kind = "INVOICE_ISSUED"
	KindCall                   Kind = "CALL"
	KindEmail                  Kind = "EMAIL"
	KindSMS                    Kind = "SMS"
)

// MarshalGQL implements graphql.Marshaler.
func (k Kind) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(k))) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (k *Kind) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("a timeline kind is a string, not %T", v)
	}
	*k = Kind(s)
	return nil
}
