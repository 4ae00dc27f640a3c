package graph_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/server"
)

// sockets is a practice behind the real server, for GraphQL over WebSocket.
type sockets struct {
	api    *kithtest.API
	p      kithtest.Practice
	portal string // a portal session's token
	log    *kithtest.LogBuffer
}

func setupSockets(t *testing.T) *sockets {
	t.Helper()
	db := kithtest.DB(t, nil)
	s := &sockets{log: &kithtest.LogBuffer{}}
	s.api = kithtest.NewAPIConfig(t, db, server.Config{HandlerConfig: graph.HandlerConfig{
		Logger: s.log.Logger(), SocketRecheck: 20 * time.Millisecond,
	}}, auth.Config{})
	s.p = kithtest.NewPractice(t, db, "maple")
	var c struct{ CreateClient struct{ ID string } }
	s.api.OK(s.p.Token, `mutation { createClient(input: {firstName: "Sam", lastName: "Lee", email: "sam@example.com"}) { id } }`, nil, &c)
	s.api.OK(s.p.Token, `mutation($id: ID!) { inviteClientToPortal(clientId: $id) { id } }`, map[string]any{"id": c.CreateClient.ID}, nil)
	_, tok, ok := strings.Cut(s.api.Outbox.Last(t, "sam@example.com").Link, "token=")
	require.True(t, ok)
	var claimed struct{ ClaimPortalInvitation struct{ Token string } }
	s.api.OK("", `mutation($t: String!) { claimPortalInvitation(token: $t) { token } }`, map[string]any{"t": tok}, &claimed)
	s.portal = claimed.ClaimPortalInvitation.Token
	return s
}

func bearer(token string) map[string]any { return map[string]any{"Authorization": "Bearer " + token} }

func header(name, value string) http.Header { h := http.Header{}; h.Set(name, value); return h }

// first is the first answer of a subscription, failing when none comes.
func first(t *testing.T, ch <-chan kithtest.Response) kithtest.Response {
	t.Helper()
	select {
	case r, ok := <-ch:
		require.True(t, ok, "the subscription ended without an answer")
		return r
	case <-time.After(kithtest.SocketTimeout):
		require.FailNow(t, "no answer came on the socket")
		return kithtest.Response{}
	}
}

