package schematype

// Attachment is what kith keeps of a file attached to an email: its name,
// type and size. The file itself is never stored.
type Attachment struct {
	// Filename is the attachment's name, as the sender gave it.
	Filename string `json:"filename"`
	// ContentType is its MIME type, such as application/pdf.
	ContentType string `json:"contentType"`
	// Size is its size in bytes, decoded.
	Size int64 `json:"size"`
}

// MailboxCursor is where kith stopped importing one folder of a mailbox:
// the folder's UIDVALIDITY and the highest UID imported. A changed
// UIDVALIDITY means the server renumbered the folder: kith starts over,
// and the messages' IDs keep it from importing one twice.
type MailboxCursor struct {
	// UIDValidity is the folder's UIDVALIDITY when UID was read.
	UIDValidity uint32 `json:"uidValidity"`
	// UID is the highest UID imported.
	UID uint32 `json:"uid"`
}
