package schematype

import (
	"fmt"
	"io"
	"slices"
	"strconv"
)

// MessageKind is a kind of message kith sends, as the Notification and
// MessageTemplate schemas store it. What each kind says, and who receives
// it, is package notifier/compose's.
type MessageKind string

// The message kinds.
const (
	MessageKindReminder         MessageKind = "REMINDER"
	MessageKindConfirmation     MessageKind = "CONFIRMATION"
	MessageKindReschedule       MessageKind = "RESCHEDULE"
	MessageKindCancellation     MessageKind = "CANCELLATION"
	MessageKindMissed           MessageKind = "MISSED"
	MessageKindScheduled        MessageKind = "SCHEDULED"
	MessageKindPortalInvitation MessageKind = "PORTAL_INVITATION"
	MessageKindSignInCode       MessageKind = "SIGN_IN_CODE"
	// MessageKindPortalMessage tells a client or contact that the practice
	// wrote to them in the portal; it never carries the message itself.
	MessageKindPortalMessage MessageKind = "PORTAL_MESSAGE"
	// MessageKindFormRequest tells a form's addressee that a form waits for
	// them in the portal, saying when it asks for a signature.
	MessageKindFormRequest MessageKind = "FORM_REQUEST"
	// MessageKindFormReminder reminds a form's addressee, once, of a form
	// still unsubmitted after the organisation's formReminderDelayHours.
	MessageKindFormReminder MessageKind = "FORM_REMINDER"
)

// MessageKinds lists every MessageKind.
var MessageKinds = []MessageKind{
	MessageKindReminder, MessageKindConfirmation, MessageKindReschedule, MessageKindCancellation, MessageKindMissed,
	MessageKindScheduled, MessageKindPortalInvitation, MessageKindSignInCode, MessageKindPortalMessage,
	MessageKindFormRequest, MessageKindFormReminder,
}

// IsValid reports whether k is a known kind.
func (k MessageKind) IsValid() bool { return slices.Contains(MessageKinds, k) }

// MarshalGQL implements graphql.Marshaler.
func (k MessageKind) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(k))) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (k *MessageKind) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	if !MessageKind(s).IsValid() {
		return fmt.Errorf("%v is not a valid MessageKind", v)
	}
	*k = MessageKind(s)
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
