package graph

import (
	"context"
	"net/http"
	"sync"
)

// CloseServiceRestart is the WebSocket close code of the sockets kith
// closes as it shuts down (1012, service restart): graphql-ws clients
// connect again, to another instance, and subscribe again.
const CloseServiceRestart = 1012

// reasonRestart is the close reason of CloseServiceRestart.
const reasonRestart = "kith is restarting: connect again and subscribe again"

// codeUnavailable is the code of a socket refused while kith shuts down,
// as package server's CodeUnavailable.
const codeUnavailable = "UNAVAILABLE"

// Sockets is the GraphQL WebSockets a handler has open, so that a
// shutdown closes them with CloseServiceRestart: net/http's Shutdown
// neither closes nor waits for hijacked connections. The zero value is
// not usable: use NewSockets.
type Sockets struct {
	mu      sync.Mutex
	closing chan struct{} // closed by Close
	open    sync.WaitGroup
}

// NewSockets returns an empty Sockets, to set as HandlerConfig.Sockets.
func NewSockets() *Sockets { return &Sockets{closing: make(chan struct{})} }

// Close closes every open socket with CloseServiceRestart, refuses new
// ones (503), and waits until their handlers have returned or ctx ends.
// Call it once the server stops taking connections (http.Server's
// RegisterOnShutdown) and before the call events hub stops, so that
// subscribers see the restart, not a normal end.
func (s *Sockets) Close(ctx context.Context) error {
	s.mu.Lock()
	select {
	case <-s.closing:
	default:
		close(s.closing)
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.open.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// add counts one socket opening, or reports false once Close was called.
func (s *Sockets) add() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.closing:
		return false
	default:
		s.open.Add(1)
		return true
	}
}

// serve runs one socket's handler, held by holder, and closes it with
// CloseServiceRestart if Close is called meanwhile. Without s (nil), it
// only runs it.
func (s *Sockets) serve(w http.ResponseWriter, r *http.Request, holder *socketHolder, run func()) {
	if s == nil {
		run()
		return
	}
	if !s.add() {
		writeRequestError(r.Context(), w, mediaJSON, &RequestError{Status: http.StatusServiceUnavailable, Code: codeUnavailable,
			Message: "kith is restarting: open the WebSocket again in a moment"})
		return
	}
	defer s.open.Done()
	ended := make(chan struct{})
	defer close(ended)
	go func() {
		select {
		case <-s.closing:
			holder.close(CloseServiceRestart, reasonRestart)
		case <-ended:
		}
	}()
	run()
}
