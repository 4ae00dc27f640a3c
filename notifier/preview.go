package notifier

import (
	"context"
	"fmt"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/link"
	"github.com/kith-health/kith/message"
	"github.com/kith-health/kith/pulid"
)

// Preview is exactly what one recipient would receive.
type Preview struct {
	// Delivery says where it would go, or why it would not.
	Delivery Delivery
	// Template is the wording used, after language fallback.
	Template message.Template
	// Rendered is the message with every placeholder filled.
	Rendered message.Rendered
}

// PreviewMessage renders kind on channel for one recipient of an
// appointment: the client when contactID is nil, else that linked contact.
// A recipient whose flag for kind is off is previewed all the same, with the
// reason it would not receive the message.
func PreviewMessage(ctx context.Context, db *ent.Client, links Links, appointmentID pulid.ID, contactID *pulid.ID,
	kind message.Kind, channel message.Channel) (*Preview, error) {
	a, err := loadAppointment(ctx, db, appointmentID)
	if err != nil {
		return nil, &kith.NotFoundError{Field: "appointmentID", ID: appointmentID}
	}
	c := a.Edges.Client
	recipients := link.Recipients(c, c.Edges.ContactLinks)
	r := recipients[0]
	if contactID != nil {
		r = nil
		for _, candidate := range recipients[1:] {
			if candidate.Contact.ID == *contactID {
				r = candidate
			}
		}
		if r == nil {
			return nil, &kith.NotFoundError{Field: "contactID", ID: *contactID}
		}
	}
	org := c.Edges.Organization
	t, _, err := Effective(ctx, db, org, kind, channel, c.Language)
	if err != nil {
		return nil, err
	}
	occasion := Occasion{Org: org, Client: c, Appointment: a, Practitioner: a.Edges.Practitioner, Recipient: r}
	p := &Preview{Template: t, Rendered: t.Render(occasion.Values(t.Language, links))}
	p.Delivery = Delivery{Recipient: r, Channel: channel, Skipped: true, Reason: ReasonFlagOff}
	for _, d := range Plan(kind, []*link.Recipient{r}, preferencesOf(c)) {
		if d.Channel == channel {
			p.Delivery = d
		}
	}
	if p.Delivery.Reason == ReasonFlagOff && !channelOf(c, channel) {
		p.Delivery.Reason = fmt.Sprintf("the client's preferred contact method does not include %s", channel)
	}
	return p, nil
}

// ReasonFlagOff is why a recipient does not get a kind of message it turned off.
const ReasonFlagOff = "this recipient does not receive this kind of message"

// preferencesOf reads the client's contact method and consents.
// TODO(issue 3): opt-outs and bounces once the notifier records them.
func preferencesOf(c *ent.ClientProfile) Preferences {
	return Preferences{Method: c.PreferredContactMethod, EmailConsent: c.EmailConsent, SMSConsent: c.SmsConsent}
}

// channelOf reports whether the client's preferred method includes channel.
func channelOf(c *ent.ClientProfile, channel message.Channel) bool {
	for _, ch := range audienceChannels(c.PreferredContactMethod) {
		if ch == channel {
			return true
		}
	}
	return false
}
