package graph_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/ratelimit"
	"github.com/kith-health/kith/server"
)

const ownerPassword = "correct horse battery"

// only is the one error of rsp.
func only(t *testing.T, rsp kithtest.Response) kithtest.Error {
	t.Helper()
	require.Len(t, rsp.Errors, 1, "data: %s", rsp.Data)
	return rsp.Errors[0]
}

// signInAs posts signIn from ip and returns the response.
func signInAs(t *testing.T, h http.Handler, ip, org, email, password string) kithtest.Response {
	t.Helper()
	req := kithtest.NewRequest(t, http.MethodPost, "", signInMutation, map[string]any{"in": map[string]any{
		"organization": org, "email": email, "password": password,
	}})
	req.RemoteAddr = ip + ":40000"
	_, rsp := roundTrip(t, h, req)
	return rsp
}

// TestSignInRateLimit: staff sign-in counts failures per account and per
// IP address; past either limit it answers RATE_LIMITED, the same for an
// account that does not exist, even to the right password.
func TestSignInRateLimit(t *testing.T) {
	t.Parallel()

	t.Run("per account, known or not", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		var limited []kithtest.Error
		for _, email := range []string{"owner@maple.example", "nobody@maple.example"} {
			for i := range 10 {
				rsp := signInAs(t, b.api.Handler, "192.0.2.10", "maple", email, "wrong password "+string(rune('a'+i)))
				require.Len(t, rsp.Errors, 1)
				requireCode(t, only(t, rsp), graph.CodeUnauthenticated, "")
			}
			for _, password := range []string{"wrong again", ownerPassword} {
				rsp := signInAs(t, b.api.Handler, "192.0.2.11", "maple", email, password)
				require.JSONEq(t, "null", string(rsp.Data))
				require.Len(t, rsp.Errors, 1, email)
				requireCode(t, only(t, rsp), graph.CodeRateLimited, "")
				limited = append(limited, rsp.Errors[0])
			}
			// Spelled otherwise, it is the same account.
			rsp := signInAs(t, b.api.Handler, "192.0.2.12", " MAPLE ", " "+email+" ", ownerPassword)
			requireCode(t, only(t, rsp), graph.CodeRateLimited, "")
		}
		for _, e := range limited[1:] {
			require.Equal(t, limited[0], e, "rate limits read differently")
		}
		require.Equal(t, "too many requests: wait a few minutes and try again", limited[0].Message)
		// Another account is not held back.
		var out struct{ CreateStaff struct{ ID string } }
		b.api.OK(b.token, `mutation { createStaff(input: {name: "Desk", email: "desk@maple.example", role: FRONT_DESK}, password: "a long enough password") { id } }`, nil, &out)
		rsp := signInAs(t, b.api.Handler, "192.0.2.10", "maple", "desk@maple.example", "a long enough password")
		require.Empty(t, rsp.Errors)
	})

	t.Run("successes do not count", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		for range 15 {
			rsp := signInAs(t, b.api.Handler, "192.0.2.20", "maple", "owner@maple.example", ownerPassword)
			require.Empty(t, rsp.Errors)
		}
		for range 9 { // a typo now and then
			rsp := signInAs(t, b.api.Handler, "192.0.2.20", "maple", "owner@maple.example", "correct horse batery")
			requireCode(t, only(t, rsp), graph.CodeUnauthenticated, "")
			rsp = signInAs(t, b.api.Handler, "192.0.2.20", "maple", "owner@maple.example", ownerPassword)
			require.Empty(t, rsp.Errors)
		}
	})

	t.Run("per IP address", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		for i := range 30 {
			rsp := signInAs(t, b.api.Handler, "198.51.100.7", "maple", "guess"+string(rune('a'+i))+"@maple.example", "password123")
			requireCode(t, only(t, rsp), graph.CodeUnauthenticated, "")
		}
		rsp := signInAs(t, b.api.Handler, "198.51.100.7", "maple", "owner@maple.example", ownerPassword)
		requireCode(t, only(t, rsp), graph.CodeRateLimited, "")
		rsp = signInAs(t, b.api.Handler, "198.51.100.8", "maple", "owner@maple.example", ownerPassword)
		require.Empty(t, rsp.Errors, "another address is held back")
	})

	t.Run("attempts at once count as they start", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		h := b.api.Handler
		codes := make([]string, 30)
		var wg sync.WaitGroup
		for i := range codes {
			wg.Go(func() {
				req := kithtest.NewRequest(t, http.MethodPost, "", signInMutation, map[string]any{"in": map[string]any{
					"organization": "maple", "email": "owner@maple.example", "password": "not the password",
				}})
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				switch body := rec.Body.String(); {
				case strings.Contains(body, graph.CodeRateLimited):
					codes[i] = graph.CodeRateLimited
				case strings.Contains(body, graph.CodeUnauthenticated):
					codes[i] = graph.CodeUnauthenticated
				default:
					codes[i] = body
				}
			})
		}
		wg.Wait()
		n := map[string]int{}
		for _, c := range codes {
			n[c]++
		}
		require.Equal(t, map[string]int{graph.CodeUnauthenticated: 10, graph.CodeRateLimited: 20}, n)
	})

	t.Run("configured", func(t *testing.T) {
		t.Parallel()
		db := kithtest.DB(t, nil)
		kithtest.NewPractice(t, db, "maple")
		api := kithtest.NewAPIConfig(t, db, server.Config{}, auth.Config{
			AccountLimit: ratelimit.Limit{Burst: 2, Every: time.Hour},
			IPLimit:      ratelimit.Limit{Burst: 3, Every: time.Hour},
		})
		for range 2 {
			rsp := signInAs(t, api.Handler, "192.0.2.30", "maple", "owner@maple.example", "nope nope nope")
			requireCode(t, only(t, rsp), graph.CodeUnauthenticated, "")
		}
		rsp := signInAs(t, api.Handler, "192.0.2.30", "maple", "owner@maple.example", ownerPassword)
		requireCode(t, only(t, rsp), graph.CodeRateLimited, "")
		rsp = signInAs(t, api.Handler, "192.0.2.30", "maple", "other@maple.example", "nope nope nope")
		requireCode(t, only(t, rsp), graph.CodeUnauthenticated, "")
		rsp = signInAs(t, api.Handler, "192.0.2.30", "maple", "third@maple.example", "nope nope nope")
		requireCode(t, only(t, rsp), graph.CodeRateLimited, "")
	})
}

