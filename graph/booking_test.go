package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/ratelimit"
	"github.com/kith-health/kith/server"
	"github.com/kith-health/kith/viewer"
)

// widget is a practice whose owner works weekdays 09:00–10:00 (Toronto)
// and gives a bookable 60-minute service, and another practice.
type widget struct {
	api        *kithtest.API
	db         *database.DB
	p, other   kithtest.Practice
	service    string // bookable online
	private    string // not bookable online
	otherSvc   string // the other practice's, bookable
	monday     time.Time
	slotsQuery string
}

const slotsQuery = `query($o: String!, $s: ID!, $p: ID, $f: Time!, $t: Time!, $z: String!) {
	availableSlots(organization: $o, serviceId: $s, practitionerId: $p, from: $f, to: $t, timeZone: $z) { start practitionerId practitionerName } }`

func setupWidget(t *testing.T) *widget {
	t.Helper()
	db := kithtest.DB(t, nil)
	w := &widget{api: kithtest.NewAPI(t, db), db: db, p: kithtest.NewPractice(t, db, "maple"), other: kithtest.NewPractice(t, db, "birch")}
	for _, p := range []kithtest.Practice{w.p, w.other} {
		var days []map[string]any
		for d := 1; d <= 5; d++ {
			days = append(days, map[string]any{"weekday": d, "start": "09:00", "end": "10:00"})
		}
		w.api.OK(p.Token, `mutation($s: ID!, $i: [WorkingHoursInput!]!) { setWorkingHours(staffId: $s, intervals: $i) { id } }`,
			map[string]any{"s": p.Owner.ID, "i": days}, nil)
		w.api.OK(p.Token, `mutation { updateBookingRules(input: {bookingMinNoticeMinutes: 0, slotIntervalMinutes: 30, widgetAllowedOrigins: ["https://Maple.example"]}) { id } }`, nil, nil)
	}
	create := func(p kithtest.Practice, name string, online bool) string {
		var out struct{ CreateService struct{ ID string } }
		w.api.OK(p.Token, `mutation($n: String!, $b: Boolean!, $p: [ID!]) { createService(input: {name: $n, durationMinutes: 60, bookableOnline: $b, priceCents: 12000, currency: "cad", mode: TELEHEALTH}, practitionerIds: $p) { id } }`,
			map[string]any{"n": name, "b": online, "p": []string{string(p.Owner.ID)}}, &out)
		return out.CreateService.ID
	}
	w.service, w.private, w.otherSvc = create(w.p, "Counselling", true), create(w.p, "Staff meeting", false), create(w.other, "Other", true)
	// The Monday at least a week ahead, midnight in Toronto.
	toronto, _ := time.LoadLocation("America/Toronto")
	d := time.Now().In(toronto).AddDate(0, 0, 7)
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, 1)
	}
	w.monday = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, toronto)
	return w
}

func (w *widget) slotVars(service string, days int, zone string) map[string]any {
	return map[string]any{"o": "maple", "s": service, "f": w.monday, "t": w.monday.AddDate(0, 0, days), "z": zone}
}

func TestWidgetAsVisitor(t *testing.T) {
	t.Parallel()
	w := setupWidget(t)

	var list struct {
		BookableServices []struct {
			ID, Name, Mode, Currency string
			PriceCents               int
			Practitioners            []struct{ ID, Name string }
		}
	}
	w.api.OK("", `{ bookableServices(organization: "maple") { id name mode currency priceCents practitioners { id name } } }`, nil, &list)
	require.Len(t, list.BookableServices, 1, "only the service bookable online")
	s := list.BookableServices[0]
	require.Equal(t, w.service, s.ID)
	require.Equal(t, "TELEHEALTH", s.Mode)
	require.Equal(t, "CAD", s.Currency)
	require.Equal(t, 12000, s.PriceCents)
	require.Equal(t, []struct{ ID, Name string }{{string(w.p.Owner.ID), w.p.Owner.Name}}, s.Practitioners)

	var out struct {
		AvailableSlots []struct{ Start, PractitionerID, PractitionerName string }
	}
	w.api.OK("", slotsQuery, w.slotVars(w.service, 7, "Europe/London"), &out)
	require.Len(t, out.AvailableSlots, 5, "one a weekday")
	london, _ := time.LoadLocation("Europe/London")
	for _, sl := range out.AvailableSlots {
		at, err := time.Parse(time.RFC3339, sl.Start)
		require.NoError(t, err)
		_, want := at.In(london).Zone()
		_, got := at.Zone()
		require.Equal(t, want, got, "start %s is written in the asker's zone", sl.Start)
		require.Equal(t, "09:00", at.In(w.monday.Location()).Format("15:04"))
		require.Equal(t, w.p.Owner.Name, sl.PractitionerName)
		require.Equal(t, string(w.p.Owner.ID), sl.PractitionerID)
	}

	// A signed-in portal or staff viewer of another practice reads the same.
	w.api.OK(w.other.Token, slotsQuery, w.slotVars(w.service, 7, "Europe/London"), &out)
	require.Len(t, out.AvailableSlots, 5)
}

