package graph_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/server"
)

// loggedHandler is kith's handler over w's database, logging at debug level into log.
func loggedHandler(t *testing.T, w *twoPractices, log *kithtest.LogBuffer) http.Handler {
	return kithtest.NewAPIConfig(t, w.db, server.Config{HandlerConfig: graph.HandlerConfig{Logger: log.Logger()}}, auth.Config{}).Handler
}

// TestMalformedRequests: a body that is not one GraphQL request object, or
// not valid Unicode, is the client's mistake: 400 with a code and a
// sentence, no panic, nothing logged, nothing of the body repeated.
func TestMalformedRequests(t *testing.T) {
	t.Parallel()
	w := setupAccess(t)
	var log kithtest.LogBuffer
	h := loggedHandler(t, w, &log)
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
		req := kithtest.RawPost(tc.body)
		req.Header.Set("Authorization", "Bearer "+w.a.Token)
		a := kithtest.Send(t, h, req)
		e := kithtest.RequireRefused(t, a, http.StatusBadRequest, tc.code)
		require.NotContains(t, a.Rec.Body.String(), secret, tc.name)
		require.NotContains(t, e.Message, "{ me { id", tc.name)
		require.Equal(t, "application/json", a.Rec.Header().Get("Content-Type"), tc.name)
	}
	require.Empty(t, log.Problems(), "a client's mistake is not logged")

	// A surrogate pair, escaped, is a character like any other.
	req := kithtest.RawPost(`{"query": "query($p: String!) { __type(name: $p) { name } }", "variables": {"p": "\ud83d\ude00"}, "operationName": null, "extensions": null}`)
	req.Header.Set("Authorization", "Bearer "+w.a.Token)
	a := kithtest.Send(t, h, req)
	require.Equal(t, http.StatusOK, a.Rec.Code, a.Rec.Body.String())
	require.Empty(t, a.Response.Errors)
}

