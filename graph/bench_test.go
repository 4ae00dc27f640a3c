package graph_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/link"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/server"
	"github.com/kith-health/kith/viewer"
)

// profileQuery is the client profile screen: one client, who gets its
// messages, and its next five appointments.
const profileQuery = `query($id: ID!, $now: Time!){ node(id: $id){ ... on Client {
	id firstName lastName email mobilePhone alert
	recipients { kind name email phone relationship notifyReminders notifyConfirmations notifyScheduled canManageAppointments }
	appointments(first: 5, where: {startsAtGT: $now}, orderBy: {field: STARTS_AT, direction: ASC}) {
		edges { node { id startsAt endsAt status location } }
	}
} } }`

// profileParallelism multiplies GOMAXPROCS into the number of concurrent
// clients, so the CPUs stay busy while requests wait on PostgreSQL.
const profileParallelism = 8

// BenchmarkClientProfile serves profileQuery through kith's real HTTP
// handler and through a hand-written pgx handler that answers the same JSON,
// both on one seeded PostgreSQL schema.
func BenchmarkClientProfile(b *testing.B) {
	if os.Getenv("TEST_DATABASE_URL") == "" {
		b.Skip("TEST_DATABASE_URL is not set: this benchmark compares kith with a pgx baseline on PostgreSQL")
	}
	// Both handlers run with the GC setting kith serve uses.
	b.Cleanup(server.TuneGC(server.DefaultMemoryLimit))
	db := kithtest.DB(b, nil)
	p := kithtest.NewPractice(b, db, "bench")
	body := profileBody(b, seedProfile(b, db, p))
	kith, baseline := benchServers(b, db, func(pool *pgxpool.Pool) http.Handler { return profileBaseline{pool} })

	client := profileClient(b)
	want := profilePost(b, client, kith+"/graphql", p.Token, body)
	got := profilePost(b, client, baseline+"/graphql", p.Token, body)
	require.Equal(b, want, got, "the baseline must answer what kith answers")

	b.Run("kith", func(b *testing.B) { runProfile(b, client, kith+"/graphql", p.Token, body) })
	b.Run("baseline", func(b *testing.B) { runProfile(b, client, baseline+"/graphql", p.Token, body) })
}

// benchServers serves kith's real HTTP handler over db, and the
// hand-written baseline over a pgx pool (pgxpool's default size) of the
// schema kithtest.DB made for the benchmark, and returns their addresses.
func benchServers(b *testing.B, db *database.DB, baseline func(*pgxpool.Pool) http.Handler) (kith, base string) {
	b.Helper()
	ctx := context.Background()
	k := httptest.NewServer(kithtest.NewAPI(b, db).Handler)
	b.Cleanup(k.Close)
	var schema string
	require.NoError(b, db.SQL.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema))
	cfg, err := pgxpool.ParseConfig(os.Getenv("TEST_DATABASE_URL"))
	require.NoError(b, err)
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(b, err)
	b.Cleanup(pool.Close)
	bs := httptest.NewServer(baseline(pool))
	b.Cleanup(bs.Close)
	return k.URL, bs.URL
}

// BenchmarkClientProfileSQLite is the kith half of BenchmarkClientProfile on
// the embedded SQLite store; it needs no server.
func BenchmarkClientProfileSQLite(b *testing.B) {
	b.Cleanup(server.TuneGC(server.DefaultMemoryLimit))
	ctx := context.Background()
	db, err := database.Open(ctx, "sqlite://"+b.TempDir()+"/kith.db", database.Options{})
	require.NoError(b, err)
	b.Cleanup(func() { _ = db.Close() })
	require.NoError(b, db.Migrate(ctx))
	p := kithtest.NewPractice(b, db, "bench")
	body := profileBody(b, seedProfile(b, db, p))

	kith := httptest.NewServer(kithtest.NewAPI(b, db).Handler)
	b.Cleanup(kith.Close)
	client := profileClient(b)
	profilePost(b, client, kith.URL+"/graphql", p.Token, body)
	b.Run("kith", func(b *testing.B) { runProfile(b, client, kith.URL+"/graphql", p.Token, body) })
}

