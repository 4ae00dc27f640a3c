package timeline

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// Page sizes of a timeline: DefaultPage when first is not given, at most
// MaxPage.
const (
	DefaultPage = 20
	MaxPage     = 100
)

// Connection is a page of a client's timeline.
type Connection struct {
	// Edges are the page's entries, newest first.
	Edges []*Edge
	// PageInfo says whether older entries follow.
	PageInfo PageInfo
}

// Edge is one entry and its cursor.
type Edge struct {
	// Node is the entry.
	Node *Entry
	// Cursor is given as after to read on from the entry.
	Cursor string
}

// PageInfo says where a page lies.
type PageInfo struct {
	// HasNextPage is whether older entries follow.
	HasNextPage bool
	// EndCursor is the last entry's cursor; nil on an empty page.
	EndCursor *string
}

// row is one row of the UNION ALL.
type row struct {
	pos position
	src string
	rid pulid.ID
}

// Read returns the page of client's timeline of first entries (DefaultPage
// when nil) after the cursor after (from the newest when nil), as the
// viewer in ctx reads it. Only staff of the client's organisation read a
// timeline: anyone else is refused with kith.ErrStaffOnly. client must have
// been read through ent as that viewer (so it is the viewer's
// organisation's): the UNION ALL, written by hand, filters by the viewer's
// organisation and the client; every record of the page is then read
// through ent, its privacy policies applied.
func Read(ctx context.Context, db *ent.Client, client *ent.ClientProfile, first *int, after *string) (*Connection, error) {
	s, ok := viewer.StaffFromContext(ctx)
	if !ok {
		return nil, kith.ErrStaffOnly
	}
	if client.OrganizationID != s.OrgID {
		return nil, &kith.NotFoundError{Field: "id", ID: client.ID}
	}
	n := DefaultPage
	if first != nil {
		n = *first
	}
	if n < 0 || n > MaxPage {
		return nil, kith.Invalid("first", "first must be between 0 and %d", MaxPage)
	}
	var from *position
	if after != nil {
		p, err := decodeCursor(*after)
		if err != nil {
			return nil, err
		}
		from = &p
	}
	// Owners and admins read every communication; other staff only those
	// related to them, filtered in the statement itself.
	var related pulid.ID
	if !s.CanAdminister() {
		related = s.StaffID
		if s.IsAPIKey() { // related to no communication: its ID is no staff member's
			related = s.APIKeyID
		}
	}
	rows, err := query(ctx, db, s.OrgID, client.ID, related, from, n+1)
	if err != nil {
		return nil, err
	}
	out := &Connection{}
	if len(rows) > n {
		rows, out.PageInfo.HasNextPage = rows[:n], true
	}
	entries, err := load(ctx, db, client, rows)
	if err != nil {
		return nil, err
	}
	out.Edges, out.PageInfo.EndCursor = edges(entries, rows)
	return out, nil
}

// edges are the page's edges and its end cursor. An entry's cursor is its
// own position: load leaves out a row whose record can no longer be read (a
// pending payment deleted between the two statements), so entries and rows
// need not pair up. The page ends after its last row, shown or not, so the
// next page neither repeats an entry nor stops at a left-out one.
func edges(entries []*Entry, rows []row) ([]*Edge, *string) {
	out := make([]*Edge, 0, len(entries))
	for _, e := range entries {
		out = append(out, &Edge{Node: e, Cursor: position{At: e.At, EID: e.ID}.encode()})
	}
	if len(rows) == 0 {
		return out, nil
	}
	end := rows[len(rows)-1].pos.encode()
	return out, &end
}

// query runs the UNION ALL: limit rows of client in org older than from
// (all when nil), newest first; when related is set, only those staff member
// related may read (sources' related conditions).
func query(ctx context.Context, db *ent.Client, org, client, related pulid.ID, from *position, limit int) ([]row, error) {
	var args []any
	for _, s := range sources {
		args = append(args, org, client)
		if related != "" {
			for range s.relatedArgs() {
				args = append(args, related)
			}
		}
		if from != nil {
			args = append(args, from.At, from.At, from.EID)
		}
		args = append(args, limit)
	}
	q := statement(from != nil, related != "")
	args = append(args, limit)
	rs, err := db.QueryContext(ctx, db.Rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("reading the timeline: %w", err)
	}
	defer rs.Close()
	var out []row
	for rs.Next() {
		var (
			at  any
			r   row
			rid string
		)
		if err := rs.Scan(&at, &r.pos.EID, &r.src, &rid); err != nil {
			return nil, fmt.Errorf("reading the timeline: %w", err)
		}
		if r.pos.At, err = scanTime(at); err != nil {
			return nil, fmt.Errorf("reading the timeline: %w", err)
		}
		r.rid = pulid.ID(rid)
		out = append(out, r)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("reading the timeline: %w", err)
	}
	return out, nil
}

// statement is the UNION ALL of the sources' branches, the newest limit
// rows of all (after a cursor when after, narrowed to a staff member's
// related rows when related).
func statement(after, related bool) string {
	branches := make([]string, len(sources))
	for i, s := range sources {
		branches[i] = s.branch(after, related)
	}
	return "SELECT at, eid, src, rid FROM (" + strings.Join(branches, " UNION ALL ") + ") t ORDER BY at DESC, eid DESC LIMIT ?"
}

// sqliteTime is how the SQLite driver writes a time (in UTC, see package
// database), which a column of a UNION reads back as text.
const sqliteTime = "2006-01-02 15:04:05.999999999 -0700 MST"

// scanTime reads the time column of the UNION: a time.Time on PostgreSQL,
// text or a time on SQLite.
func scanTime(v any) (time.Time, error) {
	switch t := v.(type) {
	case time.Time:
		return t.UTC(), nil
	case string:
		return parseSQLiteTime(t)
	case []byte:
		return parseSQLiteTime(string(t))
	}
	return time.Time{}, fmt.Errorf("a timeline time of type %T", v)
}

func parseSQLiteTime(s string) (time.Time, error) {
	for _, layout := range []string{sqliteTime, time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("a timeline time that does not parse")
}
