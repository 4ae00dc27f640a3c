package booking

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/pulid"
)

// What a row of loadSchedules' statement is.
const (
	rowWeekly  = iota // weekly hours: weekday, start, end
	rowDated          // date-specific hours: date, start, end (both empty: closed)
	rowTimeOff        // time off: from, to
	rowBusy           // a booked or confirmed appointment: from, to
)

// loadSchedules reads what shapes the time of practitioners of org for
// start times in [from, to) of a session of length dur: their weekly hours,
// date-specific hours, time off, and booked and confirmed appointments
// (with the rules' buffers; ignore lists appointments not to count), and
// returns each practitioner's schedule, ready to sweep.
//
// It is the hot path of availableSlots (hundreds of rows a call), so it is
// one statement written by hand, whatever the range or the number of
// practitioners: a UNION ALL of the four reads, each row saying what it is.
// The database answers instants as whole seconds since 1970 instead of
// timestamps the driver would parse (SQLite stores them as text), and rows
// are scanned without reflection. It filters by organisation itself, as the
// privacy rules would; its callers have read the service and practitioners
// through ent (and its privacy rules) first.
func loadSchedules(ctx context.Context, db *ent.Client, org *ent.Organization, practitioners []*ent.Staff, from, to time.Time, dur time.Duration, rules Rules, ignore []pulid.ID) (map[pulid.ID]*schedule, error) {
	out := make(map[pulid.ID]*schedule, len(practitioners))
	ids := make([]any, len(practitioners))
	for i, p := range practitioners {
		loc, err := Location(cmp.Or(p.TimeZone, org.TimeZone, "UTC"))
		if err != nil {
			loc = time.UTC
		}
		out[p.ID] = newSchedule(loc)
		ids[i] = string(p.ID)
	}
	if len(ids) == 0 {
		return out, nil
	}
	from, to = from.UTC(), to.UTC() // SQLite compares times as text
	// Dates as strings compare in order; a day either side covers every zone.
	firstDate, lastDate := from.AddDate(0, 0, -2).Format(time.DateOnly), to.Add(dur).AddDate(0, 0, 2).Format(time.DateOnly)
	busyFrom, busyTo := from.Add(-minutes(rules.BufferBeforeMinutes)), to.Add(dur+minutes(rules.BufferAfterMinutes))

	// SQLite keeps times in UTC as "2006-01-02 15:04:05[.fraction] +0000 UTC":
	// the first 19 characters are whole seconds; an end with a fraction is
	// rounded up, so a span never shrinks.
	startSec := func(c string) string { return "unixepoch(substr(" + c + ", 1, 19))" }
	endSec := func(c string) string { return "unixepoch(substr(" + c + ", 1, 19)) + (length(" + c + ") > 29)" }
	if db.Dialect() == dialect.Postgres {
		startSec = func(c string) string { return "floor(extract(epoch from " + c + "))::bigint" }
		endSec = func(c string) string { return "ceil(extract(epoch from " + c + "))::bigint" }
	}
	in := placeholders(len(ids))
	q := fmt.Sprintf(`SELECT staff_id, %d, weekday, '', "start", "end", 0, 0 FROM working_hours
 WHERE organization_id = ? AND staff_id IN (%s)
UNION ALL SELECT staff_id, %d, 0, "date", coalesce("start", ''), coalesce("end", ''), 0, 0 FROM schedule_exceptions
 WHERE organization_id = ? AND kind = 'HOURS' AND staff_id IN (%s) AND "date" >= ? AND "date" <= ?
UNION ALL SELECT staff_id, %d, 0, '', '', '', %s, %s FROM schedule_exceptions
 WHERE organization_id = ? AND kind = 'TIME_OFF' AND staff_id IN (%s) AND starts_at < ? AND ends_at > ?
UNION ALL SELECT practitioner_id, %d, 0, '', '', '', %s, %s FROM appointments
 WHERE organization_id = ? AND status IN ('BOOKED', 'CONFIRMED') AND practitioner_id IN (%s) AND starts_at < ? AND ends_at > ?`,
		rowWeekly, in,
		rowDated, in,
		rowTimeOff, startSec("starts_at"), endSec("ends_at"), in,
		rowBusy, startSec("starts_at"), endSec("ends_at"), in)
	orgID := string(org.ID)
	args := make([]any, 0, 4*len(ids)+10+len(ignore))
	args = append(append(args, orgID), ids...)
	args = append(append(append(args, orgID), ids...), firstDate, lastDate)
	args = append(append(append(args, orgID), ids...), to.Add(dur), from)
	args = append(append(append(args, orgID), ids...), busyTo, busyFrom)
	if len(ignore) > 0 {
		q += " AND id NOT IN (" + placeholders(len(ignore)) + ")"
		for _, id := range ignore {
			args = append(args, string(id))
		}
	}
	rows, err := db.QueryContext(ctx, db.Rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("reading the practitioners' schedules: %w", err)
	}
	defer rows.Close()
	// Declared once: Scan takes their addresses, so each would be allocated
	// again for every row if declared in the loop. The texts are raw bytes,
	// reused from row to row: most rows are appointments, whose only text is
	// the practitioner's ID, looked up without copying it.
	var (
		staff, date, start, end       sql.RawBytes
		what, weekday, fromSec, toSec int64
	)
	for rows.Next() {
		if err := rows.Scan(&staff, &what, &weekday, &date, &start, &end, &fromSec, &toSec); err != nil {
			return nil, fmt.Errorf("reading the practitioners' schedules: %w", err)
		}
		s := out[pulid.ID(staff)]
		if s == nil {
			continue
		}
		switch what {
		case rowWeekly:
			s.addWeekly(int(weekday), string(start), string(end))
		case rowDated:
			s.addDated(string(date), string(start), string(end))
		case rowTimeOff:
			s.off = append(s.off, span{time.Unix(fromSec, 0).UTC(), time.Unix(toSec, 0).UTC()})
		case rowBusy:
			s.busy = append(s.busy, span{time.Unix(fromSec, 0).UTC(), time.Unix(toSec, 0).UTC()})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the practitioners' schedules: %w", err)
	}
	for _, s := range out {
		s.sorted()
	}
	return out, nil
}

// placeholders is n comma-separated ? placeholders, for an IN list.
func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }
