package graph_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/kithtest"
)

// logBuffer collects a handler's log, at debug level, safely across goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// Problems is what was logged besides the access log's line per request.
func (l *logBuffer) Problems() string {
	var out []string
	for line := range strings.Lines(l.String()) {
		if !strings.Contains(line, " msg=request request_id=") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "")
}

// loggedHandler is kith's handler over w's database, logging at debug level into log.
func loggedHandler(w *twoPractices, log *logBuffer, cfg graph.HandlerConfig) http.Handler {
	cfg.Logger = slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg.Introspection, cfg.GraphiQL, cfg.Ready, cfg.Portal = true, true, w.db.Ping, w.api.Portal
	return graph.NewHandler(w.db.Client, kithtest.Auth(w.db.Client), cfg)
}

// rawPost is a POST to /graphql of body as JSON.
func rawPost(body string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}

// answer is a decoded answer with its raw members, to tell a missing data
// entry from a null one.
type answer struct {
	rec     *httptest.ResponseRecorder
	members map[string]json.RawMessage
	rsp     kithtest.Response
}

func send(t *testing.T, h http.Handler, req *http.Request) answer {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	a := answer{rec: rec}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &a.members), "not JSON: %s", rec.Body.String())
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &a.rsp))
	a.rsp.Status = rec.Code
	return a
}

// requireRefused checks that a was refused with status and exactly one
// error with code and a sentence, and no data entry.
func requireRefused(t *testing.T, a answer, status int, code string) kithtest.Error {
	t.Helper()
	require.Equal(t, status, a.rec.Code, a.rec.Body.String())
	require.Len(t, a.rsp.Errors, 1, a.rec.Body.String())
	e := a.rsp.Errors[0]
	require.Equal(t, code, e.Code(), e.Message)
	require.Greater(t, len(strings.Fields(e.Message)), 3, "a sentence: %q", e.Message)
	require.NotContains(t, a.members, "data", a.rec.Body.String())
	return e
}

// TestMalformedRequests: a body that is not one GraphQL request object, or
// not valid Unicode, is the client's mistake: 400 with a code and a
// sentence, no panic, nothing logged, nothing of the body repeated.
func TestMalformedRequests(t *testing.T) {
	t.Parallel()
	w := setupAccess(t)
	var log logBuffer
	h := loggedHandler(w, &log, graph.HandlerConfig{})
	const secret = "hunter2-Sekr3t"
	signIn := `mutation { signIn(input: {organization: \"alpha\", email: \"owner@alpha.example\", password: \"` + secret + `\"}) { token } }`

	cases := []struct{ name, body, code string }{
		{"not JSON", `{"query": "` + signIn + `"`, graph.CodeBadRequest},
		{"garbage", `query=` + secret, graph.CodeBadRequest},
		{"empty", ``, graph.CodeBadRequest},
		{"batch", `[{"query": "` + signIn + `"}]`, graph.CodeBadRequest},
		{"a string", `"` + secret + `"`, graph.CodeBadRequest},
		{"null", `null`, graph.CodeBadRequest},
		{"two values", `{"query": "{ me { id } }"} {"query": "` + secret + `"}`, graph.CodeBadRequest},
		{"query a number", `{"query": 12, "variables": {"p": "` + secret + `"}}`, graph.CodeBadRequest},
		{"query an object", `{"query": {"q": "` + secret + `"}}`, graph.CodeBadRequest},
		{"no query", `{"variables": {"p": "` + secret + `"}}`, graph.CodeBadRequest},
		{"empty query", `{"query": "  "}`, graph.CodeBadRequest},
		{"variables a string", `{"query": "{ me { id } }", "variables": "` + secret + `"}`, graph.CodeBadRequest},
		{"variables an array", `{"query": "{ me { id } }", "variables": ["` + secret + `"]}`, graph.CodeBadRequest},
		{"operationName a number", `{"query": "{ me { id } }", "operationName": 7}`, graph.CodeBadRequest},
		{"extensions a string", `{"query": "{ me { id } }", "extensions": "` + secret + `"}`, graph.CodeBadRequest},
		{"invalid UTF-8", "{\"query\": \"{ me { id } }\", \"variables\": {\"p\": \"" + secret + "\xff\xfe\"}}", graph.CodeBadUserInput},
		{"lone high surrogate", `{"query": "{ me { id } }", "variables": {"p": "` + secret + `\ud800"}}`, graph.CodeBadUserInput},
		{"lone low surrogate", `{"query": "{ me { name } }", "variables": {"p": "\udc00` + secret + `"}}`, graph.CodeBadUserInput},
		{"reversed pair", `{"query": "{ me { name } }", "variables": {"p": "\ude00\ud83d"}}`, graph.CodeBadUserInput},
	}
	for _, tc := range cases {
		req := rawPost(tc.body)
		req.Header.Set("Authorization", "Bearer "+w.a.Token)
		a := send(t, h, req)
		e := requireRefused(t, a, http.StatusBadRequest, tc.code)
		require.NotContains(t, a.rec.Body.String(), secret, tc.name)
		require.NotContains(t, e.Message, "{ me { id", tc.name)
		require.Equal(t, "application/json", a.rec.Header().Get("Content-Type"), tc.name)
	}
	require.Empty(t, log.Problems(), "a client's mistake is not logged")

	// A surrogate pair, escaped, is a character like any other.
	req := rawPost(`{"query": "query($p: String!) { __type(name: $p) { name } }", "variables": {"p": "\ud83d\ude00"}, "operationName": null, "extensions": null}`)
	req.Header.Set("Authorization", "Bearer "+w.a.Token)
	a := send(t, h, req)
	require.Equal(t, http.StatusOK, a.rec.Code, a.rec.Body.String())
	require.Empty(t, a.rsp.Errors)
}