// seedProfile writes, in one transaction, the profiled client (email, phone,
// alert, two contacts with different flags, and twelve appointments a day
// apart from two days ago) and, as noise, 50 other clients with three
// appointments each. It returns the profiled client's ID.
func seedProfile(tb testing.TB, db *database.DB, p kithtest.Practice) pulid.ID {
	tb.Helper()
	ctx := viewer.NewContext(context.Background(), viewer.System{OrgID: p.Org.ID})
	tx, err := db.Client.Tx(ctx)
	require.NoError(tb, err)
	ctx = transaction.With(ctx, tx) // the hooks of its writes find it
	defer func() { _ = tx.Rollback() }()
	c := tx.Client()

	dr, err := c.Staff.Create().SetName("Dr Bench").SetEmail("dr@bench.example").
		SetRole(staff.RolePractitioner).Save(ctx)
	require.NoError(tb, err)
	robin, err := c.ClientProfile.Create().SetFirstName("Robin").SetLastName("Hughes").
		SetEmail("robin.hughes@example.com").SetMobilePhone("416 555 0110").SetAlert("Latex allergy").
		AddPractitionerIDs(dr.ID).Save(ctx)
	require.NoError(tb, err)
	yes := true
	str := func(s string) *string { return &s }
	for _, in := range []link.Input{{
		Contact:      &ent.CreateContactInput{FirstName: "Casey", LastName: str("Hughes"), Email: str("casey@example.com"), Phone: str("416 555 0111")},
		Relationship: clientcontact.RelationshipParent, NotifyReminders: &yes, CanManageAppointments: &yes,
	}, {
		Contact:      &ent.CreateContactInput{FirstName: "Morgan", Email: str("morgan@example.com")},
		Relationship: clientcontact.RelationshipGuardian, NotifyConfirmations: &yes, NotifyScheduled: &yes,
	}} {
		_, err := link.Add(ctx, c, robin.ID, in)
		require.NoError(tb, err)
	}

	day := time.Now().UTC().Truncate(24 * time.Hour).Add(15 * time.Hour)
	for d := -2; d < 10; d++ {
		start := day.AddDate(0, 0, d)
		a := c.Appointment.Create().SetClientID(robin.ID).SetPractitionerID(dr.ID).
			SetStartsAt(start).SetEndsAt(start.Add(50 * time.Minute))
		if d%2 == 0 {
			a.SetLocation("Room 2")
		}
		require.NoError(tb, a.Exec(ctx))
	}
	for i := range 50 {
		other, err := c.ClientProfile.Create().SetFirstName(fmt.Sprintf("Other%02d", i)).SetLastName("Client").
			SetEmail(fmt.Sprintf("other%02d@example.com", i)).AddPractitionerIDs(dr.ID).Save(ctx)
		require.NoError(tb, err)
		// Each with a practitioner of its own: one is never booked twice at once.
		theirs, err := c.Staff.Create().SetName(fmt.Sprintf("Dr %02d", i)).SetEmail(fmt.Sprintf("dr%02d@bench.example", i)).
			SetRole(staff.RolePractitioner).Save(ctx)
		require.NoError(tb, err)
		for d := range 3 {
			start := day.AddDate(0, 0, d).Add(time.Duration(i%8) * time.Hour)
			require.NoError(tb, c.Appointment.Create().SetClientID(other.ID).SetPractitionerID(theirs.ID).
				SetStartsAt(start).SetEndsAt(start.Add(50*time.Minute)).Exec(ctx))
		}
	}
	require.NoError(tb, tx.Commit())
	return robin.ID
}

// profileBody is the POST body of profileQuery for client id.
func profileBody(tb testing.TB, id pulid.ID) []byte {
	tb.Helper()
	body, err := json.Marshal(map[string]any{"query": profileQuery, "variables": map[string]any{
		"id": id, "now": time.Now().UTC().Format(time.RFC3339Nano),
	}})
	require.NoError(tb, err)
	return body
}

// profileClient is an HTTP client that keeps a connection alive for every
// concurrent benchmark goroutine.
func profileClient(tb testing.TB) *http.Client {
	t := &http.Transport{MaxIdleConnsPerHost: 1024}
	tb.Cleanup(t.CloseIdleConnections)
	return &http.Client{Transport: t}
}

func profileRequest(url, token string, body []byte) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}

// benchPost posts body once, requires an answer without errors, and
// returns it raw and decoded.
func benchPost(tb testing.TB, client *http.Client, url, token string, body []byte) ([]byte, map[string]any) {
	tb.Helper()
	rsp, err := client.Do(profileRequest(url, token, body))
	require.NoError(tb, err)
	defer rsp.Body.Close()
	raw, err := io.ReadAll(rsp.Body)
	require.NoError(tb, err)
	require.Equal(tb, http.StatusOK, rsp.StatusCode, string(raw))
	var out map[string]any
	require.NoError(tb, json.Unmarshal(raw, &out))
	require.NotContains(tb, out, "errors", string(raw))
	return raw, out
}

