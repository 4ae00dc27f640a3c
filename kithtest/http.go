package kithtest

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// LogBuffer collects a handler's log safely across goroutines.
type LogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write implements io.Writer.
func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String is everything logged so far.
func (l *LogBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// Logger is a text logger at debug level that writes into l.
func (l *LogBuffer) Logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// Problems is what was logged besides the access log's line per request.
func (l *LogBuffer) Problems() string {
	var out []string
	for line := range strings.Lines(l.String()) {
		if !strings.Contains(line, " msg=request request_id=") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "")
}

// RawPost is a POST to /graphql of body, sent as JSON whatever it holds.
func RawPost(body string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}

// NewRequest is a GraphQL request to /graphql as token's bearer ("" for
// none): query in the URL for GET, query and vars as a JSON body otherwise.
func NewRequest(t testing.TB, method, token, query string, vars map[string]any) *http.Request {
	t.Helper()
	var req *http.Request
	if method == http.MethodGet {
		req = httptest.NewRequest(method, "/graphql?query="+url.QueryEscape(query), nil)
	} else {
		body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
		require.NoError(t, err)
		req = httptest.NewRequest(method, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// Answer is a decoded answer with its raw members, to tell a missing data
// entry from a null one.
type Answer struct {
	// Rec is the recorded answer.
	Rec *httptest.ResponseRecorder
	// Members are the body's top-level members, undecoded.
	Members map[string]json.RawMessage
	// Response is the body decoded.
	Response Response
}

// Send has h answer req, and decodes the answer, failing t when it is not JSON.
func Send(t testing.TB, h http.Handler, req *http.Request) Answer {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	a := Answer{Rec: rec}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &a.Members), "not JSON: %s", rec.Body.String())
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &a.Response))
	a.Response.Status = rec.Code
	return a
}

// RequireRefused checks that a was refused with status and exactly one
// error with code and a sentence, and no data entry, and returns the error.
func RequireRefused(t testing.TB, a Answer, status int, code string) Error {
	t.Helper()
	require.Equal(t, status, a.Rec.Code, a.Rec.Body.String())
	require.Len(t, a.Response.Errors, 1, a.Rec.Body.String())
	e := a.Response.Errors[0]
	require.Equal(t, code, e.Code(), e.Message)
	require.Greater(t, len(strings.Fields(e.Message)), 3, "a sentence: %q", e.Message)
	require.NotContains(t, a.Members, "data", a.Rec.Body.String())
	return e
}