// TestMalformedGET: GET's parameters are held to the same rules, and a
// mutation over GET is refused with 405 and Allow: POST.
func TestMalformedGET(t *testing.T) {
	t.Parallel()
	w := setupAccess(t)
	var log logBuffer
	h := loggedHandler(w, &log, graph.HandlerConfig{})
	get := func(rawQuery string) answer {
		req := httptest.NewRequest(http.MethodGet, "/graphql?"+rawQuery, nil)
		req.Header.Set("Authorization", "Bearer "+w.a.Token)
		return send(t, h, req)
	}
	q := url.QueryEscape(`query($p: String!) { __type(name: $p) { name } }`)
	cases := []struct{ name, query, code string }{
		{"invalid UTF-8 query", "query=%7B%20me%20%7B%20id%20%7D%20%7D%ff", graph.CodeBadUserInput},
		{"invalid UTF-8 variables", "query=" + q + "&variables=" + url.QueryEscape(`{"p": "`) + "%ff%22%7D", graph.CodeBadUserInput},
		{"lone surrogate", "query=" + q + "&variables=" + url.QueryEscape(`{"p": "\ud800"}`), graph.CodeBadUserInput},
		{"variables not JSON", "query=" + q + "&variables=x", graph.CodeBadRequest},
		{"variables an array", "query=" + q + "&variables=" + url.QueryEscape(`[1]`), graph.CodeBadRequest},
		{"extensions a number", "query=" + q + "&extensions=3", graph.CodeBadRequest},
		{"query twice", "query=" + q + "&query=" + q, graph.CodeBadRequest},
		{"no query", "variables=" + url.QueryEscape(`{}`), graph.CodeBadRequest},
		{"malformed escape", "query=%zz", graph.CodeBadRequest},
	}
	for _, tc := range cases {
		requireRefused(t, get(tc.query), http.StatusBadRequest, tc.code)
	}

	a := get("query=" + url.QueryEscape(`mutation { signOut }`))
	e := requireRefused(t, a, http.StatusMethodNotAllowed, graph.CodeMethodNotAllowed)
	require.Equal(t, "POST", a.rec.Header().Get("Allow"))
	require.Contains(t, e.Message, "POST")
	var me struct{ Me struct{ ID string } }
	w.api.OK(w.a.Token, `{ me { id } }`, nil, &me) // the token still works: signOut did not run

	a = get("query=" + q + "&variables=" + url.QueryEscape(`{"p": "x"}`) + "&operationName=")
	require.Equal(t, http.StatusOK, a.rec.Code, a.rec.Body.String())
	require.Empty(t, a.rsp.Errors)
	require.Empty(t, log.Problems())
}