// TestMalformedGET: GET's parameters are held to the same rules, and a
// mutation over GET is refused with 405 and Allow: POST.
func TestMalformedGET(t *testing.T) {
	t.Parallel()
	w := setupAccess(t)
	var log kithtest.LogBuffer
	h := loggedHandler(t, w, &log)
	get := func(rawQuery string) kithtest.Answer {
		req := httptest.NewRequest(http.MethodGet, "/graphql?"+rawQuery, nil)
		req.Header.Set("Authorization", "Bearer "+w.a.Token)
		return kithtest.Send(t, h, req)
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
		kithtest.RequireRefused(t, get(tc.query), http.StatusBadRequest, tc.code)
	}

	a := get("query=" + url.QueryEscape(`mutation { signOut }`))
	e := kithtest.RequireRefused(t, a, http.StatusMethodNotAllowed, graph.CodeMethodNotAllowed)
	require.Equal(t, "POST", a.Rec.Header().Get("Allow"))
	require.Contains(t, e.Message, "POST")
	var me struct{ Me struct{ ID string } }
	w.api.OK(w.a.Token, `{ me { id } }`, nil, &me) // the token still works: signOut did not run

	a = get("query=" + q + "&variables=" + url.QueryEscape(`{"p": "x"}`) + "&operationName=")
	require.Equal(t, http.StatusOK, a.Rec.Code, a.Rec.Body.String())
	require.Empty(t, a.Response.Errors)
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
		e := kithtest.RequireRefused(t, kithtest.Send(t, h, req), http.StatusUnsupportedMediaType, graph.CodeUnsupportedMediaType)
		require.Contains(t, e.Message, "application/json", ct)
	}
	req := kithtest.RawPost(query)
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	req.Header.Set("Authorization", "Bearer "+w.a.Token)
	require.Equal(t, http.StatusOK, kithtest.Send(t, h, req).Rec.Code)

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
			req := kithtest.RawPost(query)
			if method == http.MethodGet {
				req = httptest.NewRequest(method, "/graphql?query="+url.QueryEscape(`{ me { id } }`), nil)
			}
			req.Header.Set("Accept", accept)
			kithtest.RequireRefused(t, kithtest.Send(t, h, req), http.StatusNotAcceptable, graph.CodeNotAcceptable)
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
		req := kithtest.RawPost(query)
		req.Header.Set("Authorization", "Bearer "+w.a.Token)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		a := kithtest.Send(t, h, req)
		require.Equal(t, http.StatusOK, a.Rec.Code, accept)
		require.Equal(t, media, a.Rec.Header().Get("Content-Type"), accept)
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
			req := kithtest.RawPost(tc.body)
			req.Header.Set("Authorization", "Bearer "+w.a.Token)
			media, status := "application/json", http.StatusOK
			if accept != "" {
				req.Header.Set("Accept", accept)
			}
			if accept == "application/graphql-response+json" {
				media, status = accept, http.StatusBadRequest
			}
			a := kithtest.Send(t, h, req)
			require.Equal(t, status, a.Rec.Code, "%s, Accept %q: %s", tc.name, accept, a.Rec.Body.String())
			require.Equal(t, media, a.Rec.Header().Get("Content-Type"), tc.name)
			require.NotContains(t, a.Members, "data", "%s: %s", tc.name, a.Rec.Body.String())
			require.NotEmpty(t, a.Response.Errors, tc.name)
			require.Equal(t, tc.code, a.Response.Errors[0].Code(), "%s: %s", tc.name, a.Response.Errors[0].Message)
		}
	}

	// A field error is not a request error: 200 with data, whatever the type.
	for _, accept := range []string{"application/json", "application/graphql-response+json"} {
		req := kithtest.RawPost(`{"query": "{ node(id: \"clNOPE\") { id } }"}`)
		req.Header.Set("Authorization", "Bearer "+w.a.Token)
		req.Header.Set("Accept", accept)
		a := kithtest.Send(t, h, req)
		require.Equal(t, http.StatusOK, a.Rec.Code, a.Rec.Body.String())
		require.Contains(t, a.Members, "data")
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
	post := func(body string) kithtest.Answer {
		req := kithtest.RawPost(body)
		req.Header.Set("Authorization", "Bearer "+w.a.Token)
		return kithtest.Send(t, h, req)
	}

	a := post(`{"extensions": ` + ext + `}`)
	require.Equal(t, "PERSISTED_QUERY_NOT_FOUND", a.Response.Errors[0].Code(), a.Rec.Body.String())
	for range 2 { // the second parse comes from the query cache
		a = post(`{"query": "` + query + `", "extensions": ` + ext + `}`)
		require.Empty(t, a.Response.Errors)
		require.JSONEq(t, `{"me": {"email": "owner@alpha.example"}}`, string(a.Response.Data))
	}
	a = post(`{"extensions": ` + ext + `}`)
	require.Empty(t, a.Response.Errors, a.Rec.Body.String())
	require.JSONEq(t, `{"me": {"email": "owner@alpha.example"}}`, string(a.Response.Data))

	req := httptest.NewRequest(http.MethodGet, "/graphql?extensions="+url.QueryEscape(ext), nil)
	req.Header.Set("Authorization", "Bearer "+w.a.Token)
	a = kithtest.Send(t, h, req)
	require.Empty(t, a.Response.Errors, a.Rec.Body.String())
	require.JSONEq(t, `{"me": {"email": "owner@alpha.example"}}`, string(a.Response.Data))
}

// TestRejectedMutationOpensNothing: a mutation refused before it runs (its
// variables do not coerce) is answered with that error without touching
// the store, so a failing store does not turn it into INTERNAL.
func TestRejectedMutationOpensNothing(t *testing.T) {
	t.Parallel()
	w := setupAccess(t)
	require.NoError(t, w.db.SQL.Close())
	a := kithtest.Send(t, w.api.Handler, kithtest.RawPost(`{"query": "`+strings.ReplaceAll(signInMutation, `"`, `\"`)+`", "variables": {"in": {"organization": "alpha"}}}`))
	require.Equal(t, http.StatusOK, a.Rec.Code, a.Rec.Body.String())
	require.Len(t, a.Response.Errors, 1, a.Rec.Body.String())
	require.Equal(t, graph.CodeBadUserInput, a.Response.Errors[0].Code(), a.Response.Errors[0].Message)
	require.NotContains(t, a.Members, "data")
}

// TestRequestMistakesAreSentences: a request naming no operation, or one
// its document lacks, a persisted query kith does not know or whose hash
// is wrong, and GET parameters that are not objects are each told so in a
// sentence, with a code and the field at fault.
func TestRequestMistakesAreSentences(t *testing.T) {
	t.Parallel()
	w := setupAccess(t)
	h := w.api.Handler
	post := func(body string) kithtest.Answer { return kithtest.Send(t, h, kithtest.RawPost(body)) }
	get := func(query string) kithtest.Answer {
		return kithtest.Send(t, h, httptest.NewRequest(http.MethodGet, "/graphql?"+query, nil))
	}
	check := func(a kithtest.Answer, status int, code, field, message string) {
		t.Helper()
		e := kithtest.RequireRefused(t, a, status, code)
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
	require.Empty(t, a.Response.Errors)

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
