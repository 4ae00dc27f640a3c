package export

import (
	"net/http"
	"strings"
	"time"

	"github.com/kith-health/kith/ent/clientprofile"
	"github.com/kith-health/kith/ent/exportrecord"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
)

// clientColumns are the columns of clients.csv. Notes and the alert are
// left out: they are staff's working text, not a record to hand on.
var clientColumns = []string{"id", "first_name", "preferred_name", "last_name", "pronouns", "date_of_birth",
	"email", "email_consent", "mobile_phone", "sms_consent", "other_phones", "language", "time_zone", "status", "tags",
	"address_line1", "address_line2", "city", "region", "postal_code", "country", "referring_provider",
	"veteran_id", "qualified", "default_location", "created_at"}

// clients streams GET /exports/clients.csv: every client of the
// organisation, ordered by ID, each with its default location's name
// (loaded with the page: one more statement per page).
func (h *Handler) clients(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	s, err := staffOf(ctx, true)
	if err != nil {
		return err
	}
	exp, err := h.beginCSV(ctx, w, s, exportrecord.KindClients, "", "clients-"+today()+".csv", clientColumns)
	if err != nil {
		return err
	}
	out := exp.out
	var after pulid.ID
	for {
		q := h.db.ClientProfile.Query().Order(clientprofile.ByID()).Limit(PageSize).WithDefaultLocation()
		if after != "" {
			q.Where(clientprofile.IDGT(after))
		}
		page, err := q.All(ctx)
		if err != nil {
			return errStartedBy(err)
		}
		for _, c := range page {
			a := address(c.Address)
			var defaultLocation string
			if l := c.Edges.DefaultLocation; l != nil {
				defaultLocation = l.Name
			}
			if err := out.row(string(c.ID), c.FirstName, c.PreferredName, c.LastName, c.Pronouns, c.DateOfBirth,
				c.Email, yesNo(c.EmailConsent), c.MobilePhone, yesNo(c.SmsConsent), phones(c.OtherPhones), c.Language, c.TimeZone,
				string(c.Status), strings.Join(c.Tags, "; "),
				a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country, c.ReferringProvider,
				c.VeteranID, yesNoEmpty(c.Qualified), defaultLocation, stamp(c.CreatedAt)); err != nil {
				return errStartedBy(err)
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

// errStartedBy marks err as happening after the answer began.
func errStartedBy(err error) error { return &startedError{err} }

type startedError struct{ err error }

func (e *startedError) Error() string   { return errStarted.Error() + ": " + e.err.Error() }
func (e *startedError) Unwrap() []error { return []error{errStarted, e.err} }

// address is a, or an empty address.
func address(a *schematype.Address) schematype.Address {
	if a == nil {
		return schematype.Address{}
	}
	return *a
}

// phones writes other phones as "label: number; …".
func phones(ps []schematype.Phone) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Number
		if p.Label != "" {
			out[i] = p.Label + ": " + p.Number
		}
	}
	return strings.Join(out, "; ")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// yesNoEmpty is yes or no, or empty for nil (not recorded).
func yesNoEmpty(b *bool) string {
	if b == nil {
		return ""
	}
	return yesNo(*b)
}

// stamp writes t in RFC 3339, UTC.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// today is the date of a file name.
func today() string { return time.Now().UTC().Format("2006-01-02") }