// TestEveryTransportErrorHasACode: a wrong content type, method or Accept
// header gets its proper status and an extensions.code.
func TestEveryTransportErrorHasACode(t *testing.T) {
	t.Parallel()
	w := setupAccess(t)
	h := w.api.Handler
	const query = `{"query": "{ me { id } }"}`

	for _, ct := range []string{"text/plain", "", "application/x-www-form-urlencoded", "application/graphql", "application/json; charset=latin1"} {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(query))
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		e := requireRefused(t, send(t, h, req), http.StatusUnsupportedMediaType, graph.CodeUnsupportedMediaType)
		require.Contains(t, e.Message, "application/json", ct)
	}
	req := rawPost(query)
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	req.Header.Set("Authorization", "Bearer "+w.a.Token)
	require.Equal(t, http.StatusOK, send(t, h, req).rec.Code)

	for _, m := range []string{http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodHead, http.MethodOptions} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(m, "/graphql", strings.NewReader(query)))
		require.Equal(t, http.StatusMethodNotAllowed, rec.Code, m)
		require.Equal(t, "GET, POST", rec.Header().Get("Allow"), m)
		if m != http.MethodHead {
			var rsp kithtest.Response
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &rsp), m)
			require.Len(t, rsp.Errors, 1)
			require.Equal(t, graph.CodeMethodNotAllowed, rsp.Errors[0].Code(), m)
		}
	}

	for _, accept := range []string{"text/html", "application/xml, text/plain;q=0.5", "application/json;q=0", "*/*;q=0, text/html"} {
		for _, method := range []string{http.MethodPost, http.MethodGet} {
			req := rawPost(query)
			if method == http.MethodGet {
				req = httptest.NewRequest(method, "/graphql?query="+url.QueryEscape(`{ me { id } }`), nil)
			}
			req.Header.Set("Accept", accept)
			requireRefused(t, send(t, h, req), http.StatusNotAcceptable, graph.CodeNotAcceptable)
		}
	}
	accepted := map[string]string{
		"":                                  "application/json",
		"*/*":                               "application/json",
		"application/*":                     "application/json",
		"text/html, */*;q=0.8":              "application/json",
		"application/json":                  "application/json",
		"application/graphql-response+json": "application/graphql-response+json",
		"application/graphql-response+json, application/json;q=0.9": "application/graphql-response+json",
		"application/graphql-response+json;q=0.5, application/json": "application/json",
	}
	for accept, media := range accepted {
		req := rawPost(query)
		req.Header.Set("Authorization", "Bearer "+w.a.Token)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		a := send(t, h, req)
		require.Equal(t, http.StatusOK, a.rec.Code, accept)
		require.Equal(t, media, a.rec.Header().Get("Content-Type"), accept)
	}
}

// TestRequestErrorStatus follows the GraphQL-over-HTTP spec: a request that
// fails to parse, validate or coerce its variables answers 200 as
// application/json and 400 as application/graphql-response+json, with the
// errors and no data entry.
func TestRequestErrorStatus(t *testing.T) {
	t.Parallel()
	w := setupAccess(t)
	h := w.api.Handler
	cases := []struct {
		name, body, code string
	}{
		{"parse", `{"query": "{ me { id "}`, "GRAPHQL_PARSE_FAILED"},
		{"unknown field", `{"query": "{ me { nope } }"}`, "GRAPHQL_VALIDATION_FAILED"},
		{"missing variable", `{"query": "query($id: ID!) { node(id: $id) { id } }"}`, graph.CodeBadUserInput},
		{"variable of the wrong type", `{"query": "query($n: Int) { clients(first: $n) { totalCount } }", "variables": {"n": "ten"}}`, graph.CodeBadUserInput},
		{"no such operation", `{"query": "query A { me { id } }", "operationName": "B"}`, "GRAPHQL_VALIDATION_FAILED"},
		{"unsupported persisted query", `{"query": "{ me { id } }", "extensions": {"persistedQuery": {"version": 2, "sha256Hash": "x"}}}`, graph.CodeBadRequest},
	}
	for _, tc := range cases {
		for _, accept := range []string{"", "application/json", "*/*", "application/graphql-response+json"} {
			req := rawPost(tc.body)
			req.Header.Set("Authorization", "Bearer "+w.a.Token)
			media, status := "application/json", http.StatusOK
			if accept != "" {
				req.Header.Set("Accept", accept)
			}
			if accept == "application/graphql-response+json" {
				media, status = accept, http.StatusBadRequest
			}
			a := send(t, h, req)
			require.Equal(t, status, a.rec.Code, "%s, Accept %q: %s", tc.name, accept, a.rec.Body.String())
			require.Equal(t, media, a.rec.Header().Get("Content-Type"), tc.name)
			require.NotContains(t, a.members, "data", "%s: %s", tc.name, a.rec.Body.String())
			require.NotEmpty(t, a.rsp.Errors, tc.name)
			require.Equal(t, tc.code, a.rsp.Errors[0].Code(), "%s: %s", tc.name, a.rsp.Errors[0].Message)
		}
	}

	// A field error is not a request error: 200 with data, whatever the type.
	for _, accept := range []string{"application/json", "application/graphql-response+json"} {
		req := rawPost(`{"query": "{ node(id: \"clNOPE\") { id } }"}`)
		req.Header.Set("Authorization", "Bearer "+w.a.Token)
		req.Header.Set("Accept", accept)
		a := send(t, h, req)
		require.Equal(t, http.StatusOK, a.rec.Code, a.rec.Body.String())
		require.Contains(t, a.members, "data")
	}
}

