package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/server"
	"github.com/kith-health/kith/viewer"
)

// pageQuery is a practitioner's client page: the first 50 of their
// clients by last name, each with who gets its messages and its next five
// appointments.
const pageQuery = `query($p: ID!, $now: Time!){ clients(first: 50, where: {hasPractitionersWith: {id: $p}}, orderBy: {field: LAST_NAME}) {
	edges { node {
		id firstName lastName email mobilePhone alert
		recipients { kind name email phone relationship notifyReminders notifyConfirmations notifyScheduled canManageAppointments }
		appointments(first: 5, where: {startsAtGT: $now}, orderBy: {field: STARTS_AT, direction: ASC}) {
			edges { node { id startsAt endsAt status location } }
		}
	} }
} }`

// BenchmarkClientPage serves pageQuery through kith's real HTTP handler and
// through a hand-written pgx handler that answers the same JSON (checked
// equal first), both on one seeded PostgreSQL schema, and reports kith's
// throughput as a ratio of the baseline's. Sub-benchmarks alternate so
// noise hits both alike.
func BenchmarkClientPage(b *testing.B) {
	if os.Getenv("TEST_DATABASE_URL") == "" {
		b.Skip("TEST_DATABASE_URL is not set: this benchmark compares kith with a pgx baseline on PostgreSQL")
	}
	b.Cleanup(server.TuneGC(server.DefaultMemoryLimit))
	db := kithtest.DB(b, nil)
	p := kithtest.NewPractice(b, db, "page")
	body := pageBody(b, seedPage(b, db, p))
	kith, baseline := benchServers(b, db, func(pool *pgxpool.Pool) http.Handler { return pageBaseline{pool} })

	client := profileClient(b)
	want := pagePost(b, client, kith+"/graphql", p.Token, body)
	got := pagePost(b, client, baseline+"/graphql", p.Token, body)
	require.Equal(b, want, got, "the baseline must answer what kith answers")

	var kithRate, baseRate float64
	for range 2 {
		b.Run("kith", func(b *testing.B) { kithRate = runRate(b, client, kith+"/graphql", p.Token, body) })
		b.Run("baseline", func(b *testing.B) { baseRate = runRate(b, client, baseline+"/graphql", p.Token, body) })
	}
	if baseRate > 0 {
		b.Logf("kith %.0f req/s, baseline %.0f req/s: ratio %.2f", kithRate, baseRate, kithRate/baseRate)
	}
}

// runRate is runProfile, returning the rate it reported.
func runRate(b *testing.B, client *http.Client, url, token string, body []byte) float64 {
	runProfile(b, client, url, token, body)
	return float64(b.N) / b.Elapsed().Seconds()
}

// pageFamilies is how the page's practice is made: 200 clients in 129
// families (71 pairs of siblings and 58 only children), each family with
// two contacts, 1,510 future appointments, 50 of the clients assigned to
// the practitioner whose page it is.
const (
	pageClients  = 200
	pageFamilies = 129
)

