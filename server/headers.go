package server

import (
	"net/http"

	"github.com/kith-health/kith/graph"
)

// withBodyLimit caps every request's body at max bytes, or at what of
// says for it when that is above 0: a declared
// length over it is answered 413 at once, and a body that runs past it
// fails the handler's read (http.MaxBytesReader), so no body is ever held
// whole. Handlers under it may set smaller caps of their own.
func withBodyLimit(max int64, of func(*http.Request) int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := max
		if of != nil {
			if l := of(r); l > 0 {
				limit = l
			}
		}
		if r.ContentLength > limit {
			graph.WriteError(r.Context(), w, graph.TooLarge(limit))
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		next.ServeHTTP(w, r)
	})
}

// withSecurityHeaders sets, on every answer, the headers that keep a
// browser from sniffing types, sending our URLs (claim links carry
// tokens) as referrers, or keeping answers (they carry tokens and health
// records) in a cache.
func withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// noFraming keeps a page out of other sites' frames (GraphiQL, against
// clickjacking). Its scripts come from a CDN, so they are not restricted.
func noFraming(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}
