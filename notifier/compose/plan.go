package compose

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kith-health/kith/ent/clientprofile"
	"github.com/kith-health/kith/link"
	"github.com/kith-health/kith/schematype"
)

// Preferences are the client's choices that decide how a message about the
// client travels. They apply to the client and to every linked contact alike.
type Preferences struct {
	// Method is the client's preferred contact method. The zero value, and any
	// value that is not EMAIL, SMS or BOTH, means the default (EMAIL).
	Method clientprofile.PreferredContactMethod
	// EmailConsent is whether the client has consented to email.
	EmailConsent bool
	// SMSConsent is whether the client has consented to SMS.
	SMSConsent bool
	// PhoneOptedOut reports whether a number (E.164) has opted out of SMS by
	// replying STOP. Nil means no number has.
	PhoneOptedOut func(e164 string) bool
	// EmailUndeliverable reports whether mail to an address has bounced. It is
	// given the address as stored (normally lower case). Nil means none has.
	EmailUndeliverable func(email string) bool
}

// Delivery is one copy of a message for one recipient on one channel, or the
// reason that copy is not sent.
type Delivery struct {
	// Recipient is who the copy is for.
	Recipient *link.Recipient
	// Channel is how the copy travels.
	Channel schematype.Channel
	// Address is the email address or E.164 number, empty when the recipient
	// has none for Channel.
	Address string
	// Skipped is true when the copy must not be sent; Reason says why.
	Skipped bool
	// Reason says, for people, why a skipped copy is not sent; empty otherwise.
	// It is one of the Reason constants or the text of [ReasonSameAddress].
	Reason string
}

// Why a [Delivery] is skipped. Compare Delivery.Reason with these; a copy
// skipped because another recipient already gets it has the text of
// [ReasonSameAddress] instead (see [Delivery.IsDuplicate]).
const (
	ReasonNoEmail          = "no email address"
	ReasonNoPhone          = "no mobile number"
	ReasonNoEmailConsent   = "the client has not consented to email"
	ReasonNoSMSConsent     = "the client has not consented to SMS"
	ReasonPhoneOptedOut    = "the number has opted out of SMS (STOP)"
	ReasonEmailBounced     = "the address bounced"
	reasonSameAddressStart = "same address as "
)

// ReasonSameAddress is the reason a copy is skipped because earlier already
// gets the same message at the same address, e.g. "same address as Alex Rivera".
func ReasonSameAddress(earlier *link.Recipient) string {
	return reasonSameAddressStart + audienceName(earlier)
}

// IsDuplicate reports whether d is skipped because an earlier recipient gets
// the same message at the same address.
func (d Delivery) IsDuplicate() bool {
	return d.Skipped && strings.HasPrefix(d.Reason, reasonSameAddressStart)
}

// String describes d for logs and test failures, e.g.
// "Alex Rivera (CLIENT) EMAIL alex@example.com" or
// "Sam Rivera (CONTACT) SMS skipped: no mobile number".
func (d Delivery) String() string {
	who := "<nil recipient>"
	if d.Recipient != nil {
		who = fmt.Sprintf("%s (%s)", audienceName(d.Recipient), d.Recipient.Kind)
	}
	s := who + " " + string(d.Channel)
	if d.Address != "" {
		s += " " + d.Address
	}
	if d.Skipped {
		s += " skipped: " + d.Reason
	}
	return s
}

// Plan decides who receives a message of kind and on which channel.
//
// Recipients are considered in order (the client first, as [link.Recipients]
// lists them). A recipient whose flag for FlagOf(kind) is off gets no Delivery
// at all: they chose not to receive this kind, so that is not a skip. For
// [FlagNone] kinds every recipient given is included; the caller passes only
// the named person.
//
// Every included recipient gets one Delivery per channel of prefs.Method, in
// method order (BOTH: email, then SMS). A Delivery is Skipped, with a Reason,
// on the first of these that applies:
//   - the recipient has no address for the channel ([ReasonNoEmail], [ReasonNoPhone]);
//   - the client has not consented to the channel ([ReasonNoEmailConsent], [ReasonNoSMSConsent]);
//   - the number has opted out ([ReasonPhoneOptedOut]) or the email bounced ([ReasonEmailBounced]);
//   - an earlier Delivery that is sent has the same channel and address
//     (emails compared case-insensitively, numbers ignoring spaces and
//     punctuation) ([ReasonSameAddress], naming that recipient).
//
// Only deliveries that are sent claim an address, so a duplicate's reason
// always names someone who does receive the message.
func Plan(kind schematype.MessageKind, recipients []*link.Recipient, prefs Preferences) []Delivery {
	flag := FlagOf(kind)
	channels := audienceChannels(prefs.Method)
	out := make([]Delivery, 0, len(recipients)*len(channels))
	type key struct {
		ch   schematype.Channel
		addr string
	}
	claimed := make(map[key]*link.Recipient)
	for _, r := range recipients {
		if r == nil || !audienceFollows(r, flag) {
			continue
		}
		for _, ch := range channels {
			d := Delivery{Recipient: r, Channel: ch}
			var norm string
			switch ch {
			case schematype.ChannelEmail:
				d.Address = trimmed(r.Email)
				norm = strings.ToLower(d.Address)
				switch {
				case d.Address == "":
					d.Reason = ReasonNoEmail
				case !prefs.EmailConsent:
					d.Reason = ReasonNoEmailConsent
				case prefs.EmailUndeliverable != nil && prefs.EmailUndeliverable(d.Address):
					d.Reason = ReasonEmailBounced
				}
			case schematype.ChannelSMS:
				d.Address = PhoneKey(trimmed(r.Phone))
				norm = d.Address
				switch {
				case d.Address == "":
					d.Reason = ReasonNoPhone
				case !prefs.SMSConsent:
					d.Reason = ReasonNoSMSConsent
				case prefs.PhoneOptedOut != nil && prefs.PhoneOptedOut(d.Address):
					d.Reason = ReasonPhoneOptedOut
				}
			}
			if d.Reason == "" {
				k := key{ch, norm}
				if earlier, ok := claimed[k]; ok {
					d.Reason = ReasonSameAddress(earlier)
				} else {
					claimed[k] = r
				}
			}
			d.Skipped = d.Reason != ""
			out = append(out, d)
		}
	}
	return out
}

