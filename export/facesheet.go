package export

import (
	"bytes"
	_ "embed"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/ent/clientprofile"
	"github.com/kith-health/kith/ent/coverage"
	"github.com/kith-health/kith/ent/exportrecord"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
)

//go:embed facesheet.html
var faceSheetHTML string

// faceSheetPage is the face sheet's template: html/template escapes every
// value for where it lands.
var faceSheetPage = template.Must(template.New("face-sheet").Parse(faceSheetHTML))

// faceSheet is what the template shows.
type faceSheet struct {
	Lang, Practice, Name, Alert, Printed, PrintedBy string
	Details                                         []detail
	Contacts                                        []sheetContact
	Coverages                                       []sheetCoverage
}

type detail struct{ Label, Value string }

type sheetContact struct {
	Name, Reference, Relationship, Types, Phone, Email, Address string
}

// sheetCoverage is one coverage record of the client: its health card,
// fee program and billing contact.
type sheetCoverage struct {
	Region, Card, Status, Validated, FeeProgram, BillingContact, BillingReference string
}

// faceSheet serves GET /clients/{id}/face-sheet: a printable page of the
// client's details and contacts, for any staff member. A client of another
// organisation, or none, is 404 alike. Each one printed is on the audit
// list (FACE_SHEET), written once the page is rendered.
func (h *Handler) faceSheet(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	s, err := staffOf(ctx, false)
	if err != nil {
		return err
	}
	id := pulid.ID(r.PathValue("id"))
	missing := &kith.NotFoundError{Field: "id", ID: id}
	if !id.WellFormed() || id.Prefix() != "cl" {
		return missing
	}
	c, err := h.db.ClientProfile.Query().Where(clientprofile.ID(id)).
		WithContactLinks(func(q *ent.ClientContactQuery) { q.Order(clientcontact.ByCreatedAt()).WithContact() }).
		WithDefaultLocation().
		WithCoverages(func(q *ent.CoverageQuery) {
			q.Order(coverage.ByCreatedAt(), coverage.ByID()).
				WithBillingContact(func(q *ent.ClientContactQuery) { q.WithContact() })
		}).
		Only(ctx)
	if ent.IsNotFound(err) {
		return missing
	}
	if err != nil {
		return err
	}
	org, err := h.db.Organization.Get(ctx, s.OrgID)
	if err != nil {
		return err
	}
	me, err := h.db.Staff.Get(ctx, s.StaffID)
	if err != nil {
		return err
	}
	page := sheetOf(c, org, me)
	var b bytes.Buffer
	if err := faceSheetPage.Execute(&b, page); err != nil {
		return err
	}
	rec, err := started(ctx, h.db, s, exportrecord.KindFaceSheet, "client="+string(c.ID), c.ID)
	if err != nil {
		return err
	}
	if err := rec.completed(ctx, len(page.Contacts)); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
	_, _ = w.Write(b.Bytes())
	return nil
}

// sheetOf lays out client c of org, printed by me: c loaded with its
// contact links (and their contacts), its default location and its
// coverages (with their billing contacts' links and contacts).
func sheetOf(c *ent.ClientProfile, org *ent.Organization, me *ent.Staff) faceSheet {
	name := strings.TrimSpace(c.FirstName + " " + c.LastName)
	if c.PreferredName != "" && c.PreferredName != c.FirstName {
		name = strings.TrimSpace(c.FirstName + " (" + c.PreferredName + ") " + c.LastName)
	}
	lang := c.Language
	if lang == "" {
		lang = "en"
	}
	p := faceSheet{Lang: lang, Practice: org.Name, Name: name, Alert: c.Alert, PrintedBy: me.Name,
		Printed: time.Now().In(location(org.TimeZone)).Format("Mon 2 Jan 2006, 15:04 MST")}
	add := func(label, value string) {
		if value != "" {
			p.Details = append(p.Details, detail{label, value})
		}
	}
	add("Salutation", c.Salutation)
	add("Pronouns", c.Pronouns)
	add("Date of birth", c.DateOfBirth)
	add("Status", string(c.Status))
	add("Email", c.Email)
	add("Mobile", c.MobilePhone)
	add("Other phones", phones(c.OtherPhones))
	add("Address", oneLine(c.Address))
	add("Language", c.Language)
	add("Time zone", c.TimeZone)
	add("Referring provider", c.ReferringProvider)
	add("Veteran ID", c.VeteranID)
	add("Qualified", yesNoEmpty(c.Qualified))
	if l := c.Edges.DefaultLocation; l != nil {
		add("Default location", l.Name)
	}
	add("Tags", strings.Join(c.Tags, ", "))
	add("Client ID", string(c.ID))
	for _, l := range c.Edges.ContactLinks {
		k := l.Edges.Contact
		if k == nil {
			continue
		}
		rel := string(l.Relationship)
		if l.RelationshipLabel != "" {
			rel += " (" + l.RelationshipLabel + ")"
		}
		types := make([]string, len(l.ContactTypes))
		for i, t := range l.ContactTypes {
			types[i] = string(t)
		}
		p.Contacts = append(p.Contacts, sheetContact{Name: strings.TrimSpace(k.FirstName + " " + k.LastName),
			Reference: k.OrganizationReference, Relationship: rel, Types: strings.Join(types, ", "),
			Phone: k.Phone, Email: k.Email, Address: oneLine(k.Address)})
	}
	zone := location(org.TimeZone)
	for _, v := range c.Edges.Coverages {
		p.Coverages = append(p.Coverages, coverageOf(v, zone))
	}
	return p
}

// coverageOf lays out coverage v, its validation date in zone.
func coverageOf(v *ent.Coverage, zone *time.Location) sheetCoverage {
	out := sheetCoverage{Region: v.Region, Card: strings.TrimSpace(v.HealthCardNumber + " " + v.HealthCardVersion),
		FeeProgram: v.FeeProgram}
	if v.FeeProgramNumber != "" {
		out.FeeProgram = strings.TrimSpace(out.FeeProgram + " (" + v.FeeProgramNumber + ")")
	}
	if v.HealthCardStatus != nil {
		out.Status = string(*v.HealthCardStatus)
	}
	if at := v.HealthCardValidatedAt; at != nil {
		out.Validated = at.In(zone).Format("2 Jan 2006")
		if v.HealthCardValidatedBy != "" {
			out.Validated += " (" + v.HealthCardValidatedBy + ")"
		}
	}
	if l := v.Edges.BillingContact; l != nil && l.Edges.Contact != nil {
		k := l.Edges.Contact
		out.BillingContact = strings.TrimSpace(k.FirstName + " " + k.LastName)
		out.BillingReference = k.OrganizationReference
	}
	return out
}

// oneLine writes an address on one line.
func oneLine(a *schematype.Address) string {
	if a == nil {
		return ""
	}
	var parts []string
	for _, s := range []string{a.Line1, a.Line2, a.City, strings.TrimSpace(a.Region + " " + a.PostalCode), a.Country} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

func location(zone string) *time.Location {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return time.UTC
	}
	return loc
}