// TestPersistedQueriesAndCache: automatic persisted queries still work
// through kith's transports, over POST and GET.
func TestPersistedQueriesAndCache(t *testing.T) {
	t.Parallel()
	w := setupAccess(t)
	h := w.api.Handler
	const query = `{ me { email } }`
	sum := sha256.Sum256([]byte(query))
	ext := `{"persistedQuery": {"version": 1, "sha256Hash": "` + hex.EncodeToString(sum[:]) + `"}}`
	post := func(body string) answer {
		req := rawPost(body)
		req.Header.Set("Authorization", "Bearer "+w.a.Token)
		return send(t, h, req)
	}

	a := post(`{"extensions": ` + ext + `}`)
	require.Equal(t, "PERSISTED_QUERY_NOT_FOUND", a.rsp.Errors[0].Code(), a.rec.Body.String())
	for range 2 { // the second parse comes from the query cache
		a = post(`{"query": "` + query + `", "extensions": ` + ext + `}`)
		require.Empty(t, a.rsp.Errors)
		require.JSONEq(t, `{"me": {"email": "owner@alpha.example"}}`, string(a.rsp.Data))
	}
	a = post(`{"extensions": ` + ext + `}`)
	require.Empty(t, a.rsp.Errors, a.rec.Body.String())
	require.JSONEq(t, `{"me": {"email": "owner@alpha.example"}}`, string(a.rsp.Data))

	req := httptest.NewRequest(http.MethodGet, "/graphql?extensions="+url.QueryEscape(ext), nil)
	req.Header.Set("Authorization", "Bearer "+w.a.Token)
	a = send(t, h, req)
	require.Empty(t, a.rsp.Errors, a.rec.Body.String())
	require.JSONEq(t, `{"me": {"email": "owner@alpha.example"}}`, string(a.rsp.Data))
}

// endless is a body that never ends, counting what was read of it.
type endless struct{ read int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	e.read += int64(len(p))
	if e.read > 64<<20 {
		return 0, io.EOF // a guard: the test fails below long before this
	}
	return len(p), nil
}

// TestBodyLimit: no route reads more than MaxBodyBytes of a body; /graphql
// answers 413 PAYLOAD_TOO_LARGE, whether the length was declared or not.
func TestBodyLimit(t *testing.T) {
	t.Parallel()
	w := setupAccess(t)
	var log logBuffer
	h := loggedHandler(w, &log, graph.HandlerConfig{})

	// The default, 1 MiB: a declared 2 MiB body is refused unread.
	big := `{"query": "{ me { id } }", "variables": {"p": "` + strings.Repeat("a", 2<<20) + `"}}`
	e := requireRefused(t, send(t, h, rawPost(big)), http.StatusRequestEntityTooLarge, graph.CodePayloadTooLarge)
	require.Contains(t, e.Message, "1048576")

	// A body of unknown length is read up to the limit, never whole.
	body := &endless{}
	req := httptest.NewRequest(http.MethodPost, "/graphql", body)
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	requireRefused(t, send(t, h, req), http.StatusRequestEntityTooLarge, graph.CodePayloadTooLarge)
	require.Less(t, body.read, int64(2<<20), "the body was read past the limit")

	// Every other route is capped too, and so are the webhooks.
	var webhookErr error
	small := loggedHandler(w, &log, graph.HandlerConfig{
		MaxBodyBytes: 1000,
		Webhooks: http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			_, webhookErr = io.ReadAll(r.Body)
			rw.WriteHeader(http.StatusNoContent)
		}),
	})
	for _, path := range []string{"/graphql", "/healthz", "/", "/webhooks/twilio/demo/status", "/nowhere"} {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(strings.Repeat(" ", 1001)))
		req.Header.Set("Content-Type", "application/json")
		requireRefused(t, send(t, small, req), http.StatusRequestEntityTooLarge, graph.CodePayloadTooLarge)
	}
	body = &endless{}
	req = httptest.NewRequest(http.MethodPost, "/webhooks/sendgrid/events", body)
	req.ContentLength = -1
	rec := httptest.NewRecorder()
	small.ServeHTTP(rec, req)
	var tooLarge *http.MaxBytesError
	require.ErrorAs(t, webhookErr, &tooLarge)
	require.Less(t, body.read, int64(64<<10))

	// Within the limit, all is as usual.
	req = rawPost(`{"query": "{ me { email } }"}`)
	req.Header.Set("Authorization", "Bearer "+w.a.Token)
	a := send(t, small, req)
	require.Empty(t, a.rsp.Errors)
	require.Empty(t, log.Problems())
}