// seedPage writes the page's practice in one transaction and returns the
// practitioner whose page it is.
func seedPage(tb testing.TB, db *database.DB, p kithtest.Practice) pulid.ID {
	tb.Helper()
	ctx := viewer.NewContext(context.Background(), viewer.System{OrgID: p.Org.ID})
	tx, err := db.Client.Tx(ctx)
	require.NoError(tb, err)
	ctx = transaction.With(ctx, tx)
	defer func() { _ = tx.Rollback() }()
	c := tx.Client()

	page, err := c.Staff.Create().SetName("Dr Page").SetEmail("page@bench.example").SetRole(staff.RolePractitioner).Save(ctx)
	require.NoError(tb, err)
	// Ten practitioners see the appointments, each client at an hour of
	// its own, so nobody is booked twice at once.
	var seeing []pulid.ID
	for i := range 10 {
		dr, err := c.Staff.Create().SetName(fmt.Sprintf("Dr %02d", i)).SetEmail(fmt.Sprintf("dr%02d@page.example", i)).
			SetRole(staff.RolePractitioner).Save(ctx)
		require.NoError(tb, err)
		seeing = append(seeing, dr.ID)
	}
	day := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 1)
	n := 0
	for f := range pageFamilies {
		last := fmt.Sprintf("Family%03d", f)
		parent, err := c.Contact.Create().SetFirstName("Parent").SetLastName(last).
			SetEmail(fmt.Sprintf("parent%03d@example.com", f)).SetPhone(fmt.Sprintf("905 555 %04d", f)).Save(ctx)
		require.NoError(tb, err)
		guardian, err := c.Contact.Create().SetFirstName("Guardian").
			SetEmail(fmt.Sprintf("guardian%03d@example.com", f)).Save(ctx)
		require.NoError(tb, err)
		children := 1
		if f < pageClients-pageFamilies {
			children = 2
		}
		for k := range children {
			i := n
			n++
			cl := c.ClientProfile.Create().SetFirstName(fmt.Sprintf("Child%d", k)).SetLastName(last).
				SetEmail(fmt.Sprintf("client%03d@example.com", i)).SetMobilePhone(fmt.Sprintf("647 555 %04d", i))
			if i%3 == 0 {
				cl.SetAlert("Latex allergy")
			}
			if i%4 == 0 {
				cl.AddPractitionerIDs(page.ID)
			}
			client, err := cl.Save(ctx)
			require.NoError(tb, err)
			require.NoError(tb, c.ClientContact.Create().SetClientID(client.ID).SetContactID(parent.ID).
				SetRelationship(clientcontact.RelationshipParent).SetNotifyReminders(true).SetCanManageAppointments(true).Exec(ctx))
			require.NoError(tb, c.ClientContact.Create().SetClientID(client.ID).SetContactID(guardian.ID).
				SetRelationship(clientcontact.RelationshipGuardian).SetNotifyConfirmations(true).Exec(ctx))
			count := 7
			if i%2 == 0 {
				count = 8
			}
			if i < 10 {
				count++
			}
			for d := range count {
				start := day.AddDate(0, 0, d).Add(time.Duration(i/10) * time.Hour)
				a := c.Appointment.Create().SetClientID(client.ID).SetPractitionerID(seeing[i%10]).
					SetStartsAt(start).SetEndsAt(start.Add(50 * time.Minute))
				if d%2 == 0 {
					a.SetLocation("Room 2")
				}
				require.NoError(tb, a.Exec(ctx))
			}
		}
	}
	require.NoError(tb, tx.Commit())
	return page.ID
}

// pageBody is the POST body of pageQuery for practitioner id.
func pageBody(tb testing.TB, id pulid.ID) []byte {
	tb.Helper()
	body, err := json.Marshal(map[string]any{"query": pageQuery, "variables": map[string]any{
		"p": id, "now": time.Now().UTC().Format(time.RFC3339Nano),
	}})
	require.NoError(tb, err)
	return body
}

// pagePost posts body once, requires a full page, and returns it decoded.
func pagePost(tb testing.TB, client *http.Client, url, token string, body []byte) map[string]any {
	tb.Helper()
	raw, out := benchPost(tb, client, url, token, body)
	var shape struct {
		Data struct {
			Clients struct {
				Edges []struct {
					Node struct {
						Recipients   []any
						Appointments struct{ Edges []any }
					}
				}
			}
		}
	}
	require.NoError(tb, json.Unmarshal(raw, &shape))
	require.Len(tb, shape.Data.Clients.Edges, 50, "the practitioner's 50 clients")
	for _, e := range shape.Data.Clients.Edges {
		require.Len(tb, e.Node.Recipients, 3)
		require.Len(tb, e.Node.Appointments.Edges, 5)
	}
	return out
}

// pageBaseline answers pageQuery's variables with hand-written SQL on pgx:
// it checks the bearer token as kith does, then reads the practitioner's
// first 50 clients, their links with their contacts, and each one's next
// five appointments, in four statements, all confined to the token's
// organisation. It ignores the query text.
type pageBaseline struct{ pool *pgxpool.Pool }