func TestWidgetRefusals(t *testing.T) {
	t.Parallel()
	w := setupWidget(t)
	for _, tc := range []struct {
		name        string
		vars        map[string]any
		code, field string
	}{
		{"another practice's service", w.slotVars(w.otherSvc, 7, "UTC"), "NOT_FOUND", "serviceId"},
		{"a service not bookable online", w.slotVars(w.private, 7, "UTC"), "NOT_FOUND", "serviceId"},
		{"an unknown practice", func() map[string]any { v := w.slotVars(w.service, 7, "UTC"); v["o"] = "nobody"; return v }(), "NOT_FOUND", "organization"},
		{"another practice's practitioner", func() map[string]any { v := w.slotVars(w.service, 7, "UTC"); v["p"] = w.other.Owner.ID; return v }(), "NOT_FOUND", "practitionerId"},
		{"a range over 62 days", w.slotVars(w.service, 63, "UTC"), "BAD_USER_INPUT", "to"},
		{"a range ending before it starts", w.slotVars(w.service, -1, "UTC"), "BAD_USER_INPUT", "to"},
		{"an unknown time zone", w.slotVars(w.service, 7, "Mars/Olympus"), "BAD_USER_INPUT", "timeZone"},
		{"a made-up ID", w.slotVars("svnothing", 7, "UTC"), "NOT_FOUND", "serviceId"},
	} {
		e := w.api.Fail("", slotsQuery, tc.vars)
		require.Equal(t, tc.code, e.Code(), "%s: %s", tc.name, e.Message)
		require.Equal(t, tc.field, e.Field(), tc.name)
		require.NotEmpty(t, e.Message)
	}
	e := w.api.Fail("", `{ services { id } }`, nil)
	require.Equal(t, "UNAUTHENTICATED", e.Code(), "staff fields need a sign-in")
}