// Explain is Plan's decision for one recipient r of recipients on channel,
// as previewMessage shows it: the Delivery Plan makes for r among all of
// recipients (so a copy skipped for an address an earlier recipient already
// gets says so), or, when Plan makes none, a skipped Delivery saying why:
// the client's preferred method does not include channel, or r's flag for
// kind is off ([ReasonFlagOff]). r must be one of recipients.
func Explain(kind schematype.MessageKind, recipients []*link.Recipient, prefs Preferences, r *link.Recipient, channel schematype.Channel) Delivery {
	for _, d := range Plan(kind, recipients, prefs) {
		if d.Recipient == r && d.Channel == channel {
			return d
		}
	}
	d := Delivery{Recipient: r, Channel: channel, Skipped: true, Reason: ReasonFlagOff}
	if !slices.Contains(audienceChannels(prefs.Method), channel) {
		d.Reason = ReasonNotPreferred(channel)
	}
	return d
}

// ReasonFlagOff is why a recipient does not get a kind of message it turned off.
const ReasonFlagOff = "this recipient does not receive this kind of message"

// ReasonNotPreferred is why nobody gets a message on a channel the client's
// preferred contact method leaves out.
func ReasonNotPreferred(channel schematype.Channel) string {
	return fmt.Sprintf("the client's preferred contact method does not include %s", channel)
}

// audienceChannels lists the channels of m in order; unknown methods mean the
// default, EMAIL.
func audienceChannels(m clientprofile.PreferredContactMethod) []schematype.Channel {
	switch m {
	case clientprofile.PreferredContactMethodSMS:
		return []schematype.Channel{schematype.ChannelSMS}
	case clientprofile.PreferredContactMethodBoth:
		return []schematype.Channel{schematype.ChannelEmail, schematype.ChannelSMS}
	default:
		return []schematype.Channel{schematype.ChannelEmail}
	}
}

// audienceFollows reports whether r's flag for f is on; every recipient follows FlagNone.
func audienceFollows(r *link.Recipient, f Flag) bool {
	switch f {
	case FlagReminders:
		return r.NotifyReminders
	case FlagConfirmations:
		return r.NotifyConfirmations
	case FlagScheduled:
		return r.NotifyScheduled
	default:
		return true
	}
}

// Addresses lists the numbers and email addresses of recipients as Plan
// compares them (numbers without spaces and punctuation, addresses in lower
// case), for reading which of them opted out or bounced.
func Addresses(recipients []*link.Recipient) (phones, emails []string) {
	for _, r := range recipients {
		if phone := PhoneKey(trimmed(r.Phone)); phone != "" {
			phones = append(phones, phone)
		}
		if email := strings.ToLower(trimmed(r.Email)); email != "" {
			emails = append(emails, email)
		}
	}
	return phones, emails
}

// trimmed is *s without surrounding space, "" for nil.
func trimmed(s *string) string {
	if s == nil {
		return ""
	}
	return strings.TrimSpace(*s)
}

// PhoneKey drops the spaces and punctuation people write in numbers, so
// "+1 (416) 555-0100" and "+14165550100" are the same address. Stored numbers
// are already E.164 and come back unchanged.
func PhoneKey(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '.', '(', ')', '\t':
			return -1
		}
		return r
	}, s)
}

// audienceName is r's name for people, falling back on its kind.
func audienceName(r *link.Recipient) string {
	if r == nil {
		return "another recipient"
	}
	if n := strings.TrimSpace(r.Name); n != "" {
		return n
	}
	if n := strings.TrimSpace(r.FirstName); n != "" {
		return n
	}
	if r.Kind == link.RecipientClient {
		return "the client"
	}
	return "a contact"
}
