package compose

import (
	"net/url"
	"strings"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/link"
	"github.com/kith-health/kith/place"
	"github.com/kith-health/kith/schematype"
)

// Links are the public addresses messages point to.
type Links struct {
	// PortalURL is where the client portal and booking widget live, such as
	// https://kith.example.com. Default: none, and link placeholders render empty.
	PortalURL string
}

// schemes are the URL schemes link placeholders may use beyond https: the
// portal's own, when it is served over http (local development, such as
// http://127.0.0.1:8080).
func (l Links) schemes() []string {
	if u, err := url.Parse(l.PortalURL); err == nil && u.Scheme == "http" {
		return []string{"http"}
	}
	return nil
}

// Safe is link when SafeLink allows it under l, else "".
func (l Links) Safe(link string) string { return SafeLink(link, l.schemes()...) }

// Occasion is what a message is about: an appointment of a client, or a
// form sent to the client or one of its contacts, seen by one recipient.
// [AppointmentLocation] is where the appointment is held (place.Written):
// the appointment's practice location as loaded on it, an address of the
// client's from the client's links as loaded, else its text.
type Occasion struct {
	Org          *ent.Organization
	Client       *ent.ClientProfile
	Appointment  *ent.Appointment
	Practitioner *ent.Staff
	Recipient    *link.Recipient
	// Form fills [FormTitle] and [FormSentDate] and shows [IfSignature]
	// sections when it asks for a signature.
	Form *ent.Form
}

// Values fills every placeholder the occasion knows, with dates and times in
// the appointment's time zone, written in language. Links that are not
// absolute https URLs (or http ones when the portal is served over http),
// such as a javascript: telehealth URL, are left empty.
func (o Occasion) Values(language string, links Links) Values {
	v := Values{
		"PracticeName": o.Org.Name,
		"PortalLink":   links.PortalURL,
	}
	if r := o.Recipient; r != nil {
		v["RecipientFirstName"] = r.FirstName
		v["RecipientLastName"] = deref(r.LastName)
		v["RecipientName"] = r.Name
	}
	if c := o.Client; c != nil {
		first := c.FirstName
		if c.PreferredName != "" {
			first = c.PreferredName
		}
		v["ClientFirstName"] = first
		v["ClientLastName"] = c.LastName
		v["ClientName"] = strings.TrimSpace(first + " " + c.LastName)
	}
	if p := o.Practitioner; p != nil {
		v["PractitionerName"] = p.Name
	}
	if a := o.Appointment; a != nil {
		loc := schematype.Location(a.TimeZone)
		v["AppointmentDate"] = FormatDate(a.StartsAt, loc, language)
		v["AppointmentTime"] = FormatTime(a.StartsAt, loc, language)
		v["AppointmentEndTime"] = FormatTime(a.EndsAt, loc, language)
		v["AppointmentDuration"] = FormatDuration(a.EndsAt.Sub(a.StartsAt), language)
		v["AppointmentLocation"] = place.Written(a, o.Client)
		v["TelehealthLink"] = a.TelehealthURL
		v["CancellationReason"] = a.CancellationReason
		if links.PortalURL != "" && (o.Recipient == nil || o.Recipient.CanManageAppointments) {
			v["ManageAppointmentLink"] = strings.TrimRight(links.PortalURL, "/") + "/appointments/" + string(a.ID)
		}
	}
	if f := o.Form; f != nil {
		v["FormTitle"] = f.Title
		zone := "UTC"
		if o.Client != nil {
			zone = o.Client.TimeZone
		}
		v["FormSentDate"] = FormatDate(f.CreatedAt, schematype.Location(zone), language)
		if f.SignatureRequested {
			v[SignatureRequested] = "yes"
		}
	}
	v.SafeLinks(links.schemes()...)
	return v
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
