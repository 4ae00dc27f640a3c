// Package compose is what kith's messages say and who gets them, with no
// database and no queue: the recipient flag each kind of message follows,
// placeholders, templates and kith's default wording, rendering (text, HTML,
// SMS segments), the safe-link rule, reminder and quiet-hours times, and the
// plan of which recipient gets which copy on which channel. The kinds and
// channels themselves are schematype's (the schema stores them).
package compose

import "github.com/kith-health/kith/schematype"

// Flag says which recipient flag a kind follows.
type Flag int

// The recipient flags of seed 003.
const (
	// FlagNone: the message goes to one named person (invitations, sign-in codes, portal messages).
	FlagNone Flag = iota
	// FlagReminders: appointment reminders.
	FlagReminders
	// FlagConfirmations: confirmations, reschedule, cancellation and missed notices.
	FlagConfirmations
	// FlagScheduled: scheduled emails and SMS.
	FlagScheduled
)

// FlagOf returns the recipient flag that decides who receives messages of kind k.
func FlagOf(k schematype.MessageKind) Flag {
	switch k {
	case schematype.MessageKindReminder:
		return FlagReminders
	case schematype.MessageKindConfirmation, schematype.MessageKindReschedule, schematype.MessageKindCancellation, schematype.MessageKindMissed:
		return FlagConfirmations
	case schematype.MessageKindScheduled:
		return FlagScheduled
	default:
		return FlagNone
	}
}