// TestSignInLimitBehindTrustedProxy: behind a trusted proxy each client
// (X-Forwarded-For) has its own per-IP budget; a client that writes the
// header itself, not through the proxy, is still counted by its own address.
func TestSignInLimitBehindTrustedProxy(t *testing.T) {
	t.Parallel()
	db := kithtest.DB(t, nil)
	kithtest.NewPractice(t, db, "maple")
	api := kithtest.NewAPIConfig(t, db, server.Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}, auth.Config{})
	signIn := func(remote, forwarded, email string) kithtest.Response {
		req := kithtest.NewRequest(t, http.MethodPost, "", signInMutation, map[string]any{"in": map[string]any{
			"organization": "maple", "email": email, "password": "password123",
		}})
		req.RemoteAddr = remote + ":40000"
		if forwarded != "" {
			req.Header.Set("X-Forwarded-For", forwarded)
		}
		_, rsp := roundTrip(t, api.Handler, req)
		return rsp
	}
	for i := range 30 {
		requireCode(t, only(t, signIn("10.0.0.2", "198.51.100.7", fmt.Sprintf("guess%d@maple.example", i))), graph.CodeUnauthenticated, "")
	}
	requireCode(t, only(t, signIn("10.0.0.2", "198.51.100.7", "one-more@maple.example")), graph.CodeRateLimited, "")
	requireCode(t, only(t, signIn("10.0.0.2", "198.51.100.8", "other@maple.example")), graph.CodeUnauthenticated, "")
	// Not from the proxy: the header is the client's own and ignored.
	for i := range 30 {
		requireCode(t, only(t, signIn("192.0.2.50", fmt.Sprintf("203.0.113.%d", i), fmt.Sprintf("g%d@maple.example", i))), graph.CodeUnauthenticated, "")
	}
	requireCode(t, only(t, signIn("192.0.2.50", "203.0.113.99", "last@maple.example")), graph.CodeRateLimited, "")
}

// TestSignInLimitSharedByProcesses: two kith processes on one PostgreSQL
// database (two handlers, each with its own store and pool) count one
// budget: five failures in all, then both refuse, and thirty attempts at
// once across both fail five times and are refused twenty-five.
func TestSignInLimitSharedByProcesses(t *testing.T) {
	t.Parallel()
	db := kithtest.DB(t, nil)
	if db.Dialect == dialect.SQLite {
		t.Skip("SQLite serves one kith process: its limits live in that process's memory")
	}
	kithtest.NewPractice(t, db, "maple")
	cfg := auth.Config{AccountLimit: ratelimit.Limit{Burst: 5, Every: time.Hour}}
	apis := []*kithtest.API{kithtest.NewAPIConfig(t, db, server.Config{}, cfg), kithtest.NewAPIConfig(t, db, server.Config{}, cfg)}
	for i := range 5 {
		rsp := signInAs(t, apis[i%2].Handler, "192.0.2.10", "maple", "owner@maple.example", "wrong password")
		requireCode(t, only(t, rsp), graph.CodeUnauthenticated, "")
	}
	for _, api := range apis {
		rsp := signInAs(t, api.Handler, "192.0.2.10", "maple", "owner@maple.example", ownerPassword)
		requireCode(t, only(t, rsp), graph.CodeRateLimited, "")
	}

	codes := make([]string, 30)
	var wg sync.WaitGroup
	for i := range codes {
		wg.Go(func() {
			req := kithtest.NewRequest(t, http.MethodPost, "", signInMutation, map[string]any{"in": map[string]any{
				"organization": "maple", "email": "other@maple.example", "password": "not the password",
			}})
			req.RemoteAddr = fmt.Sprintf("198.51.100.%d:40000", i) // the per-IP limit stays out of it
			rec := httptest.NewRecorder()
			apis[i%2].Handler.ServeHTTP(rec, req)
			switch body := rec.Body.String(); {
			case strings.Contains(body, graph.CodeRateLimited):
				codes[i] = graph.CodeRateLimited
			case strings.Contains(body, graph.CodeUnauthenticated):
				codes[i] = graph.CodeUnauthenticated
			default:
				codes[i] = body
			}
		})
	}
	wg.Wait()
	n := map[string]int{}
	for _, c := range codes {
		n[c]++
	}
	require.Equal(t, map[string]int{graph.CodeUnauthenticated: 5, graph.CodeRateLimited: 25}, n)
}