// TestSecurityHeaders: every answer, errors included, forbids sniffing and
// referrers and is not stored; GraphiQL may not be framed.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	w := setupAccess(t)
	h := graph.NewHandler(w.db.Client, kithtest.Auth(w.db.Client), graph.HandlerConfig{
		GraphiQL: true, MaxBodyBytes: 100,
		Webhooks: http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) { rw.WriteHeader(http.StatusForbidden) }),
	})
	ok := gqlRequest(t, http.MethodPost, w.a.Token, `{ me { id } }`, nil)
	requests := map[string]*http.Request{
		"query":            ok,
		"GET query":        gqlRequest(t, http.MethodGet, w.a.Token, `{ me { id } }`, nil),
		"field error":      gqlRequest(t, http.MethodPost, "", `{ me { id } }`, nil),
		"validation error": gqlRequest(t, http.MethodPost, w.a.Token, `{ me { nope } }`, nil),
		"malformed":        rawPost(`[]`),
		"wrong type":       httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader("x")),
		"too large":        rawPost(strings.Repeat(" ", 101)),
		"method":           httptest.NewRequest(http.MethodPut, "/graphql", nil),
		"healthz":          httptest.NewRequest(http.MethodGet, "/healthz", nil),
		"readyz":           httptest.NewRequest(http.MethodGet, "/readyz", nil),
		"not found":        httptest.NewRequest(http.MethodGet, "/nowhere", nil),
		"webhook":          httptest.NewRequest(http.MethodPost, "/webhooks/twilio/x/status", nil),
		"GraphiQL":         httptest.NewRequest(http.MethodGet, "/", nil),
	}
	for name, req := range requests {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		require.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"), name)
		require.Equal(t, "no-referrer", rec.Header().Get("Referrer-Policy"), name)
		require.Equal(t, "no-store", rec.Header().Get("Cache-Control"), name)
		if name == "GraphiQL" {
			require.Equal(t, http.StatusOK, rec.Code)
			require.Contains(t, rec.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'")
			require.NotContains(t, rec.Header().Get("Content-Security-Policy"), "script-src", "GraphiQL loads its scripts from a CDN")
			require.Equal(t, "DENY", rec.Header().Get("X-Frame-Options"))
		}
	}
}

