package link

import (
	"strings"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/clientcontact"
)

// RecipientKind says whether a recipient is the client or a contact.
type RecipientKind string

// Recipient kinds.
const (
	RecipientClient  RecipientKind = "CLIENT"
	RecipientContact RecipientKind = "CONTACT"
)

// IsValid reports whether k is a known kind.
func (k RecipientKind) IsValid() bool { return k == RecipientClient || k == RecipientContact }

// Recipient is someone who receives messages about a client, with the flags
// that say which. Contact and Link are nil for the client itself.
type Recipient struct {
	Kind                  RecipientKind
	Contact               *ent.Contact
	Link                  *ent.ClientContact
	FirstName             string
	LastName              *string
	Name                  string
	Email                 *string
	Phone                 *string
	Relationship          *clientcontact.Relationship
	RelationshipLabel     *string
	NotifyReminders       bool
	NotifyConfirmations   bool
	NotifyScheduled       bool
	CanManageAppointments bool
}

// Recipients lists the client first, then the contact of each link in
// order. Each link must carry its contact (WithContact).
func Recipients(c *ent.ClientProfile, links []*ent.ClientContact) []*Recipient {
	first := c.FirstName
	if c.PreferredName != "" {
		first = c.PreferredName
	}
	out := make([]*Recipient, 0, len(links)+1)
	out = append(out, &Recipient{
		Kind:                  RecipientClient,
		FirstName:             first,
		LastName:              optional(c.LastName),
		Name:                  first + " " + c.LastName,
		Email:                 optional(c.Email),
		Phone:                 optional(c.MobilePhone),
		NotifyReminders:       c.NotifyReminders,
		NotifyConfirmations:   c.NotifyConfirmations,
		NotifyScheduled:       c.NotifyScheduled,
		CanManageAppointments: true,
	})
	for _, l := range links {
		p := l.Edges.Contact
		if p == nil {
			continue
		}
		rel := l.Relationship
		out = append(out, &Recipient{
			Kind:                  RecipientContact,
			Contact:               p,
			Link:                  l,
			FirstName:             p.FirstName,
			LastName:              optional(p.LastName),
			Name:                  strings.TrimSpace(p.FirstName + " " + p.LastName),
			Email:                 optional(p.Email),
			Phone:                 optional(p.Phone),
			Relationship:          &rel,
			RelationshipLabel:     optional(l.RelationshipLabel),
			NotifyReminders:       l.NotifyReminders,
			NotifyConfirmations:   l.NotifyConfirmations,
			NotifyScheduled:       l.NotifyScheduled,
			CanManageAppointments: l.CanManageAppointments,
		})
	}
	return out
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