func TestSocketStaffTokenAcked(t *testing.T) {
	t.Parallel()
	s := setupSockets(t)
	sock := s.api.Socket(s.p.Token) // in connection_init
	// Operations over the socket run through kith's extensions like any other.
	rsp := first(t, must(sock.Subscribe(`{ me { id } }`, nil)))
	require.Empty(t, rsp.Errors)
	require.JSONEq(t, `{"me":{"id":"`+string(s.p.Owner.ID)+`"}}`, string(rsp.Data))
	rsp = first(t, must(sock.Subscribe(`mutation { updateBookingRules(input: {slotIntervalMinutes: 15}) { id } }`, nil)))
	require.Empty(t, rsp.Errors)

	for _, key := range []string{"Authorization", "authorization"} {
		other, _, err := s.api.DialSocket(kithtest.SocketOptions{})
		require.NoError(t, err)
		require.NoError(t, other.Init(map[string]any{key: "Bearer " + s.p.Token}), key)
	}
	// In the upgrade request's header instead, and over the older graphql-ws.
	for _, proto := range []string{"graphql-transport-ws", "graphql-ws"} {
		viaHeader, _, err := s.api.DialSocket(kithtest.SocketOptions{Header: header("Authorization", "Bearer "+s.p.Token), Subprotocol: proto})
		require.NoError(t, err)
		require.NoError(t, viaHeader.Init(nil), proto)
	}
	require.NotContains(t, s.log.String(), s.p.Token)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestSocketRefusesWithoutStaffToken(t *testing.T) {
	t.Parallel()
	s := setupSockets(t)
	for name, c := range map[string]struct {
		opts    kithtest.SocketOptions
		payload map[string]any
		reason  string
	}{
		"none":             {reason: "sign in first"},
		"not bearer":       {payload: map[string]any{"Authorization": "Basic x"}, reason: "sign in first"},
		"bad token":        {payload: bearer("kith_st_nope"), reason: "unknown, expired or revoked"},
		"portal":           {payload: bearer(s.portal), reason: "for staff"},
		"portal in header": {opts: kithtest.SocketOptions{Header: header("Authorization", "Bearer "+s.portal)}, reason: "for staff"},
		"bad in header":    {opts: kithtest.SocketOptions{Header: header("Authorization", "Bearer kith_st_nope")}, reason: "sign in first"},
	} {
		closed := kithtest.RequireSocketRefused(t, s.api, c.opts, c.payload)
		require.Equal(t, graph.CloseForbidden, closed.Code, name)
		require.Contains(t, closed.Reason, c.reason, name)
	}
	log := s.log.String()
	require.NotContains(t, log, s.portal)
	require.NotContains(t, log, "kith_st_nope")
}

func TestSocketEndsWhenTheTokenIsRevoked(t *testing.T) {
	t.Parallel()
	s := setupSockets(t)
	sock := s.api.Socket(s.p.Token)
	s.api.OK(s.p.Token, `mutation { signOut }`, nil, nil)
	select {
	case <-sock.Done():
	case <-time.After(kithtest.SocketTimeout):
		require.FailNow(t, "the socket outlived its token")
	}
	var closed *kithtest.SocketClosed
	require.ErrorAs(t, sock.Err(), &closed)
	require.Contains(t, closed.Reason, "access ended")
}

func TestSocketOrigins(t *testing.T) {
	t.Parallel()
	s := setupSockets(t)
	s.api.OK(s.p.Token, `mutation { updateBookingRules(input: {widgetAllowedOrigins: ["https://maple.example"]}) { id } }`, nil, nil)
	same := "http://" + strings.TrimPrefix(s.api.Server().URL, "http://")
	for _, origin := range []string{same, "https://maple.example"} {
		sock, _, err := s.api.DialSocket(kithtest.SocketOptions{Header: header("Origin", origin)})
		require.NoError(t, err, origin)
		require.NoError(t, sock.Init(bearer(s.p.Token)), origin)
	}
	_, rsp, err := s.api.DialSocket(kithtest.SocketOptions{Header: header("Origin", "https://evil.example")})
	require.Error(t, err)
	require.Equal(t, http.StatusForbidden, rsp.StatusCode)
	requireSocketCode(t, rsp, graph.CodeForbidden)
}

func TestSocketMalformedUpgrade(t *testing.T) {
	t.Parallel()
	s := setupSockets(t)
	url := s.api.Server().URL + "/graphql"
	for name, c := range map[string]struct {
		method string
		header http.Header
		status int
		code   string
	}{
		"post":       {http.MethodPost, http.Header{"Upgrade": {"websocket"}, "Connection": {"Upgrade"}}, http.StatusMethodNotAllowed, graph.CodeMethodNotAllowed},
		"not ws":     {http.MethodGet, http.Header{"Upgrade": {"h2c"}, "Connection": {"Upgrade"}}, http.StatusBadRequest, graph.CodeBadRequest},
		"no version": {http.MethodGet, http.Header{"Upgrade": {"websocket"}, "Connection": {"Upgrade"}, "Sec-Websocket-Key": {"x"}}, http.StatusBadRequest, graph.CodeBadRequest},
	} {
		req, err := http.NewRequest(c.method, url, nil)
		require.NoError(t, err)
		req.Header = c.header
		rsp, err := http.DefaultClient.Do(req)
		require.NoError(t, err, name)
		require.Equal(t, c.status, rsp.StatusCode, name)
		requireSocketCode(t, rsp, c.code)
	}
}

// requireSocketCode reads rsp's body as errors and checks the first one's code.
func requireSocketCode(t *testing.T, rsp *http.Response, code string) {
	t.Helper()
	defer rsp.Body.Close()
	b, err := io.ReadAll(rsp.Body)
	require.NoError(t, err)
	var body struct{ Errors []kithtest.Error }
	require.NoError(t, json.Unmarshal(b, &body), string(b))
	require.NotEmpty(t, body.Errors)
	require.Equal(t, code, body.Errors[0].Code())
}

// TestSocketOutlivesServerDeadlines: kith serve's http.Server has read and
// write timeouts for requests; a socket clears them when it upgrades.
func TestSocketOutlivesServerDeadlines(t *testing.T) {
	t.Parallel()
	s := setupSockets(t)
	srv := httptest.NewUnstartedServer(s.api.Handler)
	// Long enough for the handshake on a busy machine, short for a test.
	srv.Config.ReadTimeout, srv.Config.WriteTimeout = time.Second, time.Second
	srv.Start()
	t.Cleanup(srv.Close)
	conn, _, err := websocket.Dial(t.Context(), "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	require.NoError(t, err)
	defer conn.CloseNow()
	write := func(msg string) { require.NoError(t, conn.Write(t.Context(), websocket.MessageText, []byte(msg))) }
	read := func() string {
		_, b, err := conn.Read(t.Context())
		require.NoError(t, err)
		return string(b)
	}
	write(`{"type":"connection_init","payload":{"Authorization":"Bearer ` + s.p.Token + `"}}`)
	require.Contains(t, read(), "connection_ack")
	time.Sleep(2500 * time.Millisecond) // past both deadlines, were they still set
	write(`{"id":"1","type":"subscribe","payload":{"query":"{ me { id } }"}}`)
	require.Contains(t, read(), string(s.p.Owner.ID))
}