type pageResponse struct {
	Data struct {
		Clients struct {
			Edges []pageEdgeJSON `json:"edges"`
		} `json:"clients"`
	} `json:"data"`
}

type pageEdgeJSON struct {
	Node *profileClientJSON `json:"node"`
}

func (h pageBaseline) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	serveBaseline(w, r, func(ctx context.Context, token string, v baselineVars) (any, error) {
		var rsp pageResponse
		edges, err := h.page(ctx, token, v.P, v.Now)
		rsp.Data.Clients.Edges = edges
		return rsp, err
	})
}

func (h pageBaseline) page(ctx context.Context, token, practitioner string, now time.Time) ([]pageEdgeJSON, error) {
	org, err := baselineOrg(ctx, h.pool, token)
	if err != nil {
		return nil, err
	}

	rows, err := h.pool.Query(ctx, `SELECT c.id, c.first_name, c.last_name, coalesce(c.preferred_name, ''), coalesce(c.email, ''),
		coalesce(c.mobile_phone, ''), coalesce(c.alert, ''), c.notify_reminders, c.notify_confirmations, c.notify_scheduled
		FROM clients c JOIN staff_assigned_clients sc ON sc.client_profile_id = c.id
		WHERE sc.staff_id = $1 AND c.organization_id = $2
		ORDER BY c.last_name, c.id LIMIT 50`, practitioner, org)
	if err != nil {
		return nil, err
	}
	edges := []pageEdgeJSON{}
	byID := map[string]*profileClientJSON{}
	var ids []string
	for rows.Next() {
		var (
			c                          profileClientJSON
			preferred                  string
			reminders, confirms, sched bool
		)
		if err := rows.Scan(&c.ID, &c.FirstName, &c.LastName, &preferred, &c.Email, &c.MobilePhone, &c.Alert, &reminders, &confirms, &sched); err != nil {
			return nil, err
		}
		c.Recipients = []profileRecipientJSON{clientRecipient(&c, preferred, reminders, confirms, sched)}
		c.Appointments.Edges = []profileEdgeJSON{}
		edges = append(edges, pageEdgeJSON{Node: &c})
		byID[c.ID] = &c
		ids = append(ids, c.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	rows, err = h.pool.Query(ctx, `SELECT l.client_id, k.first_name, coalesce(k.last_name, ''), coalesce(k.email, ''), coalesce(k.phone, ''),
		l.relationship, l.notify_reminders, l.notify_confirmations, l.notify_scheduled, l.can_manage_appointments
		FROM client_contacts l JOIN contacts k ON k.id = l.contact_id
		WHERE l.client_id = ANY($1) AND l.organization_id = $2 AND k.organization_id = $2
		ORDER BY l.client_id, l.created_at, l.id`, ids, org)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var client string
		r, err := scanContactRecipient(rows, &client)
		if err != nil {
			return nil, err
		}
		byID[client].Recipients = append(byID[client].Recipients, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	rows, err = h.pool.Query(ctx, `SELECT client_id, id, starts_at, ends_at, status, location FROM (
		SELECT client_id, id, starts_at, ends_at, status, coalesce(location, '') AS location,
			row_number() OVER (PARTITION BY client_id ORDER BY starts_at, id) AS n
		FROM appointments WHERE client_id = ANY($1) AND organization_id = $2 AND starts_at > $3) a
		WHERE n <= 5 ORDER BY client_id, n`, ids, org, now)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var (
			client string
			a      profileAppointmentJSON
		)
		if err := rows.Scan(&client, &a.ID, &a.StartsAt, &a.EndsAt, &a.Status, &a.Location); err != nil {
			return nil, err
		}
		c := byID[client]
		c.Appointments.Edges = append(c.Appointments.Edges, profileEdgeJSON{Node: a})
	}
	return edges, rows.Err()
}
