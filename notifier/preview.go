package notifier

import (
	"context"
	"fmt"
	"strings"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/emailsuppression"
	"github.com/kith-health/kith/ent/phoneoptout"
	"github.com/kith-health/kith/link"
	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
)

// Preview is exactly what one recipient would receive.
type Preview struct {
	// Delivery says where it would go, or why it would not.
	Delivery compose.Delivery
	// Template is the wording used, after language fallback.
	Template compose.Template
	// Rendered is the message with every placeholder filled.
	Rendered compose.Rendered
}

// PreviewMessage renders kind on channel for one recipient of an
// appointment: the client when contactID is nil, else that linked contact.
// Whether and where it would go is what sending decides (compose.Explain over all
// of the client's recipients, as record plans them): a recipient whose flag
// for kind is off, or whose address an earlier recipient already gets, is
// previewed all the same, with the reason it would not receive the message.
func PreviewMessage(ctx context.Context, db *ent.Client, links compose.Links, appointmentID pulid.ID, contactID *pulid.ID,
	kind schematype.MessageKind, channel schematype.Channel) (*Preview, error) {
	a, err := loadAppointment(ctx, db, appointmentID)
	if err != nil {
		return nil, &kith.NotFoundError{Field: "appointmentID", ID: appointmentID}
	}
	c := a.Edges.Client
	recipients, prefs, err := loadAudience(ctx, db, c)
	if err != nil {
		return nil, err
	}
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
	occasion := compose.Occasion{Org: org, Client: c, Appointment: a, Practitioner: a.Edges.Practitioner, Recipient: r}
	p := &Preview{Template: t, Rendered: t.Render(occasion.Values(t.Language, links))}
	// The planner that sends decides, over every recipient of the client.
	p.Delivery = compose.Explain(kind, recipients, prefs, r, channel)
	return p, nil
}

// loadAudience reads who messages about c can reach and how: its
// recipients in order (the client, then its contacts) and its preferences.
// Sending (record) and previews (PreviewMessage) both plan from it. c needs
// its contact links and their contacts loaded (withAudience).
func loadAudience(ctx context.Context, db *ent.Client, c *ent.ClientProfile) ([]*link.Recipient, compose.Preferences, error) {
	prefs, err := loadPreferences(ctx, db, c)
	if err != nil {
		return nil, prefs, err
	}
	return link.Recipients(c, c.Edges.ContactLinks), prefs, nil
}

// loadPreferences reads the client's contact method and consents, and which
// of its recipients' numbers opted out and which of their addresses bounced:
// one query for each, however many recipients there are. c needs its
// contact links and their contacts loaded to cover them.
func loadPreferences(ctx context.Context, db *ent.Client, c *ent.ClientProfile) (compose.Preferences, error) {
	prefs, err := loadPreferencesOf(ctx, db, c.OrganizationID, []*ent.ClientProfile{c})
	if err != nil {
		return compose.Preferences{}, err
	}
	return prefs[c.ID], nil
}

// loadPreferencesOf is loadPreferences for clients cs of one organisation,
// orgID, by client ID: one query for the opted-out numbers and one for the
// bounced addresses of all their recipients together.
func loadPreferencesOf(ctx context.Context, db *ent.Client, orgID pulid.ID, cs []*ent.ClientProfile) (map[pulid.ID]compose.Preferences, error) {
	var phones, emails []string
	for _, c := range cs {
		p, e := compose.Addresses(link.Recipients(c, c.Edges.ContactLinks))
		phones, emails = append(phones, p...), append(emails, e...)
	}
	var optedOut, undeliverable func(string) bool
	if len(phones) > 0 {
		out, err := db.PhoneOptOut.Query().
			Where(phoneoptout.OrganizationID(orgID), phoneoptout.PhoneIn(phones...)).
			Select(phoneoptout.FieldPhone).Strings(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading opted-out numbers: %w", err)
		}
		set := setOf(out)
		optedOut = func(phone string) bool { return set[compose.PhoneKey(phone)] }
	}
	if len(emails) > 0 {
		out, err := db.EmailSuppression.Query().
			Where(emailsuppression.OrganizationID(orgID), emailsuppression.EmailIn(emails...)).
			Select(emailsuppression.FieldEmail).Strings(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading suppressed addresses: %w", err)
		}
		set := setOf(out)
		undeliverable = func(email string) bool { return set[strings.ToLower(strings.TrimSpace(email))] }
	}
	prefs := make(map[pulid.ID]compose.Preferences, len(cs))
	for _, c := range cs {
		// The sets are the organisation's, which a number or address is
		// opted out or bounced in whichever client it belongs to.
		prefs[c.ID] = compose.Preferences{Method: c.PreferredContactMethod, EmailConsent: c.EmailConsent, SMSConsent: c.SmsConsent,
			PhoneOptedOut: optedOut, EmailUndeliverable: undeliverable}
	}
	return prefs, nil
}

// setOf returns the set of values.
func setOf(values []string) map[string]bool {
	set := make(map[string]bool, len(values))
	for _, v := range values {
		set[v] = true
	}
	return set
}