// profilePost posts body once, requires a full answer, and returns it decoded.
func profilePost(tb testing.TB, client *http.Client, url, token string, body []byte) map[string]any {
	tb.Helper()
	raw, out := benchPost(tb, client, url, token, body)
	var shape struct {
		Data struct {
			Node struct {
				Recipients   []any
				Appointments struct{ Edges []any }
			}
		}
	}
	require.NoError(tb, json.Unmarshal(raw, &shape))
	require.Len(tb, shape.Data.Node.Recipients, 3, string(raw))
	require.Len(tb, shape.Data.Node.Appointments.Edges, 5, string(raw))
	return out
}

// runProfile posts body to url from concurrent goroutines and reports req/s,
// and the process's CPU time per request (cpu-us/op), which other work on
// the machine disturbs less than req/s; PostgreSQL's is not in it.
// Allocations and CPU count the client's side too, since it runs in this
// process.
func runProfile(b *testing.B, client *http.Client, url, token string, body []byte) {
	b.ReportAllocs()
	b.SetParallelism(profileParallelism)
	b.ResetTimer()
	cpu := kithtest.CPUTime()
	b.RunParallel(func(pb *testing.PB) {
		first := true
		for pb.Next() {
			rsp, err := client.Do(profileRequest(url, token, body))
			if err != nil {
				b.Error(err)
				return
			}
			if first {
				raw, _ := io.ReadAll(rsp.Body)
				if bytes.Contains(raw, []byte(`"errors"`)) {
					b.Errorf("response with errors: %s", raw)
				}
				first = false
			}
			_, _ = io.Copy(io.Discard, rsp.Body)
			_ = rsp.Body.Close()
			if rsp.StatusCode != http.StatusOK {
				b.Errorf("status %d", rsp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	b.ReportMetric(float64((kithtest.CPUTime()-cpu).Microseconds())/float64(b.N), "cpu-us/op")
}

// profileBaseline answers profileQuery's variables with hand-written SQL on
// pgx: it checks the bearer token as kith does, then reads the client, its
// links with their contacts, and its next five appointments, all confined to
// the token's organisation. It ignores the query text.
type profileBaseline struct{ pool *pgxpool.Pool }

type (
	profileResponse struct {
		Data struct {
			Node *profileClientJSON `json:"node"`
		} `json:"data"`
	}
	profileClientJSON struct {
		ID           string                 `json:"id"`
		FirstName    string                 `json:"firstName"`
		LastName     string                 `json:"lastName"`
		Email        string                 `json:"email"`
		MobilePhone  string                 `json:"mobilePhone"`
		Alert        string                 `json:"alert"`
		Recipients   []profileRecipientJSON `json:"recipients"`
		Appointments struct {
			Edges []profileEdgeJSON `json:"edges"`
		} `json:"appointments"`
	}
	profileRecipientJSON struct {
		Kind                  string  `json:"kind"`
		Name                  string  `json:"name"`
		Email                 *string `json:"email"`
		Phone                 *string `json:"phone"`
		Relationship          *string `json:"relationship"`
		NotifyReminders       bool    `json:"notifyReminders"`
		NotifyConfirmations   bool    `json:"notifyConfirmations"`
		NotifyScheduled       bool    `json:"notifyScheduled"`
		CanManageAppointments bool    `json:"canManageAppointments"`
	}
	profileEdgeJSON struct {
		Node profileAppointmentJSON `json:"node"`
	}
	profileAppointmentJSON struct {
		ID       string    `json:"id"`
		StartsAt time.Time `json:"startsAt"`
		EndsAt   time.Time `json:"endsAt"`
		Status   string    `json:"status"`
		Location string    `json:"location"`
	}
)

func (h profileBaseline) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	serveBaseline(w, r, func(ctx context.Context, token string, v baselineVars) (any, error) {
		var rsp profileResponse
		node, err := h.client(ctx, token, v.ID, v.Now)
		if err == nil {
			rsp.Data.Node = node
		}
		return rsp, err // unknown token or client: node is null
	})
}

// baselineVars are the variables the baselines read: the profile's client
// id, the page's practitioner p, and now.
type baselineVars struct {
	ID  string    `json:"id"`
	P   string    `json:"p"`
	Now time.Time `json:"now"`
}

// serveBaseline decodes a baseline request's variables and bearer token and
// writes the response answer makes of them; an error other than no rows
// (an unknown token or record, answered with what answer made) is a 500.
func serveBaseline(w http.ResponseWriter, r *http.Request, answer func(ctx context.Context, token string, v baselineVars) (any, error)) {
	var in struct {
		Variables baselineVars `json:"variables"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	rsp, err := answer(r.Context(), token, in.Variables)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(rsp)
}

func (h profileBaseline) client(ctx context.Context, token, id string, now time.Time) (*profileClientJSON, error) {
	org, err := baselineOrg(ctx, h.pool, token)
	if err != nil {
		return nil, err
	}

	var (
		c                          profileClientJSON
		preferred                  string
		reminders, confirms, sched bool
	)
	err = h.pool.QueryRow(ctx, `SELECT id, first_name, last_name, coalesce(preferred_name, ''), coalesce(email, ''),
		coalesce(mobile_phone, ''), coalesce(alert, ''), notify_reminders, notify_confirmations, notify_scheduled
		FROM clients WHERE id = $1 AND organization_id = $2`, id, org).
		Scan(&c.ID, &c.FirstName, &c.LastName, &preferred, &c.Email, &c.MobilePhone, &c.Alert, &reminders, &confirms, &sched)
	if err != nil {
		return nil, err
	}
	c.Recipients = append(c.Recipients, clientRecipient(&c, preferred, reminders, confirms, sched))

	rows, err := h.pool.Query(ctx, `SELECT k.first_name, coalesce(k.last_name, ''), coalesce(k.email, ''), coalesce(k.phone, ''),
		l.relationship, l.notify_reminders, l.notify_confirmations, l.notify_scheduled, l.can_manage_appointments
		FROM client_contacts l JOIN contacts k ON k.id = l.contact_id
		WHERE l.client_id = $1 AND l.organization_id = $2 AND k.organization_id = $2
		ORDER BY l.created_at, l.id`, id, org)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		r, err := scanContactRecipient(rows)
		if err != nil {
			return nil, err
		}
		c.Recipients = append(c.Recipients, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	rows, err = h.pool.Query(ctx, `SELECT id, starts_at, ends_at, status, coalesce(location, '')
		FROM appointments WHERE client_id = $1 AND organization_id = $2 AND starts_at > $3
		ORDER BY starts_at, id LIMIT 5`, id, org, now)
	if err != nil {
		return nil, err
	}
	c.Appointments.Edges = []profileEdgeJSON{}
	for rows.Next() {
		var a profileAppointmentJSON
		if err := rows.Scan(&a.ID, &a.StartsAt, &a.EndsAt, &a.Status, &a.Location); err != nil {
			return nil, err
		}
		c.Appointments.Edges = append(c.Appointments.Edges, profileEdgeJSON{Node: a})
	}
	return &c, rows.Err()
}

// baselineOrg is the organisation of a staff token, checked as kith checks
// it: unrevoked, unexpired, its staff member active.
func baselineOrg(ctx context.Context, pool *pgxpool.Pool, token string) (string, error) {
	hash := sha256.Sum256([]byte(token))
	var org string
	err := pool.QueryRow(ctx, `SELECT t.organization_id FROM staff_tokens t JOIN staff s ON s.id = t.staff_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now() AND s.active`, hash[:]).Scan(&org)
	return org, err
}

// clientRecipient is client c as the first of its recipients.
func clientRecipient(c *profileClientJSON, preferred string, reminders, confirms, sched bool) profileRecipientJSON {
	first := c.FirstName
	if preferred != "" {
		first = preferred
	}
	return profileRecipientJSON{
		Kind: "CLIENT", Name: first + " " + c.LastName, Email: profileOptional(c.Email), Phone: profileOptional(c.MobilePhone),
		NotifyReminders: reminders, NotifyConfirmations: confirms, NotifyScheduled: sched, CanManageAppointments: true,
	}
}

// scanContactRecipient scans a row of the baselines' links query (lead's
// columns, then the contact's names, email and phone and the link's
// relationship and flags) into the contact's recipient.
func scanContactRecipient(rows pgx.Rows, lead ...any) (profileRecipientJSON, error) {
	var (
		r                       profileRecipientJSON
		firstName, last, em, ph string
		rel                     string
	)
	err := rows.Scan(append(lead, &firstName, &last, &em, &ph, &rel,
		&r.NotifyReminders, &r.NotifyConfirmations, &r.NotifyScheduled, &r.CanManageAppointments)...)
	r.Kind, r.Name, r.Email, r.Phone, r.Relationship = "CONTACT", strings.TrimSpace(firstName+" "+last), profileOptional(em), profileOptional(ph), &rel
	return r, err
}

// profileOptional is nil for "", as kith answers empty optional strings.
func profileOptional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