// TestNoSecretInLogs feeds distinctive secrets through every error path
// the HTTP layer has, with the log at debug level, and finds none of them
// in the log: not in a client's mistake, and not in the INTERNAL line of a
// store that fails, which carries the request ID, the operation's name and
// the error only.
func TestNoSecretInLogs(t *testing.T) {
	t.Parallel()
	w := setupAccess(t)
	var log logBuffer
	h := loggedHandler(w, &log, graph.HandlerConfig{MaxBodyBytes: 4096})
	secrets := []string{"pw-Zq7xSecret", "kith_st_TokSecret9", "kith_ps_PortalSecret8", "clClientSecret7", "code-Secret-424242", "var-Secret-5151"}
	pw, staffTok, portalTok, acting, code, variable := secrets[0], secrets[1], secrets[2], secrets[3], secrets[4], secrets[5]
	signIn := func(password string) string {
		b, _ := json.Marshal(map[string]any{"query": strings.Replace(signInMutation, "mutation(", "mutation SignIn(", 1), "variables": map[string]any{"in": map[string]any{
			"organization": "alpha", "email": "owner@alpha.example", "password": password}}})
		return string(b)
	}
	type request struct {
		name, method, body, contentType string
		header                          map[string]string
		succeeds                        bool // not an error path, but a secret all the same
	}
	requests := []request{
		{name: "malformed JSON with a password", body: signIn(pw)[:len(signIn(pw))-2]},
		{name: "batch", body: "[" + signIn(pw) + "]"},
		{name: "query of the wrong type", body: `{"query": 12, "variables": {"password": "` + pw + `"}}`},
		{name: "variables of the wrong type", body: `{"query": "{ me { id } }", "variables": "` + pw + `"}`},
		{name: "oversize", body: signIn(pw + strings.Repeat("x", 5000))},
		{name: "oversize, undeclared length", body: signIn(pw + strings.Repeat("x", 5000)), header: map[string]string{"Transfer-Encoding": "chunked"}},
		{name: "invalid UTF-8", body: signIn(pw + "\xff")},
		{name: "lone surrogate", body: strings.Replace(signIn(pw), pw, pw+`\udfff`, 1)},
		{name: "bad variables", body: `{"query": "` + strings.ReplaceAll(signInMutation, `"`, `\"`) + `", "variables": {"in": {"organization": "alpha", "email": "owner@alpha.example", "password": 5, "extra": "` + pw + `"}}}`},
		{name: "validation error", body: `{"query": "{ me { nope(arg: \"` + variable + `\") } }"}`},
		{name: "unknown field", body: `{"query": "{ ` + variable + ` }"}`},
		{name: "parse error", body: `{"query": "{ me(\"` + variable + `"}`},
		{name: "wrong password", body: signIn(pw)},
		{name: "wrong code", body: `{"query": "mutation($in: VerifySignInInput!) { verifySignIn(input: $in) { token } }", "variables": {"in": {"organization": "alpha", "email": "owner@alpha.example", "code": "` + code + `"}}}`},
		{name: "bad bearer token", body: `{"query": "{ me { id } }"}`, header: map[string]string{"Authorization": "Bearer " + staffTok}},
		{name: "bad portal token", body: `{"query": "{ portalClient { id } }"}`, header: map[string]string{"Authorization": "Bearer " + portalTok, "X-Kith-Client": acting}},
		{name: "malformed X-Kith-Client", body: `{"query": "{ portalClient { id } }"}`, header: map[string]string{"Authorization": "Bearer " + portalTok, "X-Kith-Client": acting + " <' OR 1=1>" + strings.Repeat("z", 80)}},
		{name: "X-Kith-Client for staff", body: `{"query": "{ me { id } }"}`, header: map[string]string{"Authorization": "Bearer " + w.a.Token, "X-Kith-Client": acting}, succeeds: true},
		{name: "GET with a mutation", method: http.MethodGet, body: "query=" + url.QueryEscape(signInMutation) + "&variables=" + url.QueryEscape(`{"in": {"organization": "alpha", "email": "owner@alpha.example", "password": "`+pw+`"}}`)},
		{name: "GET with bad variables", method: http.MethodGet, body: "query=" + url.QueryEscape(`{ me { id } }`) + "&variables=" + url.QueryEscape(pw)},
		{name: "wrong content type", body: signIn(pw), contentType: "text/plain"},
		{name: "form", body: "password=" + pw, contentType: "application/x-www-form-urlencoded"},
		{name: "not acceptable", body: signIn(pw), header: map[string]string{"Accept": "text/html"}},
		{name: "wrong method", method: http.MethodPut, body: signIn(pw)},
	}
	run := func(h http.Handler, rq request) *httptest.ResponseRecorder {
		var req *http.Request
		switch rq.method {
		case http.MethodGet:
			req = httptest.NewRequest(http.MethodGet, "/graphql?"+rq.body, nil)
		default:
			req = httptest.NewRequest(cmpOr(rq.method, http.MethodPost), "/graphql", strings.NewReader(rq.body))
			req.Header.Set("Content-Type", cmpOr(rq.contentType, "application/json"))
		}
		for k, v := range rq.header {
			req.Header.Set(k, v)
		}
		if rq.header["Transfer-Encoding"] != "" {
			req.ContentLength = -1
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	answers := make([]*httptest.ResponseRecorder, len(requests))
	for i, rq := range requests {
		answers[i] = run(h, rq)
	}
	for _, s := range secrets {
		require.NotContains(t, log.String(), s, "a secret was logged")
	}
	// Each request had its access-log line, and none of them held a secret.
	require.Equal(t, len(requests), strings.Count(log.String(), " msg=request request_id="), log.String())
	require.Contains(t, log.String(), "operation=mutation:signIn operation_name=SignIn")
	for i, rq := range requests {
		rec := answers[i]
		var rsp kithtest.Response
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &rsp), "%s: %s", rq.name, rec.Body.String())
		if rq.succeeds {
			require.Empty(t, rsp.Errors, rq.name)
			continue
		}
		require.NotEmpty(t, rsp.Errors, "%s: %s", rq.name, rec.Body.String())
		for _, e := range rsp.Errors {
			require.NotEmpty(t, e.Code(), "%s: %s", rq.name, e.Message)
			require.NotEqual(t, graph.CodeInternal, e.Code(), "%s: %s", rq.name, e.Message)
		}
	}

	// The store fails: INTERNAL, logged with the request ID, the
	// operation's name and the error, and still no secret.
	broken := setupAccess(t)
	bh := loggedHandler(broken, &log, graph.HandlerConfig{})
	require.NoError(t, broken.db.SQL.Close())
	for _, rq := range []request{
		{name: "signIn on a broken store", body: signIn(pw)},
		{name: "token on a broken store", body: `{"query": "query Mine { me { id } }"}`, header: map[string]string{"Authorization": "Bearer " + staffTok}},
		{name: "portal on a broken store", body: `{"query": "{ portalClient { id } }"}`, header: map[string]string{"Authorization": "Bearer " + portalTok, "X-Kith-Client": acting}},
	} {
		rec := run(bh, rq)
		require.Contains(t, rec.Body.String(), graph.CodeInternal, rq.name)
	}
	logged := log.String()
	require.Contains(t, logged, "request failed")
	require.Contains(t, logged, "operation=SignIn")
	for _, s := range secrets {
		require.NotContains(t, logged, s)
	}
	require.NotContains(t, logged, "panic")
	require.NotContains(t, logged, "owner@alpha.example")
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestRejectedMutationOpensNothing: a mutation refused before it runs (its
// variables do not coerce) is answered with that error without touching
// the store, so a failing store does not turn it into INTERNAL.
func TestRejectedMutationOpensNothing(t *testing.T) {
	t.Parallel()
	w := setupAccess(t)
	require.NoError(t, w.db.SQL.Close())
	a := send(t, w.api.Handler, rawPost(`{"query": "`+strings.ReplaceAll(signInMutation, `"`, `\"`)+`", "variables": {"in": {"organization": "alpha"}}}`))
	require.Equal(t, http.StatusOK, a.rec.Code, a.rec.Body.String())
	require.Len(t, a.rsp.Errors, 1, a.rec.Body.String())
	require.Equal(t, graph.CodeBadUserInput, a.rsp.Errors[0].Code(), a.rsp.Errors[0].Message)
	require.NotContains(t, a.members, "data")
}

// TestEveryRouteAnswersCodedErrors: every error kith's HTTP server
// answers, on any route, is JSON with a code and a sentence, not Go's
// plain text; /healthz and /readyz keep their plain bodies when all is well.
func TestEveryRouteAnswersCodedErrors(t *testing.T) {
	t.Parallel()
	w := setupAccess(t)
	hooks := http.NewServeMux()
	hooks.HandleFunc("/webhooks/known/", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("hook\n")) })
	hooks.HandleFunc("POST /webhooks/posted/", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("posted\n")) })
	h := loggedHandler(w, &logBuffer{}, graph.HandlerConfig{Webhooks: hooks})
	down := graph.NewHandler(w.db.Client, kithtest.Auth(w.db.Client), graph.HandlerConfig{
		Ready: func(context.Context) error { return errors.New("connection refused") },
	})
	noGraphiQL := graph.NewHandler(w.db.Client, kithtest.Auth(w.db.Client), graph.HandlerConfig{})

	refused := func(h http.Handler, method, target string, status int, code, allow string) {
		t.Helper()
		a := send(t, h, httptest.NewRequest(method, target, nil))
		e := requireRefused(t, a, status, code)
		require.Equal(t, "application/json", a.rec.Header().Get("Content-Type"), "%s %s", method, target)
		require.Equal(t, allow, a.rec.Header().Get("Allow"), "%s %s", method, target)
		require.Equal(t, "nosniff", a.rec.Header().Get("X-Content-Type-Options"))
		require.NotContains(t, e.Message, "secret", "the path is repeated")
	}
	for _, target := range []string{"/nope", "/graphql/", "/healthz/", "/secret-token", "/webhooks/unknown", "/favicon.ico"} {
		refused(h, http.MethodGet, target, http.StatusNotFound, graph.CodeNotFound, "")
		refused(h, http.MethodPost, target, http.StatusNotFound, graph.CodeNotFound, "")
	}
	refused(noGraphiQL, http.MethodGet, "/", http.StatusNotFound, graph.CodeNotFound, "")
	refused(noGraphiQL, http.MethodGet, "/webhooks/twilio/", http.StatusNotFound, graph.CodeNotFound, "")
	for _, target := range []string{"/", "/healthz", "/readyz"} {
		for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions} {
			refused(h, method, target, http.StatusMethodNotAllowed, graph.CodeMethodNotAllowed, "GET, HEAD")
		}
	}
	refused(h, http.MethodPut, "/graphql", http.StatusMethodNotAllowed, graph.CodeMethodNotAllowed, "GET, POST")
	refused(h, http.MethodGet, "/webhooks/posted/x", http.StatusMethodNotAllowed, graph.CodeMethodNotAllowed, "POST")
	refused(down, http.MethodGet, "/readyz", http.StatusServiceUnavailable, graph.CodeUnavailable, "")

	// What answers well stays as it was.
	for target, body := range map[string]string{"/healthz": "ok\n", "/readyz": "ready\n", "/webhooks/known/x": "hook\n"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		require.Equal(t, http.StatusOK, rec.Code, target)
		require.Equal(t, body, rec.Body.String(), target)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	require.Contains(t, rec.Header().Get("Content-Type"), "text/html")
	rec = httptest.NewRecorder()
	down.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	require.Equal(t, http.StatusOK, rec.Code)
}

