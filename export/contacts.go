package export

import (
	"net/http"
	"strings"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/ent/contact"
	"github.com/kith-health/kith/ent/exportrecord"
	"github.com/kith-health/kith/pulid"
)

// contactColumns are the columns of contacts.csv: the contact's, then its
// link's (empty for a contact linked to no client).
var contactColumns = []string{"contact_id", "first_name", "last_name", "email", "phone", "organization_reference",
	"address_line1", "address_line2", "city", "region", "postal_code", "country",
	"link_id", "client_id", "client_name", "relationship", "relationship_label", "contact_types",
	"notify_reminders", "notify_confirmations", "notify_scheduled", "can_manage_appointments", "portal_status"}

// contacts streams GET /exports/contacts.csv: one row per link of each
// contact (ordered by contact, then link), and one row with empty link
// columns for a contact linked to no client.
func (h *Handler) contacts(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	s, err := staffOf(ctx, true)
	if err != nil {
		return err
	}
	exp, err := h.beginCSV(ctx, w, s, exportrecord.KindContacts, "", "contacts-"+today()+".csv", contactColumns)
	if err != nil {
		return err
	}
	out := exp.out
	var after pulid.ID
	for {
		q := h.db.Contact.Query().Order(contact.ByID()).Limit(PageSize).
			WithClientLinks(func(l *ent.ClientContactQuery) { l.Order(clientcontact.ByID()).WithClient() })
		if after != "" {
			q.Where(contact.IDGT(after))
		}
		page, err := q.All(ctx)
		if err != nil {
			return errStartedBy(err)
		}
		for _, c := range page {
			a := address(c.Address)
			own := []string{string(c.ID), c.FirstName, c.LastName, c.Email, c.Phone, c.OrganizationReference,
				a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country}
			if len(c.Edges.ClientLinks) == 0 {
				if err := out.row(append(own, make([]string, 11)...)...); err != nil {
					return errStartedBy(err)
				}
				continue
			}
			for _, l := range c.Edges.ClientLinks {
				if err := out.row(append(append([]string{}, own...), linkCells(l)...)...); err != nil {
					return errStartedBy(err)
				}
			}
		}
		if err := out.page(); err != nil {
			return errStartedBy(err)
		}
		if len(page) < PageSize {
			break
		}
		after = page[len(page)-1].ID
	}
	return exp.end(ctx)
}

// linkCells are the link columns of l.
func linkCells(l *ent.ClientContact) []string {
	name := ""
	if c := l.Edges.Client; c != nil {
		name = strings.TrimSpace(c.FirstName + " " + c.LastName)
	}
	types := make([]string, len(l.ContactTypes))
	for i, t := range l.ContactTypes {
		types[i] = string(t)
	}
	return []string{string(l.ID), string(l.ClientID), name, string(l.Relationship), l.RelationshipLabel, strings.Join(types, "; "),
		yesNo(l.NotifyReminders), yesNo(l.NotifyConfirmations), yesNo(l.NotifyScheduled), yesNo(l.CanManageAppointments), string(l.PortalStatus)}
}
