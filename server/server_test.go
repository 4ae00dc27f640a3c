package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/server"
)

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
	w := setup(t)
	var log kithtest.LogBuffer
	h := w.logged(t, &log, server.Config{}).Handler

	// The default, 1 MiB: a declared 2 MiB body is refused unread.
	big := `{"query": "{ me { id } }", "variables": {"p": "` + strings.Repeat("a", 2<<20) + `"}}`
	e := kithtest.RequireRefused(t, kithtest.Send(t, h, kithtest.RawPost(big)), http.StatusRequestEntityTooLarge, graph.CodePayloadTooLarge)
	require.Contains(t, e.Message, "1048576")

	// A body of unknown length is read up to the limit, never whole.
	body := &endless{}
	req := httptest.NewRequest(http.MethodPost, "/graphql", body)
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	kithtest.RequireRefused(t, kithtest.Send(t, h, req), http.StatusRequestEntityTooLarge, graph.CodePayloadTooLarge)
	require.Less(t, body.read, int64(2<<20), "the body was read past the limit")

	// Every other route is capped too, and so are the webhooks.
	var webhookErr error
	small := w.logged(t, &log, server.Config{
		HandlerConfig: graph.HandlerConfig{MaxBodyBytes: 1000},
		Webhooks: http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			_, webhookErr = io.ReadAll(r.Body)
			rw.WriteHeader(http.StatusNoContent)
		}),
	}).Handler
	for _, path := range []string{"/graphql", "/healthz", "/", "/webhooks/twilio/demo/status", "/nowhere"} {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(strings.Repeat(" ", 1001)))
		req.Header.Set("Content-Type", "application/json")
		kithtest.RequireRefused(t, kithtest.Send(t, small, req), http.StatusRequestEntityTooLarge, graph.CodePayloadTooLarge)
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
	req = kithtest.RawPost(`{"query": "{ me { email } }"}`)
	req.Header.Set("Authorization", "Bearer "+w.p.Token)
	a := kithtest.Send(t, small, req)
	require.Empty(t, a.Response.Errors)
	require.Empty(t, log.Problems())
}

// TestSecurityHeaders: every answer, errors included, forbids sniffing and
// referrers and is not stored; GraphiQL may not be framed.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	w := setup(t)
	h := server.New(w.db.Client, kithtest.Auth(w.db.Client), server.Config{
		GraphiQL: true, HandlerConfig: graph.HandlerConfig{MaxBodyBytes: 100},
		Webhooks: http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) { rw.WriteHeader(http.StatusForbidden) }),
	})
	ok := kithtest.NewRequest(t, http.MethodPost, w.p.Token, `{ me { id } }`, nil)
	requests := map[string]*http.Request{
		"query":            ok,
		"GET query":        kithtest.NewRequest(t, http.MethodGet, w.p.Token, `{ me { id } }`, nil),
		"field error":      kithtest.NewRequest(t, http.MethodPost, "", `{ me { id } }`, nil),
		"validation error": kithtest.NewRequest(t, http.MethodPost, w.p.Token, `{ me { nope } }`, nil),
		"malformed":        kithtest.RawPost(`[]`),
		"wrong type":       httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader("x")),
		"too large":        kithtest.RawPost(strings.Repeat(" ", 101)),
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
	w := setup(t)
	var log kithtest.LogBuffer
	h := w.logged(t, &log, server.Config{HandlerConfig: graph.HandlerConfig{MaxBodyBytes: 4096}}).Handler
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
		{name: "X-Kith-Client for staff", body: `{"query": "{ me { id } }"}`, header: map[string]string{"Authorization": "Bearer " + w.p.Token, "X-Kith-Client": acting}, succeeds: true},
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
	broken := setup(t)
	bh := broken.logged(t, &log, server.Config{}).Handler
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

// TestEveryRouteAnswersCodedErrors: every error kith's HTTP server
// answers, on any route, is JSON with a code and a sentence, not Go's
// plain text; /healthz and /readyz keep their plain bodies when all is well.
func TestEveryRouteAnswersCodedErrors(t *testing.T) {
	t.Parallel()
	w := setup(t)
	hooks := http.NewServeMux()
	hooks.HandleFunc("/webhooks/known/", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("hook\n")) })
	hooks.HandleFunc("POST /webhooks/posted/", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("posted\n")) })
	h := w.logged(t, &kithtest.LogBuffer{}, server.Config{Webhooks: hooks}).Handler
	down := server.New(w.db.Client, kithtest.Auth(w.db.Client), server.Config{
		Ready: func(context.Context) error { return errors.New("connection refused") },
	})
	noGraphiQL := server.New(w.db.Client, kithtest.Auth(w.db.Client), server.Config{})

	refused := func(h http.Handler, method, target string, status int, code, allow string) {
		t.Helper()
		a := kithtest.Send(t, h, httptest.NewRequest(method, target, nil))
		e := kithtest.RequireRefused(t, a, status, code)
		require.Equal(t, "application/json", a.Rec.Header().Get("Content-Type"), "%s %s", method, target)
		require.Equal(t, allow, a.Rec.Header().Get("Allow"), "%s %s", method, target)
		require.Equal(t, "nosniff", a.Rec.Header().Get("X-Content-Type-Options"))
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
	refused(down, http.MethodGet, "/readyz", http.StatusServiceUnavailable, server.CodeUnavailable, "")

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
