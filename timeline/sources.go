package timeline

// A source is one branch of the timeline's UNION ALL: a SELECT of the
// columns at (when it happened), eid (the entry's ID, unique across
// sources), src (which source, so load knows how to read the row) and rid
// (the row's ID), with two ? placeholders, the organisation and the client,
// in that order. Every branch must filter by both.
type source struct {
	name string
	sql  string
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
)

// mirrored are the portal actions another source already shows (the
// appointment's own change, the form's submission, the payment), left out
// of the portal activity's branch so that nothing shows twice.
const mirrored = `'APPOINTMENT_BOOKED', 'APPOINTMENT_RESCHEDULED', 'APPOINTMENT_CANCELLED', 'FORM_SUBMITTED', 'INVOICE_PAID', 'PAYMENT_DECLINED'`

// sources are the timeline's branches. Add a capability's records here
// (and a case in load). Each branch is served by an index on
// (client_id, created_at) or (client_id), so a page reads few rows.
var sources = []source{
	{srcAppointment, `SELECT created_at AS at, id AS eid, '` + srcAppointment + `' AS src, id AS rid FROM appointment_changes WHERE organization_id = ? AND client_id = ?`},
	{srcMessage, `SELECT created_at, id, '` + srcMessage + `', id FROM notifications WHERE organization_id = ? AND client_id = ?`},
	{srcFormSent, `SELECT created_at, id || ':sent', '` + srcFormSent + `', id FROM forms WHERE organization_id = ? AND client_id = ?`},
	{srcFormSubmitted, `SELECT submitted_at, id || ':submitted', '` + srcFormSubmitted + `', id FROM forms WHERE organization_id = ? AND client_id = ? AND submitted_at IS NOT NULL`},
	{srcDocumentShared, `SELECT created_at, id, '` + srcDocumentShared + `', id FROM shared_documents WHERE organization_id = ? AND client_id = ?`},
	{srcPortal, `SELECT created_at, id, '` + srcPortal + `', id FROM portal_events WHERE organization_id = ? AND client_id = ? AND action NOT IN (` + mirrored + `)`},
	{srcPayment, `SELECT created_at, id, '` + srcPayment + `', id FROM payments WHERE organization_id = ? AND client_id = ?`},
}
