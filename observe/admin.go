package observe

import (
	"net/http"
	"net/http/pprof"
)

// AdminHandler serves what operators, never clients, ask for: /metrics
// (m's metrics) and Go's profiles under /debug/pprof/. kith serve serves it
// on KITH_ADMIN_ADDR only, a listener of its own beside the public one.
func AdminHandler(m *Metrics) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
