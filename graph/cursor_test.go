package graph_test

import (
	"bytes"
	"context"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/server"
	"github.com/kith-health/kith/viewer"
)

// forge writes a cursor as entgql does (base64 of msgpack {"i": id, "v": value}).
func forge(id string, value any) string {
	var b bytes.Buffer
	ent.Cursor{ID: pulid.ID(id), Value: value}.MarshalGQL(&b)
	s, err := strconv.Unquote(b.String())
	if err != nil {
		panic(err)
	}
	return s
}

// TestForgedCursors: a cursor that decodes but that kith did not give out
// (an ID that is not a kith ID, a value that is not a scalar, not text, or
// not of the type of the field the connection is ordered by) is refused
// before any resolver runs, with BAD_USER_INPUT on after or before, alike
// on both databases, and nothing of it reaches the log. (An array or a map
// answered INTERNAL on both; a NUL in the ID data on SQLite and INTERNAL on
// PostgreSQL; "abc" for a time INTERNAL on PostgreSQL, logging the text.)
func TestForgedCursors(t *testing.T) {
	t.Parallel()
	good := string(pulid.New("ap"))
	const (
		afterMsg  = "after is not a cursor this API gave out: pass a page's endCursor"
		beforeMsg = "before is not a cursor this API gave out: pass a page's startCursor"
		secret    = "forged-Secret-7734"
	)
	cases := []struct {
		name, query string
		after       string
		field, msg  string
	}{
		{"value an array", `query($a: Cursor) { appointments(first: 2, after: $a) { totalCount edges { node { id } } } }`, forge("clx", []any{1, 2, 3}), "after", afterMsg},
		{"value a map", `query($a: Cursor) { appointments(first: 2, after: $a, orderBy: {field: STARTS_AT}) { totalCount edges { node { id } } } }`,
			forge(good, map[string]any{"a": secret}), "after", afterMsg},
		{"value an array of a good ID", `query($a: Cursor) { clients(first: 2, after: $a, orderBy: {field: FIRST_NAME}) { totalCount edges { node { id } } } }`,
			forge(good, []any{secret}), "after", afterMsg},
		{"ID with NUL", `query($a: Cursor) { appointments(first: 2, after: $a) { totalCount edges { node { id } } } }`, forge("ap\x00"+good[2:], nil), "after", afterMsg},
		{"ID not UTF-8", `query($a: Cursor) { appointments(first: 2, after: $a) { totalCount edges { node { id } } } }`, forge("ap\xff\xfe"+good[4:], nil), "after", afterMsg},
		{"ID not a kith ID", `query($a: Cursor) { appointments(first: 2, after: $a) { totalCount edges { node { id } } } }`, forge(secret, nil), "after", afterMsg},
		{"ID too long", `query($a: Cursor) { appointments(first: 2, after: $a) { totalCount edges { node { id } } } }`, forge(good+strings.Repeat("0", 1000), nil), "after", afterMsg},
		{"text for a time", `query($a: Cursor) { appointments(first: 2, after: $a, orderBy: {field: STARTS_AT}) { totalCount edges { node { id } } } }`, forge(good, secret), "after", afterMsg},
		{"text for a time, before", `query($b: Cursor) { appointments(last: 2, before: $b, orderBy: {field: CREATED_AT, direction: DESC}) { totalCount edges { node { id } } } }`,
			forge(good, "abc"+secret), "before", beforeMsg},
		{"number for a time", `query($a: Cursor) { clients(first: 2, after: $a, orderBy: {field: UPDATED_AT}) { totalCount edges { node { id } } } }`, forge(good, 17), "after", afterMsg},
		{"time out of range", `query($a: Cursor) { appointments(first: 2, after: $a, orderBy: {field: STARTS_AT}) { totalCount edges { node { id } } } }`,
			forge(good, time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC)), "after", afterMsg},
		{"number for a name", `query($a: Cursor) { clients(first: 2, after: $a, orderBy: {field: LAST_NAME}) { totalCount edges { node { id } } } }`, forge(good, 3), "after", afterMsg},
		{"time for a name", `query($a: Cursor) { contacts(first: 2, after: $a, orderBy: {field: FIRST_NAME}) { totalCount edges { node { id } } } }`, forge(good, time.Now()), "after", afterMsg},
		{"name with NUL", `query($a: Cursor) { clients(first: 2, after: $a, orderBy: {field: FIRST_NAME}) { totalCount edges { node { id } } } }`, forge(good, "Sam\x00"), "after", afterMsg},
		{"name not UTF-8", `query($a: Cursor) { clients(first: 2, after: $a, orderBy: {field: FIRST_NAME}) { totalCount edges { node { id } } } }`, forge(good, "Sam\xff"), "after", afterMsg},
		{"status not of the enum", `query($a: Cursor) { clients(first: 2, after: $a, orderBy: {field: STATUS}) { totalCount edges { node { id } } } }`, forge(good, secret), "after", afterMsg},
		{"value for the ID order", `query($a: Cursor) { clients(first: 2, after: $a) { totalCount edges { node { id } } } }`, forge(good, 5), "after", afterMsg},
		{"text for the default time order", `query($a: Cursor) { notifications(first: 2, after: $a) { totalCount edges { node { id } } } }`, forge(good, secret), "after", afterMsg},
		{"boolean for a time", `query($a: Cursor) { appointments(first: 2, after: $a, orderBy: {field: STARTS_AT}) { totalCount edges { node { id } } } }`, forge(good, true), "after", afterMsg},
		{"order from a variable", `query($a: Cursor, $o: AppointmentOrder) { appointments(first: 2, after: $a, orderBy: $o) { totalCount edges { node { id } } } }`,
			forge(good, secret), "after", afterMsg},
		{"nested connection", `query($a: Cursor) { clients(first: 1) { edges { node { appointments(first: 1, after: $a, orderBy: {field: STARTS_AT}) { totalCount edges { node { id } } } } } } }`,
			forge(good, secret), "after", afterMsg},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := kithtest.DB(t, nil)
			p := kithtest.NewPractice(t, db, "maple")
			var log bytes.Buffer
			api := kithtest.NewAPIConfig(t, db, server.Config{HandlerConfig: graph.HandlerConfig{
				Logger: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug})),
			}}, auth.Config{})
			b := &bundle{db: db, api: api, p: p, token: p.Token}
			b.createClient(t, map[string]any{"firstName": "Sam", "lastName": "Stone", "email": "sam@example.com"}, nil)
			vars := map[string]any{"a": tc.after, "b": tc.after, "o": map[string]any{"field": "STARTS_AT"}}
			if !strings.Contains(tc.query, "$o") {
				delete(vars, "o")
			}
			if strings.Contains(tc.query, "$b") {
				delete(vars, "a")
			} else {
				delete(vars, "b")
			}
			e := b.api.Fail(b.token, tc.query, vars)
			requireCode(t, e, graph.CodeBadUserInput, tc.field)
			require.Equal(t, tc.msg, e.Message)
			require.NotContains(t, log.String(), secret)
			require.NotContains(t, log.String(), "request failed")
		})
	}
}

