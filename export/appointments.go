package export

import (
	"net/http"
	"strings"
	"time"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/ent/exportrecord"
	"github.com/kith-health/kith/place"
)

// MaxSpan is the longest date range of an appointments export.
const MaxSpan = 366 * 24 * time.Hour

// appointmentColumns are the columns of appointments.csv. Times are in the
// appointment's time zone (the client's), with their offset. location is
// where the appointment is held, written out as Appointment.heldAt is
// (package place): the practice location's name and address, the client's
// or the contact's address, else the one-off text; practice_location is the
// location's name and address_source CLIENT or CONTACT.
var appointmentColumns = []string{"id", "starts_at", "ends_at", "time_zone", "status", "client_id", "client_name",
	"practitioner", "service", "location", "practice_location", "address_source", "telehealth_url", "booked_via",
	"cancellation_reason", "created_at"}

// appointments streams GET /exports/appointments.csv?from=…&to=…: the
// appointments starting from from (included) to to (excluded), by start.
func (h *Handler) appointments(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	s, err := staffOf(ctx, true)
	if err != nil {
		return err
	}
	org, err := h.db.Organization.Get(ctx, s.OrgID)
	if err != nil {
		return err
	}
	from, to, err := dateRange(r, org.TimeZone)
	if err != nil {
		return err
	}
	exp, err := h.beginCSV(ctx, w, s, exportrecord.KindAppointments, "from="+stamp(from)+" to="+stamp(to), "appointments-"+from.Format("2006-01-02")+"-"+to.Format("2006-01-02")+".csv", appointmentColumns)
	if err != nil {
		return err
	}
	out := exp.out
	var last *ent.Appointment
	for {
		q := h.db.Appointment.Query().
			Where(appointment.StartsAtGTE(from), appointment.StartsAtLT(to)).
			Order(appointment.ByStartsAt(), appointment.ByID()).Limit(PageSize).
			WithClient().WithPractitioner().WithService().WithPracticeLocation().
			WithHeldAtContactLink(func(q *ent.ClientContactQuery) { q.WithContact() })
		if last != nil {
			q.Where(appointment.Or(appointment.StartsAtGT(last.StartsAt),
				appointment.And(appointment.StartsAtEQ(last.StartsAt), appointment.IDGT(last.ID))))
		}
		page, err := q.All(ctx)
		if err != nil {
			return errStartedBy(err)
		}
		for _, a := range page {
			if err := out.row(appointmentCells(a)...); err != nil {
				return errStartedBy(err)
			}
		}
		if err := out.page(); err != nil {
			return errStartedBy(err)
		}
		if len(page) < PageSize {
			break
		}
		last = page[len(page)-1]
	}
	return exp.end(ctx)
}

// appointmentCells are the columns of a.
func appointmentCells(a *ent.Appointment) []string {
	loc, err := time.LoadLocation(a.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	var client, practitioner, service, practiceLocation, source string
	if c := a.Edges.Client; c != nil {
		client = strings.TrimSpace(c.FirstName + " " + c.LastName)
	}
	if p := a.Edges.Practitioner; p != nil {
		practitioner = p.Name
	}
	if sv := a.Edges.Service; sv != nil {
		service = sv.Name
	}
	if l := a.Edges.PracticeLocation; l != nil {
		practiceLocation = l.Name
	}
	if a.AddressSource != nil {
		source = string(*a.AddressSource)
	}
	return []string{string(a.ID), a.StartsAt.In(loc).Format(time.RFC3339), a.EndsAt.In(loc).Format(time.RFC3339), a.TimeZone,
		string(a.Status), string(a.ClientID), client, practitioner, service, place.Written(a, a.Edges.Client), practiceLocation,
		source, a.TelehealthURL, string(a.BookedVia), a.CancellationReason, stamp(a.CreatedAt)}
}

// dateRange reads the from and to parameters: each a date (YYYY-MM-DD, the
// start of that day in the organisation's time zone zone) or an RFC 3339
// time, from before to, at most MaxSpan apart.
func dateRange(r *http.Request, zone string) (from, to time.Time, err error) {
	loc, lerr := time.LoadLocation(zone)
	if lerr != nil {
		loc = time.UTC
	}
	q := r.URL.Query()
	read := func(name string) (time.Time, error) {
		vs := q[name]
		switch {
		case len(vs) == 0 || strings.TrimSpace(vs[0]) == "":
			return time.Time{}, kith.Invalid(name, "give %s, a date such as 2026-01-31 or a time such as 2026-01-31T09:00:00-05:00", name)
		case len(vs) > 1:
			return time.Time{}, kith.Invalid(name, "give %s once", name)
		}
		v := strings.TrimSpace(vs[0])
		if t, err := time.ParseInLocation("2006-01-02", v, loc); err == nil {
			return t, nil
		}
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return t, nil
		}
		return time.Time{}, kith.Invalid(name, "%s must be a date such as 2026-01-31 or a time such as 2026-01-31T09:00:00-05:00", name)
	}
	if from, err = read("from"); err != nil {
		return from, to, err
	}
	if to, err = read("to"); err != nil {
		return from, to, err
	}
	switch {
	case !to.After(from):
		return from, to, kith.Invalid("to", "to must be after from (to is not included)")
	case to.Sub(from) > MaxSpan:
		return from, to, kith.Invalid("to", "an export covers at most 366 days: export a longer period in parts")
	}
	return from.UTC(), to.UTC(), nil
}