func TestBookingSetupThroughAPI(t *testing.T) {
	t.Parallel()
	w := setupWidget(t)
	tok := w.p.Token
	for _, tc := range []struct {
		doc, code, field string
	}{
		{`mutation { createService(input: {name: "X", durationMinutes: 0}) { id } }`, "BAD_USER_INPUT", "durationMinutes"},
		{`mutation { createService(input: {name: "X", durationMinutes: 30, priceCents: 100}) { id } }`, "BAD_USER_INPUT", "currency"},
		{`mutation { createService(input: {name: "X", durationMinutes: 30, slotIntervalMinutes: 1}) { id } }`, "BAD_USER_INPUT", "slotIntervalMinutes"},
		{`mutation { updateBookingRules(input: {bookingMaxAdvanceDays: 0}) { id } }`, "BAD_USER_INPUT", "bookingMaxAdvanceDays"},
		{`mutation { updateBookingRules(input: {widgetAllowedOrigins: ["https://ok.example", "maple.example/path"]}) { id } }`, "BAD_USER_INPUT", "widgetAllowedOrigins.1"},
		{`mutation($s: ID!) { setWorkingHours(staffId: $s, intervals: [{weekday: 1, start: "10:00", end: "09:00"}]) { id } }`, "BAD_USER_INPUT", "intervals.0.end"},
		{`mutation($s: ID!) { setWorkingHours(staffId: $s, intervals: [{weekday: 1, start: "9am", end: "10:00"}]) { id } }`, "BAD_USER_INPUT", "intervals.0.start"},
		{`mutation($s: ID!) { addScheduleException(input: {staffId: $s, kind: HOURS, date: "2030-01-01", start: "12:00", end: "11:00"}) { id } }`, "BAD_USER_INPUT", "end"},
		{`mutation($s: ID!) { addScheduleException(input: {staffId: $s, kind: TIME_OFF}) { id } }`, "BAD_USER_INPUT", "startsAt"},
		{`mutation($o: ID!) { setWorkingHours(staffId: $o, intervals: []) { id } }`, "NOT_FOUND", "staffId"},
		{`mutation($o: ID!) { createService(input: {name: "X", durationMinutes: 30}, practitionerIds: [$o]) { id } }`, "NOT_FOUND", "practitionerIds.0"},
	} {
		e := w.api.Fail(tok, tc.doc, map[string]any{"s": w.p.Owner.ID, "o": w.other.Owner.ID})
		require.Equal(t, tc.code, e.Code(), "%s: %s", tc.doc, e.Message)
		require.Equal(t, tc.field, e.Field(), tc.doc)
	}
	e := w.api.Fail(tok, `mutation($s: ID!) { updateStaff(id: $s, input: {timeZone: "Nowhere/Else"}) { id } }`, map[string]any{"s": w.p.Owner.ID})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "timeZone", e.Field())
	require.NotContains(t, e.Message, "ent:")

	// Time off on Tuesday and a closed Wednesday leave three slots; the
	// staff side reads hours, exceptions and the effective rules.
	tue := w.monday.AddDate(0, 0, 1)
	w.api.OK(tok, `mutation($s: ID!, $a: Time!, $b: Time!) { addScheduleException(input: {staffId: $s, kind: TIME_OFF, startsAt: $a, endsAt: $b, note: "dentist"}) { id } }`,
		map[string]any{"s": w.p.Owner.ID, "a": tue.Add(9 * time.Hour), "b": tue.Add(10 * time.Hour)}, nil)
	w.api.OK(tok, `mutation($s: ID!, $d: Date!) { addScheduleException(input: {staffId: $s, kind: HOURS, date: $d}) { id } }`,
		map[string]any{"s": w.p.Owner.ID, "d": w.monday.AddDate(0, 0, 2).Format(time.DateOnly)}, nil)
	var out struct{ AvailableSlots []struct{ Start string } }
	w.api.OK("", slotsQuery, w.slotVars(w.service, 7, "America/Toronto"), &out)
	require.Len(t, out.AvailableSlots, 3)

	var staff struct {
		Services []struct {
			Name           string
			Practitioners  []struct{ ID string }
			EffectiveRules struct{ SlotIntervalMinutes, BufferAfterMinutes int }
		}
		WorkingHours []struct {
			Weekday    int
			Start, End string
		}
		ScheduleExceptions []struct{ Kind, Note string }
	}
	w.api.OK(tok, `query($s: ID!) { services { name practitioners { id } effectiveRules { slotIntervalMinutes bufferAfterMinutes } }
		workingHours(staffId: $s) { weekday start end } scheduleExceptions(staffId: $s) { kind note } }`, map[string]any{"s": w.p.Owner.ID}, &staff)
	require.Len(t, staff.Services, 2)
	require.Equal(t, 30, staff.Services[0].EffectiveRules.SlotIntervalMinutes)
	require.Len(t, staff.WorkingHours, 5)
	require.Equal(t, "09:00", staff.WorkingHours[0].Start)
	require.Len(t, staff.ScheduleExceptions, 2)

	var archived struct {
		ArchiveService struct{ ArchivedAt *time.Time }
	}
	w.api.OK(tok, `mutation($id: ID!) { archiveService(id: $id) { archivedAt } }`, map[string]any{"id": w.service}, &archived)
	require.NotNil(t, archived.ArchiveService.ArchivedAt)
	require.Equal(t, "NOT_FOUND", w.api.Fail("", slotsQuery, w.slotVars(w.service, 7, "UTC")).Code())
}

func TestWidgetRateLimit(t *testing.T) {
	t.Parallel()
	db := kithtest.DB(t, nil)
	kithtest.NewPractice(t, db, "maple")
	h := server.New(db.Client, kithtest.Auth(db.Client), server.Config{HandlerConfig: graph.HandlerConfig{WidgetLimit: ratelimit.Limit{Burst: 2, Every: time.Hour}}})
	ask := func(ip string) []kithtest.Error {
		body, _ := json.Marshal(map[string]any{"query": `{ bookableServices(organization: "maple") { id } }`})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = ip + ":4000"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var rsp kithtest.Response
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &rsp))
		return rsp.Errors
	}
	require.Empty(t, ask("203.0.113.1"))
	require.Empty(t, ask("203.0.113.1"))
	errs := ask("203.0.113.1")
	require.Len(t, errs, 1)
	require.Equal(t, "RATE_LIMITED", errs[0].Code())
	require.Empty(t, ask("203.0.113.2"), "another address has its own budget")
}