// TestRealCursorsPage: the cursors kith gives out, for every kind of order
// (none, a time, a name, an enum, a connection's own default), page
// through the list without a refusal, forwards and back.
func TestRealCursorsPage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for i, name := range []string{"Ana", "Bo", "Cy"} {
		c := b.createClient(t, map[string]any{"firstName": name, "lastName": "Stone", "email": name + "@example.com"}, nil)
		start := time.Date(2031, 7, 1+i, 14, 0, 0, 0, time.UTC)
		b.api.OK(b.token, createAppointment, map[string]any{"in": map[string]any{"clientID": c.ID, "practitionerID": string(b.p.Owner.ID),
			"startsAt": start.Format(time.RFC3339), "endsAt": start.Add(50 * time.Minute).Format(time.RFC3339)}}, nil)
		b.createContact(t, map[string]any{"firstName": name, "lastName": "Lee", "email": name + "@lee.example"})
		require.NoError(t, b.db.Client.Notification.Create().SetClientID(pulid.ID(c.ID)).SetRecipientName(name).
			SetKind(schematype.MessageKindReminder).SetChannel(schematype.ChannelEmail).SetSendAfter(start).
			Exec(viewer.NewContext(context.Background(), viewer.System{OrgID: b.p.Org.ID})))
	}
	type page struct {
		TotalCount int
		Edges      []struct{ Node struct{ ID string } }
		PageInfo   struct {
			HasNextPage bool
			EndCursor   string
			StartCursor string
		}
	}
	for _, tc := range []struct{ field, order string }{
		{"clients", ""}, {"clients", "{field: CREATED_AT}"}, {"clients", "{field: FIRST_NAME, direction: DESC}"},
		{"clients", "{field: STATUS}"}, {"contacts", "{field: LAST_NAME}"},
		{"appointments", "{field: STARTS_AT}"}, {"appointments", "{field: STATUS}"}, {"appointments", ""},
		{"notifications", ""},
	} {
		order := ""
		if tc.order != "" {
			order = ", orderBy: " + tc.order
		}
		q := `query($a: Cursor, $b: Cursor) { ` + tc.field + `(first: 1, after: $a` + order + `) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor startCursor } }
		  back: ` + tc.field + `(last: 1, before: $b` + order + `) { totalCount } }`
		var seen []string
		after := any(nil)
		for range 50 { // the appointments' confirmations are notifications too
			var out map[string]page
			b.api.OK(b.token, q, map[string]any{"a": after, "b": after}, &out)
			pg := out[tc.field]
			for _, e := range pg.Edges {
				seen = append(seen, e.Node.ID)
			}
			if !pg.PageInfo.HasNextPage {
				break
			}
			after = pg.PageInfo.EndCursor
		}
		var out map[string]page
		b.api.OK(b.token, `{ `+tc.field+`(first: 100`+order+`) { totalCount } }`, nil, &out)
		require.Len(t, seen, out[tc.field].TotalCount, "%s %s", tc.field, tc.order)
		require.GreaterOrEqual(t, len(seen), 2, "%s %s: no cursor was used", tc.field, tc.order)
	}
}
