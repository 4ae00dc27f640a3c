package server

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/organization"
	"github.com/kith-health/kith/viewer"
)

// CORS for the booking widget, which runs on practices' own sites: a
// browser may call /graphql from an Origin that any organisation lists in
// widgetAllowedOrigins (updateBookingRules).
//
// The choice is per origin, not per organisation and field: kith reads no
// cookies, so no ambient credential is at stake; every request carries its
// own bearer token, or none for the public fields, and the token alone
// decides what it may do. Allowing an origin only lets pages there read
// the answers their own requests get. Credentials are therefore not allowed
// (no Access-Control-Allow-Credentials). Preflight OPTIONS requests are
// answered here with 204, with the CORS headers only for allowed origins.
// The set of origins is cached for corsTTL by each kith process, with no
// invalidation between processes: an origin added or removed takes effect
// within corsTTL (a minute) on every process. That bound is the design:
// nothing else in a process's memory decides what a request may do.

// corsTTL is how long the set of allowed origins is cached; corsRetry how
// long a failed reload waits before the next try.
const (
	corsTTL   = time.Minute
	corsRetry = 5 * time.Second
)

// corsHeaders are the request headers a widget may send.
const corsHeaders = "Authorization, Content-Type, X-Kith-Client, X-Request-ID"

// origins caches the union of every organisation's widget origins.
type origins struct {
	db   *ent.Client
	mu   sync.Mutex
	set  map[string]bool
	next time.Time // when to reload
}

// allowed reports whether some organisation lists origin, reloading the
// list when it is older than corsTTL. A failed reload keeps the old list
// (none at first) and is tried again after corsRetry, not on every request
// while the database is unwell; the reload does not end with the request
// that started it.
func (o *origins) allowed(ctx context.Context, origin string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if now := time.Now(); now.After(o.next) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		rows, err := o.db.Organization.Query().
			Where(organization.WidgetAllowedOriginsNotNil()).
			Select(organization.FieldWidgetAllowedOrigins).
			All(viewer.SystemContext(ctx))
		o.next = now.Add(corsRetry)
		if err == nil {
			set := map[string]bool{}
			for _, r := range rows {
				for _, x := range r.WidgetAllowedOrigins {
					set[x] = true
				}
			}
			o.set, o.next = set, now.Add(corsTTL)
		}
	}
	return o.set[strings.ToLower(origin)]
}

// withCORS answers preflight requests and adds CORS headers for the
// origins o allows.
func withCORS(o *origins, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Add("Vary", "Origin")
		ok := o.allowed(r.Context(), origin)
		if ok {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Expose-Headers", "X-Request-ID")
		}
		if r.Method == http.MethodOptions {
			if ok {
				h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
				h.Set("Access-Control-Allow-Headers", corsHeaders)
				h.Set("Access-Control-Max-Age", "600")
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}