// TestWidgetRateLimitSharedByProcesses: two kith processes on one
// PostgreSQL database share an address's widget budget.
func TestWidgetRateLimitSharedByProcesses(t *testing.T) {
	t.Parallel()
	db := kithtest.DB(t, nil)
	if db.Dialect == dialect.SQLite {
		t.Skip("SQLite serves one kith process: its limits live in that process's memory")
	}
	kithtest.NewPractice(t, db, "maple")
	var handlers []http.Handler
	for range 2 {
		limits, err := ratelimit.Open(db)
		require.NoError(t, err)
		t.Cleanup(func() { _ = limits.Close() })
		handlers = append(handlers, server.New(db.Client, kithtest.Auth(db.Client), server.Config{HandlerConfig: graph.HandlerConfig{
			WidgetLimit: ratelimit.Limit{Burst: 3, Every: time.Hour}, Limits: limits,
		}}))
	}
	ask := func(h http.Handler) []kithtest.Error {
		body, _ := json.Marshal(map[string]any{"query": `{ bookableServices(organization: "maple") { id } }`})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = "203.0.113.1:4000"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var rsp kithtest.Response
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &rsp))
		return rsp.Errors
	}
	for i := range 3 {
		require.Empty(t, ask(handlers[i%2]))
	}
	for _, h := range handlers {
		errs := ask(h)
		require.Len(t, errs, 1)
		require.Equal(t, "RATE_LIMITED", errs[0].Code())
	}
}

// BenchmarkAvailableSlotsHTTP is availableSlots through kith's real HTTP
// handler, as a visitor: one practitioner, 30 days, 500 existing
// appointments. SQLite by default; PostgreSQL with TEST_DATABASE_URL.
func BenchmarkAvailableSlotsHTTP(b *testing.B) {
	db := kithtest.DB(b, nil)
	p := kithtest.NewPractice(b, db, "maple")
	h := server.New(db.Client, kithtest.Auth(db.Client), server.Config{HandlerConfig: graph.HandlerConfig{WidgetLimit: ratelimit.Limit{Burst: 1 << 30, Every: time.Nanosecond}}})
	api := kithtest.NewAPI(b, db)
	var days []map[string]any
	for d := range 7 {
		days = append(days, map[string]any{"weekday": d, "start": "08:00", "end": "22:00"})
	}
	api.OK(p.Token, `mutation($s: ID!, $i: [WorkingHoursInput!]!) { setWorkingHours(staffId: $s, intervals: $i) { id } }`, map[string]any{"s": p.Owner.ID, "i": days}, nil)
	api.OK(p.Token, `mutation { updateBookingRules(input: {bookingMinNoticeMinutes: 0, bookingMaxAdvanceDays: 730, bufferBeforeMinutes: 10, bufferAfterMinutes: 10}) { id } }`, nil, nil)
	var svc struct{ CreateService struct{ ID string } }
	api.OK(p.Token, `mutation($p: [ID!]) { createService(input: {name: "S", durationMinutes: 60, bookableOnline: true}, practitionerIds: $p) { id } }`, map[string]any{"p": []string{string(p.Owner.ID)}}, &svc)
	ctx := viewer.NewContext(context.Background(), viewer.Staff{OrgID: p.Org.ID, StaffID: p.Owner.ID, Role: viewer.RoleOwner})
	client, err := db.Client.ClientProfile.Create().SetFirstName("A").SetLastName("B").SetEmail("a@b.example").Save(ctx)
	require.NoError(b, err)
	toronto, _ := time.LoadLocation("America/Toronto")
	now := time.Now().In(toronto)
	start := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, toronto)
	// In a transaction: appointments send their confirmations (the notifier).
	_, err = transaction.Run(ctx, db.Client, func(ctx context.Context, tx *ent.Client) (struct{}, error) {
		creates := make([]*ent.AppointmentCreate, 0, 500)
		for i := range 500 {
			at := start.AddDate(0, 0, i/17).Add(8*time.Hour + time.Duration(i%17)*40*time.Minute)
			creates = append(creates, tx.Appointment.Create().SetClientID(client.ID).SetPractitionerID(p.Owner.ID).SetStartsAt(at).SetEndsAt(at.Add(30*time.Minute)))
		}
		return struct{}{}, tx.Appointment.CreateBulk(creates...).Exec(ctx)
	})
	require.NoError(b, err)
	body, _ := json.Marshal(map[string]any{"query": slotsQuery, "variables": map[string]any{
		"o": "maple", "s": svc.CreateService.ID, "p": p.Owner.ID, "f": start, "t": start.AddDate(0, 0, 30), "z": "Europe/London"}})
	do := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	var rsp struct {
		Data   struct{ AvailableSlots []struct{ Start string } }
		Errors []any
	}
	require.NoError(b, json.Unmarshal(do().Body.Bytes(), &rsp))
	require.Empty(b, rsp.Errors)
	require.NotEmpty(b, rsp.Data.AvailableSlots)
	b.ReportAllocs()
	for b.Loop() {
		if rec := do(); rec.Code != http.StatusOK {
			b.Fatal(rec.Body.String())
		}
	}
	b.ReportMetric(float64(len(rsp.Data.AvailableSlots)), "slots")
}

