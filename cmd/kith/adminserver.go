package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/kith-health/kith/observe"
)

// adminServer is the listener of KITH_ADMIN_ADDR: /metrics and pprof,
// apart from the public API.
type adminServer struct {
	srv  *http.Server
	addr net.Addr
	errc chan error
}

// serveAdmin serves observe.AdminHandler on addr, when it is set; with
// addr empty it serves nothing and stop does nothing.
func serveAdmin(addr string, m *observe.Metrics, log *slog.Logger) (*adminServer, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s (KITH_ADMIN_ADDR): %w", addr, err)
	}
	a := &adminServer{
		srv: &http.Server{
			Handler:           observe.AdminHandler(m),
			ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout:       120 * time.Second,
			// No WriteTimeout: /debug/pprof/profile and trace stream for as
			// long as they are asked to.
		},
		addr: ln.Addr(),
		errc: make(chan error, 1),
	}
	go func() { a.errc <- a.srv.Serve(ln) }()
	log.Info("admin listening", "addr", ln.Addr().String())
	return a, nil
}

// stop shuts the admin listener down, waiting for requests under way until ctx ends.
func (a *adminServer) stop(ctx context.Context) error {
	if a == nil {
		return nil
	}
	if err := a.srv.Shutdown(ctx); err != nil {
		return err
	}
	if err := <-a.errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// close closes the admin listener at once, if it is still open.
func (a *adminServer) close() {
	if a != nil {
		_ = a.srv.Close()
	}
}

// flushTraces sends the spans still buffered and stops the tracer provider.
func flushTraces(log *slog.Logger, stop func(context.Context) error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := stop(ctx); err != nil {
		log.Warn("flushing traces", "err", err)
	}
}
