// Package message holds the vocabulary and wording of the messages kith sends:
// kinds, the recipient flag each kind follows, and the channels they travel
// by. It imports nothing of kith, so the data model can store these types.
package message

import (
	"fmt"
	"io"
	"slices"
	"strconv"
)

// Kind is a kind of message.
type Kind string

// The message kinds.
const (
	KindReminder         Kind = "REMINDER"
	KindConfirmation     Kind = "CONFIRMATION"
	KindReschedule       Kind = "RESCHEDULE"
	KindCancellation     Kind = "CANCELLATION"
	KindMissed           Kind = "MISSED"
	KindScheduled        Kind = "SCHEDULED"
	KindPortalInvitation Kind = "PORTAL_INVITATION"
	KindSignInCode       Kind = "SIGN_IN_CODE"
	// KindPortalMessage tells a client or contact that the practice wrote
	// to them in the portal; it never carries the message itself.
	KindPortalMessage Kind = "PORTAL_MESSAGE"
)

// Kinds lists every Kind.
var Kinds = []Kind{KindReminder, KindConfirmation, KindReschedule, KindCancellation, KindMissed, KindScheduled, KindPortalInvitation, KindSignInCode, KindPortalMessage}

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

// Flag returns the recipient flag that decides who receives messages of kind k.
func (k Kind) Flag() Flag {
	switch k {
	case KindReminder:
		return FlagReminders
	case KindConfirmation, KindReschedule, KindCancellation, KindMissed:
		return FlagConfirmations
	case KindScheduled:
		return FlagScheduled
	default:
		return FlagNone
	}
}

// IsValid reports whether k is a known kind.
func (k Kind) IsValid() bool { return slices.Contains(Kinds, k) }

// MarshalGQL implements graphql.Marshaler.
func (k Kind) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(k))) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (k *Kind) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	if !Kind(s).IsValid() {
		return fmt.Errorf("%v is not a valid MessageKind", v)
	}
	*k = Kind(s)
	return nil
}

// Channel is how a message travels.
type Channel string

// The channels.
const (
	ChannelEmail Channel = "EMAIL"
	ChannelSMS   Channel = "SMS"
)

// Channels lists every Channel.
var Channels = []Channel{ChannelEmail, ChannelSMS}

// IsValid reports whether c is a known channel.
func (c Channel) IsValid() bool { return slices.Contains(Channels, c) }

// MarshalGQL implements graphql.Marshaler.
func (c Channel) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(c))) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (c *Channel) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	if !Channel(s).IsValid() {
		return fmt.Errorf("%v is not a valid Channel", v)
	}
	*c = Channel(s)
	return nil
}