// TestAvailableSlotsStatements: the widget's availableSlots over HTTP reads
// the organisation, the service and its rules once: booking.PublicSlots'
// two statements and no other, over one week as over four.
func TestAvailableSlotsStatements(t *testing.T) {
	t.Parallel()
	var counter atomic.Int64
	db := kithtest.DB(t, &counter)
	p := kithtest.NewPractice(t, db, "maple")
	api := kithtest.NewAPI(t, db)
	var days []map[string]any
	for d := range 7 {
		days = append(days, map[string]any{"weekday": d, "start": "09:00", "end": "17:00"})
	}
	api.OK(p.Token, `mutation($s: ID!, $i: [WorkingHoursInput!]!) { setWorkingHours(staffId: $s, intervals: $i) { id } }`, map[string]any{"s": p.Owner.ID, "i": days}, nil)
	api.OK(p.Token, `mutation { updateBookingRules(input: {bookingMinNoticeMinutes: 0, slotIntervalMinutes: 30}) { id } }`, nil, nil)
	var svc struct{ CreateService struct{ ID string } }
	api.OK(p.Token, `mutation($p: [ID!]) { createService(input: {name: "S", durationMinutes: 60, bookableOnline: true}, practitionerIds: $p) { id } }`,
		map[string]any{"p": []string{string(p.Owner.ID)}}, &svc)
	start := time.Now().Add(48 * time.Hour).Truncate(time.Hour)

	statements := func(weeks int) int64 {
		t.Helper()
		var out struct{ AvailableSlots []struct{ Start string } }
		vars := map[string]any{"o": "maple", "s": svc.CreateService.ID, "f": start, "t": start.AddDate(0, 0, 7*weeks), "z": "Europe/London"}
		api.OK("", slotsQuery, vars, nil) // warm the query caches
		counter.Store(0)
		api.OK("", slotsQuery, vars, &out)
		require.NotEmpty(t, out.AvailableSlots)
		return counter.Load()
	}
	week := statements(1)
	require.Equal(t, week, statements(4), "statements for a week vs four")
	require.EqualValues(t, 2, week, "the service with its organisation and practitioners, their schedules")
}

// TestServicesStatementsDoNotGrow: the services list with each service's
// practitioners and effective rules costs the same number of statements for
// one service as for six (no read per service).
func TestServicesStatementsDoNotGrow(t *testing.T) {
	t.Parallel()
	statements := func(n int) int64 {
		var counter atomic.Int64
		db := kithtest.DB(t, &counter)
		p := kithtest.NewPractice(t, db, fmt.Sprintf("s%d", n))
		api := kithtest.NewAPI(t, db)
		for i := range n {
			api.OK(p.Token, `mutation($n: String!, $p: [ID!]) { createService(input: {name: $n, durationMinutes: 30, bookingMinNoticeMinutes: 60}, practitionerIds: $p) { id } }`,
				map[string]any{"n": fmt.Sprintf("Service %d", i), "p": []string{string(p.Owner.ID)}}, nil)
		}
		q := `{ services { id name practitioners { id name } effectiveRules { minNoticeMinutes slotIntervalMinutes } } }`
		var out struct {
			Services []struct {
				Practitioners  []struct{ ID, Name string }
				EffectiveRules struct{ MinNoticeMinutes, SlotIntervalMinutes int }
			}
		}
		api.OK(p.Token, q, nil, nil) // warm the token and query caches
		counter.Store(0)
		api.OK(p.Token, q, nil, &out)
		require.Len(t, out.Services, n)
		for _, s := range out.Services {
			require.Len(t, s.Practitioners, 1)
			require.Equal(t, string(p.Owner.ID), s.Practitioners[0].ID)
			require.Equal(t, 60, s.EffectiveRules.MinNoticeMinutes, "the service's override")
		}
		return counter.Load()
	}
	one, six := statements(1), statements(6)
	require.Equal(t, one, six, "statements for 1 service vs 6")
	t.Logf("%d statements for 1 service and for 6", one)
}