// TestRequestMistakesAreSentences: a request naming no operation, or one
// its document lacks, a persisted query kith does not know or whose hash
// is wrong, and GET parameters that are not objects are each told so in a
// sentence, with a code and the field at fault.
func TestRequestMistakesAreSentences(t *testing.T) {
	t.Parallel()
	w := setupAccess(t)
	h := w.api.Handler
	post := func(body string) answer { return send(t, h, rawPost(body)) }
	get := func(query string) answer {
		return send(t, h, httptest.NewRequest(http.MethodGet, "/graphql?"+query, nil))
	}
	check := func(a answer, status int, code, field, message string) {
		t.Helper()
		e := requireRefused(t, a, status, code)
		require.Equal(t, message, e.Message)
		if field == "" {
			require.NotContains(t, e.Extensions, "field")
		} else {
			require.Equal(t, field, e.Extensions["field"])
		}
	}
	const two = `query A { __typename } query B { __typename }`
	check(post(`{"query": "`+two+`"}`), 200, "GRAPHQL_VALIDATION_FAILED", "operationName",
		"the query holds 2 operations; say which to run in operationName")
	check(post(`{"query": "`+two+`", "operationName": "Csecret"}`), 200, "GRAPHQL_VALIDATION_FAILED", "operationName",
		"operationName does not name an operation of the query; give the name of one of its operations")
	check(post(`{"query": "query A { __typename }", "operationName": "B"}`), 200, "GRAPHQL_VALIDATION_FAILED", "operationName",
		"operationName does not name an operation of the query; give the name of one of its operations")
	a := post(`{"query": "` + two + `", "operationName": "B"}`)
	require.Empty(t, a.rsp.Errors)

	const query = `{ __typename }`
	sum := sha256.Sum256([]byte(query))
	hash := hex.EncodeToString(sum[:])
	unknown := strings.Repeat("0", 64)
	check(post(`{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "`+unknown+`"}}}`), 200,
		"PERSISTED_QUERY_NOT_FOUND", "extensions.persistedQuery.sha256Hash",
		"kith does not know this persisted query, or no longer keeps it; send it again with its query")
	check(post(`{"query": "{ me { email } }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "`+hash+`"}}}`), 200,
		graph.CodeBadRequest, "extensions.persistedQuery.sha256Hash",
		"extensions.persistedQuery.sha256Hash is not the SHA-256 of the query; hash the query's exact text, in lowercase hexadecimal")
	check(post(`{"query": "`+query+`", "extensions": {"persistedQuery": {"version": 2, "sha256Hash": "`+hash+`"}}}`), 200,
		graph.CodeBadRequest, "extensions.persistedQuery.version", "extensions.persistedQuery.version must be 1, the only version kith knows")
	check(post(`{"query": "`+query+`", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": 7}}}`), 200,
		graph.CodeBadRequest, "extensions.persistedQuery.sha256Hash", "extensions.persistedQuery.sha256Hash must be the query's SHA-256, 64 hexadecimal digits")
	check(post(`{"query": "`+query+`", "extensions": {"persistedQuery": "yes"}}`), 200,
		graph.CodeBadRequest, "extensions.persistedQuery", "extensions.persistedQuery must be an object holding version 1 and sha256Hash, the query's SHA-256 in hexadecimal")

	check(get("query="+url.QueryEscape(query)+"&variables=%5B%5D"), 400, graph.CodeBadRequest, "",
		"the parameter variables must be a JSON object, not an array")
	check(get("query="+url.QueryEscape(query)+"&extensions=%5B1%5D"), 400, graph.CodeBadRequest, "",
		"the parameter extensions must be a JSON object, not an array")
	check(post(`[{"query": "`+query+`"}]`), 400, graph.CodeBadRequest, "",
		"the request body is a JSON array, but batched requests are not supported; send one JSON object")
}
