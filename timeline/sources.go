package timeline

import "strings"

// A source is one branch of the timeline's UNION ALL: the rows of table
// (filtered by organisation and client, and by where when set) with at, the
// column of when it happened, and eid, the expression of the entry's ID
// (unique across sources). Each branch reads its newest rows first through
// the table's (client_id, created_at) index and stops at the page's size,
// so a page reads at most a page per source however long the client's
// history is.
type source struct {
	// src names the source in the rows read back, for load.
	src string
	// table is the table read.
	table string
	// at is the time column (indexed with client_id).
	at string
	// eid is the entry's ID, an expression over the row.
	eid string
	// where narrows the rows further, when set.
	where string
	// rid is the column of the record's ID, when not id.
	rid string
	// related, when set, narrows the rows to those a staff member who is
	// neither owner nor admin may read: each of its placeholders is the
	// staff member's ID. Hidden rows are never read, so neither the page's
	// cursor nor hasNextPage can tell of them.
	related string
}

// Sources of a timeline entry, as read back in src.
const (
	srcAppointment    = "APPOINTMENT"
	srcMessage        = "MESSAGE"
	srcFormSent       = "FORM_SENT"
	srcFormSubmitted  = "FORM_SUBMITTED"
	srcDocumentShared = "DOCUMENT_SHARED"
	srcPortal         = "PORTAL"
	srcPayment        = "PAYMENT"
	srcFormWithdrawn  = "FORM_WITHDRAWN"
	srcInvoice        = "INVOICE_ISSUED"
	srcCommunication  = "COMMUNICATION"
)

// mirrored are the portal actions another source already shows (the
// appointment's own change, the form's submission, the payment), left out
// of the portal activity's branch so that nothing shows twice.
const mirrored = `'APPOINTMENT_BOOKED', 'APPOINTMENT_RESCHEDULED', 'APPOINTMENT_CANCELLED', 'FORM_SUBMITTED', 'INVOICE_PAID', 'PAYMENT_DECLINED'`

// sources are the timeline's branches. Add a capability's records here
// (and a case in load, entry.go).
var sources = []source{
	{src: srcAppointment, table: "appointment_changes", at: "created_at", eid: "id"},
	// Sign-in codes are left out: one is sent at every portal sign-in, so
	// they would crowd the feed, and the sign-in itself shows (PORTAL).
	{src: srcMessage, table: "notifications", at: "created_at", eid: "id", where: "kind <> 'SIGN_IN_CODE'"},
	{src: srcFormSent, table: "forms", at: "created_at", eid: "id || ':sent'"},
	// Forms are few per client: submitted_at needs no index of its own.
	{src: srcFormSubmitted, table: "forms", at: "submitted_at", eid: "id || ':submitted'", where: "submitted_at IS NOT NULL"},
	// Nor does withdrawn_at (only staff's withdrawForm sets it).
	{src: srcFormWithdrawn, table: "forms", at: "withdrawn_at", eid: "id || ':withdrawn'", where: "withdrawn_at IS NOT NULL"},
	{src: srcDocumentShared, table: "shared_documents", at: "created_at", eid: "id"},
	{src: srcPortal, table: "portal_events", at: "created_at", eid: "id", where: "action NOT IN (" + mirrored + ")"},
	{src: srcPayment, table: "payments", at: "created_at", eid: "id"},
	{src: srcInvoice, table: "invoices", at: "created_at", eid: "id"},
	// The communications that concern the client for certain (a candidate,
	// a client of a contact linked to several, is not shown until staff
	// confirm it), through their parties' (client_id, occurred_at) index;
	// a communication concerns a client once. Other staff than owners and
	// admins read only the communications related to them, as
	// rule.RelatedToStaff says (every other source is read by all staff).
	{src: srcCommunication, table: "communication_parties", at: "occurred_at", eid: "communication_id", rid: "communication_id",
		where: "candidate = false", related: relatedCommunication},
}

// relatedCommunication is rule.RelatedToStaff in SQL: the communication
// has a party (certain or candidate) that is the staff member, or a client
// assigned to it. Its placeholders are the staff member's ID, twice.
const relatedCommunication = "communication_id IN (SELECT p.communication_id FROM communication_parties p" +
	" WHERE p.staff_id = ? OR p.client_id IN (SELECT a.client_profile_id FROM staff_assigned_clients a WHERE a.staff_id = ?))"

// relatedArgs is how many placeholders s's related condition has.
func (s source) relatedArgs() int { return strings.Count(s.related, "?") }

// branch is the SELECT of s for a page of limit rows, after a cursor when
// after, narrowed by s.related when related: its placeholders are the
// organisation, the client, then (related) the staff member's ID
// relatedArgs times, then (after) the cursor's time twice and its entry ID,
// then the limit.
func (s source) branch(after, related bool) string {
	rid := s.rid
	if rid == "" {
		rid = "id"
	}
	q := "SELECT " + s.at + " AS at, " + s.eid + " AS eid, '" + s.src + "' AS src, " + rid + " AS rid FROM " + s.table +
		" WHERE organization_id = ? AND client_id = ?"
	if s.where != "" {
		q += " AND " + s.where
	}
	if related && s.related != "" {
		q += " AND " + s.related
	}
	if after {
		// at <= first, so that the index's range stops at the cursor.
		q += " AND " + s.at + " <= ? AND (" + s.at + " < ? OR " + s.eid + " < ?)"
	}
	return "SELECT * FROM (" + q + " ORDER BY " + s.at + " DESC, " + s.eid + " DESC LIMIT ?) b"
}
