package kithtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"
)

// SocketTimeout bounds how long a Socket waits for the server's answer
// to connection_init, and the whole dial.
const SocketTimeout = 20 * time.Second

// Server is the API's handler served on a real local address (for
// WebSockets), started at the first call and closed at cleanup.
func (a *API) Server() *httptest.Server {
	a.server.once.Do(func() {
		a.server.srv = httptest.NewServer(a.Handler)
		a.t.Cleanup(a.server.srv.Close)
	})
	return a.server.srv
}

// SocketOptions tune DialSocket.
type SocketOptions struct {
	// Header is sent with the upgrade request (Authorization, Origin…).
	Header http.Header
	// Subprotocol is asked for; default "graphql-transport-ws".
	Subprotocol string
}

// Socket is a GraphQL WebSocket (graphql-transport-ws) to the API's real
// server, for subscriptions. Its methods may be called from one goroutine
// (the test's); what the server sends is read by a goroutine of its own.
type Socket struct {
	conn   *websocket.Conn
	ctx    context.Context
	cancel context.CancelFunc
	acked  chan struct{}
	done   chan struct{} // closed once the connection is over
	err    error         // why, once done is closed

	mu     sync.Mutex
	nextID int
	subs   map[string]chan Response
}

// SocketClosed is how the server closed a socket: its close code and reason.
type SocketClosed struct {
	Code   int
	Reason string
}

// Error implements error.
func (e *SocketClosed) Error() string {
	return fmt.Sprintf("the server closed the socket: %d %s", e.Code, e.Reason)
}

// DialSocket opens a WebSocket to /graphql of the API's Server, without
// connection_init (see Init): for tests of the handshake itself.
func (a *API) DialSocket(opts SocketOptions) (*Socket, *http.Response, error) {
	if opts.Subprotocol == "" {
		opts.Subprotocol = "graphql-transport-ws"
	}
	ctx, cancel := context.WithCancel(context.Background())
	dial, stop := context.WithTimeout(ctx, SocketTimeout)
	defer stop()
	u := "ws" + strings.TrimPrefix(a.Server().URL, "http") + "/graphql"
	conn, rsp, err := websocket.Dial(dial, u, &websocket.DialOptions{HTTPHeader: opts.Header, Subprotocols: []string{opts.Subprotocol}})
	if err != nil {
		cancel()
		return nil, rsp, err
	}
	s := &Socket{conn: conn, ctx: ctx, cancel: cancel, acked: make(chan struct{}), done: make(chan struct{}), subs: map[string]chan Response{}}
	a.t.Cleanup(s.Close)
	go s.read()
	return s, rsp, nil
}

// Socket dials the API's WebSocket and signs in with token (a staff bearer
// token) in connection_init, failing the test unless the server acks.
func (a *API) Socket(token string) *Socket {
	a.t.Helper()
	s, _, err := a.DialSocket(SocketOptions{})
	require.NoError(a.t, err)
	require.NoError(a.t, s.Init(map[string]any{"Authorization": "Bearer " + token}))
	return s
}

// Init sends connection_init with payload (nil for none) and waits for
// connection_ack: nil, or a *SocketClosed when the server refused.
func (s *Socket) Init(payload map[string]any) error {
	msg := map[string]any{"type": "connection_init"}
	if payload != nil {
		msg["payload"] = payload
	}
	if err := s.send(msg); err != nil {
		return err
	}
	select {
	case <-s.acked:
		return nil
	case <-s.done:
		return s.err
	case <-time.After(SocketTimeout):
		return errors.New("the server answered connection_init with neither an ack nor a close")
	}
}

// Subscribe starts query with vars on the socket and returns what the
// server answers it: each "next" payload, then, at "complete", the channel
// closes; an "error" message is one Response with its errors, then the
// close. The channel closes too when the socket does (see Err).
func (s *Socket) Subscribe(query string, vars map[string]any) (<-chan Response, error) {
	s.mu.Lock()
	s.nextID++
	id := strconv.Itoa(s.nextID)
	ch := make(chan Response, 64)
	s.subs[id] = ch
	s.mu.Unlock()
	err := s.send(map[string]any{"id": id, "type": "subscribe", "payload": map[string]any{"query": query, "variables": vars}})
	return ch, err
}

// Done is closed once the socket is over; Err then says why.
func (s *Socket) Done() <-chan struct{} { return s.done }

// Err is why the socket ended (a *SocketClosed when the server closed it),
// once Done is closed; nil before.
func (s *Socket) Err() error {
	select {
	case <-s.done:
		return s.err
	default:
		return nil
	}
}

// Close closes the socket normally; it may be called more than once.
func (s *Socket) Close() {
	_ = s.conn.Close(websocket.StatusNormalClosure, "")
	s.cancel()
	<-s.done
}

// send writes msg as JSON.
func (s *Socket) send(msg map[string]any) error {
	b, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	return s.conn.Write(s.ctx, websocket.MessageText, b)
}

// socketMessage is a graphql-transport-ws message from the server.
type socketMessage struct {
	ID      string          `json:"id"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload"`
}

// read handles what the server sends until the socket ends.
func (s *Socket) read() {
	defer func() {
		s.mu.Lock()
		for id, ch := range s.subs {
			close(ch)
			delete(s.subs, id)
		}
		s.mu.Unlock()
		close(s.done)
	}()
	acked := false
	for {
		_, b, err := s.conn.Read(s.ctx)
		if err != nil {
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				s.err = &SocketClosed{Code: int(ce.Code), Reason: ce.Reason}
			} else {
				s.err = err
			}
			return
		}
		var m socketMessage
		if err := json.Unmarshal(b, &m); err != nil {
			s.err = fmt.Errorf("the server sent a message that is not JSON: %w", err)
			return
		}
		switch m.Type {
		case "connection_ack":
			if !acked {
				acked = true
				close(s.acked)
			}
		case "ping":
			_ = s.send(map[string]any{"type": "pong"})
		case "next":
			var r Response
			_ = json.Unmarshal(m.Payload, &r)
			s.deliver(m.ID, &r, false)
		case "error":
			var r Response
			_ = json.Unmarshal(m.Payload, &r.Errors)
			s.deliver(m.ID, &r, true)
		case "complete":
			s.deliver(m.ID, nil, true)
		}
	}
}

// deliver hands r (if any) to subscription id, and ends it when last.
func (s *Socket) deliver(id string, r *Response, last bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.subs[id]
	if ch == nil {
		return
	}
	if r != nil {
		select {
		case ch <- *r:
		default: // the test reads too slowly: it sees the close
			last = true
		}
	}
	if last {
		close(ch)
		delete(s.subs, id)
	}
}

// RequireSocketRefused dials the API's WebSocket, sends connection_init
// with payload, and returns how the server closed it, failing the test if
// it acked.
func RequireSocketRefused(t testing.TB, a *API, opts SocketOptions, payload map[string]any) *SocketClosed {
	t.Helper()
	s, _, err := a.DialSocket(opts)
	require.NoError(t, err)
	err = s.Init(payload)
	var closed *SocketClosed
	require.ErrorAs(t, err, &closed, "the server should have refused the socket")
	return closed
}
