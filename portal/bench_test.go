package portal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/server"
	"github.com/kith-health/kith/viewer"
)

// portalQuery is the portal's home screen for a parent: who they are, the
// children they act for, and the upcoming appointments of the one they
// picked.
const portalQuery = `{
	portalViewer { email clients { clientId clientFirstName relationship scopes canManageAppointments } actingFor { clientId } }
	portalClient { id firstName appointments(first: 5) { id startsAt startsAtLocal status practitionerName location } }
}`

// BenchmarkPortalHome serves portalQuery through kith's HTTP handler for a
// parent linked to three children, each with ten upcoming appointments:
// checked requests authenticate the session token and check the parent's
// access to the named child, as kith does; unchecked ones hand the same
// handler a ready-made portal viewer, so the difference (check-%) is what
// the access checks cost. Run it on PostgreSQL with TEST_DATABASE_URL, beside
// graph's BenchmarkClientProfile.
func BenchmarkPortalHome(b *testing.B) {
	b.Cleanup(server.TuneGC(server.DefaultMemoryLimit))
	db := kithtest.DB(b, nil)
	api := kithtest.NewAPI(b, db)
	p := kithtest.NewPractice(b, db, "bench")
	var pat struct{ CreateContact struct{ ID string } }
	api.OK(p.Token, `mutation { createContact(input: {firstName: "Pat", email: "pat@family.example"}) { id } }`, nil, &pat)
	var children []string
	var session string
	for i, name := range []string{"Sam", "Kim", "Lee"} {
		var c struct {
			CreateClient struct {
				ID           string
				ContactLinks []struct{ ID string }
			}
		}
		api.OK(p.Token, `mutation($n: String!, $co: ID!) { createClient(input: {firstName: $n, lastName: "Rivera"},
			contacts: [{contactID: $co, relationship: PARENT, canManageAppointments: true, portalScopes: [VIEW_FORMS, MESSAGING]}]) { id contactLinks { id } } }`,
			map[string]any{"n": name, "co": pat.CreateContact.ID}, &c)
		children = append(children, c.CreateClient.ID)
		session = claimToken(b, api, p.Token, c.CreateClient.ContactLinks[0].ID, "pat@family.example")
		for d := range 10 {
			at := time.Now().Add(time.Duration(24*(d+1)+i) * time.Hour).UTC().Truncate(time.Minute)
			api.OK(p.Token, `mutation($id: ID!, $p: ID!, $s: Time!, $e: Time!) { createAppointment(input: {clientID: $id, practitionerID: $p, startsAt: $s, endsAt: $e, location: "Room 1"}) { id } }`,
				map[string]any{"id": c.CreateClient.ID, "p": string(p.Owner.ID), "s": at, "e": at.Add(50 * time.Minute)}, nil)
		}
	}
	acting := children[1]
	body, err := json.Marshal(map[string]any{"query": portalQuery})
	require.NoError(b, err)

	checked := httptest.NewServer(api.Handler)
	b.Cleanup(checked.Close)
	// The viewer the checks produce, fixed once.
	v, err := api.Portal.Authenticate(context.Background(), session, pulid.ID(acting))
	require.NoError(b, err)
	require.Equal(b, pulid.ID(acting), v.ClientID)
	unchecked := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.Handler.ServeHTTP(w, r.WithContext(viewer.NewContext(r.Context(), v)))
	}))
	b.Cleanup(unchecked.Close)

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1024}}
	post := func(url, token string) *http.Request {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Kith-Client", acting)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return req
	}
	for _, c := range []struct{ url, token string }{{checked.URL + "/graphql", session}, {unchecked.URL + "/graphql", ""}} {
		rsp, err := client.Do(post(c.url, c.token))
		require.NoError(b, err)
		raw, _ := io.ReadAll(rsp.Body)
		_ = rsp.Body.Close()
		require.NotContains(b, string(raw), `"errors"`, string(raw))
		require.Equal(b, 5, bytes.Count(raw, []byte(`"practitionerName"`)), string(raw))
		require.Equal(b, 3, bytes.Count(raw, []byte(`"clientFirstName"`)), string(raw))
	}
	// Checked and unchecked requests take turns in rounds of 64, each
	// round sent by 16 workers, so that whatever else loads the machine
	// slows both alike; check-% is the throughput the checks cost.
	const round, workers = 64, 16
	var (
		spent  [2]time.Duration
		served [2]int
		failed atomic.Value
	)
	urls := [2]string{checked.URL + "/graphql", unchecked.URL + "/graphql"}
	tokens := [2]string{session, ""}
	b.ReportAllocs()
	b.ResetTimer()
	for r := 0; served[0]+served[1] < b.N; r++ {
		k, n := r%2, min(round, b.N-served[0]-served[1])
		var next atomic.Int64
		var wg sync.WaitGroup
		start := time.Now()
		for range workers {
			wg.Go(func() {
				for next.Add(1) <= int64(n) {
					rsp, err := client.Do(post(urls[k], tokens[k]))
					if err != nil {
						failed.Store(err.Error())
						return
					}
					_, _ = io.Copy(io.Discard, rsp.Body)
					_ = rsp.Body.Close()
					if rsp.StatusCode != http.StatusOK {
						failed.Store(fmt.Sprintf("status %d", rsp.StatusCode))
						return
					}
				}
			})
		}
		wg.Wait()
		spent[k] += time.Since(start)
		served[k] += n
		if f := failed.Load(); f != nil {
			b.Fatal(f)
		}
	}
	b.StopTimer()
	rate := func(k int) float64 { return float64(served[k]) / max(spent[k].Seconds(), 1e-9) }
	b.ReportMetric(rate(0), "checked-req/s")
	b.ReportMetric(rate(1), "unchecked-req/s")
	b.ReportMetric(100*(1-rate(0)/rate(1)), "check-%")
}

// BenchmarkPortalAuthenticate is the access check alone: a session token
// and the client it acts for, to a portal viewer (one statement).
func BenchmarkPortalAuthenticate(b *testing.B) {
	db := kithtest.DB(b, nil)
	api := kithtest.NewAPI(b, db)
	p := kithtest.NewPractice(b, db, "bench")
	var c struct {
		CreateClient struct {
			ID           string
			ContactLinks []struct{ ID string }
		}
	}
	api.OK(p.Token, `mutation { createClient(input: {firstName: "Sam", lastName: "Rivera"},
		contacts: [{contact: {firstName: "Pat", email: "pat@family.example"}, relationship: PARENT, portalScopes: [VIEW_FORMS]}]) { id contactLinks { id } } }`, nil, &c)
	session := claimToken(b, api, p.Token, c.CreateClient.ContactLinks[0].ID, "pat@family.example")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		v, err := api.Portal.Authenticate(ctx, session, pulid.ID(c.CreateClient.ID))
		if err != nil || v.ClientID == "" {
			b.Fatal(err)
		}
	}
}
