package booking

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/pulid"
)

// maxAppointment is the longest an appointment lasts (the appointment
// hooks refuse longer): loadSchedules bounds its scan of a practitioner's
// appointments by start on both sides with it, over the index on
// (practitioner_id, starts_at), rather than comparing every earlier
// appointment's end.
const maxAppointment = 24 * time.Hour

// What a row of loadSchedules' statement is.
const (
	rowWeekly  = iota // weekly hours: weekday, start, end
	rowDated          // date-specific hours: date, start, end (both empty: closed)
	rowTimeOff        // a practitioner's time off: spans (in start)
	rowBusy           // a practitioner's booked and confirmed appointments: spans (in start)
)

// loadSchedules reads what shapes the time of practitioners of org for
// start times in [from, to) of a session of length dur: their weekly hours,
// date-specific hours, time off, and booked and confirmed appointments
// (with the rules' buffers; ignore lists appointments not to count), and
// returns each practitioner's schedule, ready to sweep.
//
// It is the hot path of availableSlots (hundreds of appointments a call), so
// it is one statement written by hand, whatever the range or the number of
// practitioners: a UNION ALL of the four reads, each row saying what it is.
// A practitioner's time off and appointments come as one row each, their
// spans aggregated into one text (see parseSpans) that Go parses: the
// driver's cost is per row and per column, and SQLite's date functions cost
// more than reading the stored text. Appointments are found by start alone,
// both sides bounded (maxAppointment), and their ends compared in Go
// (parseSpans): SQLite would try to read the bound as a number at every
// row's comparison of a time column. It filters by organisation itself, as
// the privacy rules would; its callers have read the service through ent
// (and its privacy rules) first, and its practitioners with it
// (withPractice).
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

	q := schedulesStatement(db, len(ids), len(ignore))
	orgID := string(org.ID)
	args := make([]any, 0, 4*len(ids)+10+len(ignore))
	args = append(append(args, orgID), ids...)
	args = append(append(append(args, orgID), ids...), firstDate, lastDate)
	args = append(append(append(args, orgID), ids...), to.Add(dur), from)
	args = append(append(append(args, orgID), ids...), busyTo, busyFrom.Add(-maxAppointment))
	for _, id := range ignore {
		args = append(args, string(id))
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("reading the practitioners' schedules: %w", err)
	}
	defer rows.Close()
	// Declared once: Scan takes their addresses, so each would be allocated
	// again for every row if declared in the loop. The texts are raw bytes,
	// reused from row to row.
	var (
		staff, date, start, end sql.RawBytes
		what, weekday           int64
	)
	parse := parseSpans
	if db.Dialect() == dialect.Postgres {
		parse = parseEpochSpans
	}
	for rows.Next() {
		if err := rows.Scan(&staff, &what, &weekday, &date, &start, &end); err != nil {
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
			s.off = parse(s.off, start, time.Time{})
		case rowBusy:
			s.busy = parse(s.busy, start, busyFrom)
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

// scheduleKey is the shape of a loadSchedules statement.
type scheduleKey struct {
	dialect                string
	practitioners, ignored int
}

// schedulesStatements holds loadSchedules' statements by shape, written
// once each: the text depends only on its key.
var schedulesStatements sync.Map // scheduleKey → string

// schedulesStatement is loadSchedules' statement for n practitioners and
// ignored appointments to leave out, in db's dialect.
func schedulesStatement(db *ent.Client, n, ignored int) string {
	key := scheduleKey{db.Dialect(), n, ignored}
	if q, ok := schedulesStatements.Load(key); ok {
		return q.(string)
	}
	keep := n <= 64 && ignored <= 8 // the shapes of every day; others are written each time
	// SQLite keeps times in UTC as "2006-01-02 15:04:05[.fraction] +0000 UTC":
	// the spans are the stored texts as they are. PostgreSQL writes them as
	// whole seconds since 1970, the start rounded down and the end up: for
	// 500 appointments that costs it a third of a millisecond less than
	// to_char.
	spans := "group_concat(starts_at || '~' || ends_at, ',')"
	if key.dialect == dialect.Postgres {
		spans = "string_agg(floor(date_part('epoch', starts_at))::int8 || '~' || ceil(date_part('epoch', ends_at))::int8, ',')"
	}
	in := placeholders(n)
	notIgnored := ""
	if ignored > 0 {
		notIgnored = " AND id NOT IN (" + placeholders(ignored) + ")"
	}
	q := db.Rebind(fmt.Sprintf(`SELECT staff_id, %d, weekday, '', "start", "end" FROM working_hours
 WHERE organization_id = ? AND staff_id IN (%s)
UNION ALL SELECT staff_id, %d, 0, "date", coalesce("start", ''), coalesce("end", '') FROM schedule_exceptions
 WHERE organization_id = ? AND kind = 'HOURS' AND staff_id IN (%s) AND "date" >= ? AND "date" <= ?
UNION ALL SELECT staff_id, %d, 0, '', %s, '' FROM schedule_exceptions
 WHERE organization_id = ? AND kind = 'TIME_OFF' AND staff_id IN (%s) AND starts_at < ? AND ends_at > ? GROUP BY staff_id
UNION ALL SELECT practitioner_id, %d, 0, '', %s, '' FROM appointments
 WHERE organization_id = ? AND status IN ('BOOKED', 'CONFIRMED') AND practitioner_id IN (%s) AND starts_at < ? AND starts_at > ?%s GROUP BY practitioner_id`,
		rowWeekly, in,
		rowDated, in,
		rowTimeOff, spans, in,
		rowBusy, spans, in, notIgnored))
	if keep {
		schedulesStatements.Store(key, q)
	}
	return q
}

// parseSpans appends to out the spans of text that end after after, as
// loadSchedules' statement writes them on SQLite: start~end pairs separated
// by commas, each instant UTC written "2006-01-02 15:04:05" and maybe a
// fraction of a second and more (a zone), which are ignored but for an
// end's fraction: it rounds the end up, so a span never shrinks. A
// malformed pair is skipped: hooks keep the times valid, and a read should
// not fail on one.
func parseSpans(out []span, text []byte, after time.Time) []span {
	out = slices.Grow(out, bytes.Count(text, []byte{','})+1)
	for len(text) > 0 {
		pair, rest, _ := bytes.Cut(text, []byte{','})
		text = rest
		a, b, ok := bytes.Cut(pair, []byte{'~'})
		start, ok1 := parseInstant(a, false)
		end, ok2 := parseInstant(b, true)
		if ok && ok1 && ok2 && end.After(after) {
			out = append(out, span{start, end})
		}
	}
	return out
}

// parseEpochSpans is parseSpans for the text PostgreSQL writes: start~end
// pairs of whole seconds since 1970, separated by commas.
func parseEpochSpans(out []span, text []byte, after time.Time) []span {
	out = slices.Grow(out, bytes.Count(text, []byte{','})+1)
	since := after.Unix()
	for len(text) > 0 {
		start, n, ok1 := parseSeconds(text)
		text = text[n:]
		ok := len(text) > 0 && text[0] == '~'
		if ok {
			text = text[1:]
		}
		end, n, ok2 := parseSeconds(text)
		text = text[n:]
		if ok3 := len(text) == 0 || text[0] == ','; !ok3 { // malformed: skip the pair
			ok = false
			if i := bytes.IndexByte(text, ','); i >= 0 {
				text = text[i:]
			} else {
				text = nil
			}
		}
		if len(text) > 0 {
			text = text[1:]
		}
		if ok && ok1 && ok2 && end > since {
			out = append(out, span{time.Unix(start, 0).UTC(), time.Unix(end, 0).UTC()})
		}
	}
	return out
}

// parseSeconds reads the integer that b starts with (maybe negative, at
// most 12 digits) and how many bytes it took.
func parseSeconds(b []byte) (v int64, n int, ok bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		n = 1
	}
	digits := n
	for n < len(b) && b[n] >= '0' && b[n] <= '9' {
		v = v*10 + int64(b[n]-'0')
		n++
	}
	if digits = n - digits; digits == 0 || digits > 12 {
		return 0, n, false
	}
	if neg {
		v = -v
	}
	return v, n, true
}

// parseInstant reads a UTC instant written "2006-01-02 15:04:05" followed
// maybe by a fraction of a second (".123") and anything else; it keeps whole
// seconds, rounded up when up and the fraction is not zero. It does without
// time.Parse: loadSchedules reads hundreds a call.
func parseInstant(b []byte, up bool) (time.Time, bool) {
	num := func(b []byte) int {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || b[10] != ' ' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	y, m, d, hh, mm, ss := num(b[0:4]), num(b[5:7]), num(b[8:10]), num(b[11:13]), num(b[14:16]), num(b[17:19])
	if y < 1 || m < 1 || m > 12 || d < 1 || d > 31 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60 {
		return time.Time{}, false
	}
	sec := (daysFromCivil(y, m, d)*24+int64(hh))*3600 + int64(mm)*60 + int64(ss)
	if up && len(b) > 19 && b[19] == '.' {
		for _, c := range b[20:] {
			if c < '0' || c > '9' {
				break
			}
			if c != '0' {
				sec++
				break
			}
		}
	}
	return time.Unix(sec, 0).UTC(), true
}

// daysFromCivil is the number of days from 1970-01-01 to the proleptic
// Gregorian date y-m-d (H. Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400 // y is not negative here
	yoe := y - era*400
	mp := (m + 9) % 12 // March is 0
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// placeholders is n comma-separated ? placeholders, for an IN list.
func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }
