package graph

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/require"
)

// requestSeeds are bodies, malformed and valid, that start both fuzz tests.
var requestSeeds = []string{
	`{"query": "{ me { id } }"}`,
	`{"query": "query Q($n: Int) { clients(first: $n) { totalCount } }", "variables": {"n": 10}, "operationName": "Q"}`,
	`{"query": "{ me { id } }", "variables": null, "operationName": null, "extensions": null}`,
	`{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}}`,
	`{"query": "{ me { id } }", "variables": {"p": "\ud83d\ude00"}}`,
	`{"query": "mutation { signIn(input: {organization: \"a\", email: \"e\", password: \"pw\"}) { token } }"`,
	`[{"query": "{ me { id } }"}]`,
	`{"query": 12}`,
	`{"query": "{ me { id } }", "variables": "x"}`,
	`{"query": "{ me { id } }", "operationName": 7}`,
	`{"query": "{ me { id } }", "extensions": []}`,
	`{"query": ""}`,
	`{}`,
	`null`,
	`"query"`,
	``,
	`{"query": "{ me { id } }"} {}`,
	"{\"query\": \"{ me \xff }\"}",
	`{"query": "{ me { id } }", "variables": {"p": "\ud800"}}`,
	`{"query": "{ me { id } }", "variables": {"p": "\udc00\ud800"}}`,
	`{"query": "\\ud800"}`,
	`{"query": "{ me { id } }", "variables": {"p": "\ud800\u0041"}}`,
}

// checkAnswer is the property of both decoders: a request with a query
// (or a persisted query's hash) whose text is valid UTF-8 with no U+FFFD
// that source did not hold (nothing replaced silently), or a coded client
// error, never both.
func checkAnswer(t *testing.T, source string, params *graphql.RawParams, err *RequestError) {
	t.Helper()
	if (params == nil) == (err == nil) {
		t.Fatalf("a request %v and an error %v", params, err)
	}
	if err != nil {
		if err.Status != http.StatusBadRequest || (err.Code != CodeBadRequest && err.Code != CodeBadUserInput) || len(strings.Fields(err.Message)) < 4 {
			t.Fatalf("not a coded client error: %d %s %q", err.Status, err.Code, err.Message)
		}
		return
	}
	if strings.TrimSpace(params.Query) == "" && params.Extensions["persistedQuery"] == nil {
		t.Fatal("a request without a query")
	}
	vars, jerr := json.Marshal(params.Variables)
	if jerr != nil {
		t.Fatalf("variables that do not encode back: %v", jerr)
	}
	text := params.Query + params.OperationName + string(vars)
	if !utf8.ValidString(text) {
		t.Fatal("decoded text that is not UTF-8")
	}
	replaced := strings.ContainsRune(text, utf8.RuneError) || strings.Contains(strings.ToLower(text), `\ufffd`)
	if replaced && !strings.ContainsRune(source, utf8.RuneError) && !strings.Contains(strings.ToLower(source), `\ufffd`) {
		t.Fatal("a character was silently replaced by U+FFFD")
	}
}

// FuzzDecodeRequest: whatever a POST body holds, decoding never panics and
// answers a request or a coded client error.
func FuzzDecodeRequest(f *testing.F) {
	for _, s := range requestSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		params, err := decodeRequest(body)
		checkAnswer(t, string(body), params, err)
	})
}

// FuzzDecodeQueryString is FuzzDecodeRequest for GET's query string.
func FuzzDecodeQueryString(f *testing.F) {
	for _, s := range requestSeeds {
		var m map[string]json.RawMessage
		if json.Unmarshal([]byte(s), &m) != nil {
			f.Add("query=" + url.QueryEscape(s))
			continue
		}
		v := url.Values{}
		for k, raw := range m {
			var str string
			if json.Unmarshal(raw, &str) == nil {
				v.Set(k, str)
			} else {
				v.Set(k, string(raw))
			}
		}
		f.Add(v.Encode())
	}
	f.Add("query=%7B%20me%20%7D%ff")
	f.Add("query=a&query=b")
	f.Add("query=%zz")
	f.Fuzz(func(t *testing.T, raw string) {
		params, err := decodeQueryString(raw)
		source := raw
		if values, perr := url.ParseQuery(raw); perr == nil {
			for _, vs := range values {
				source += strings.Join(vs, "")
			}
		}
		checkAnswer(t, source, params, err)
	})
}

// TestDecodeDeepNesting: JSON nested past the decoder's depth limit is a
// client error like any other malformed body (kept out of the fuzz seeds,
// whose large inputs slow the fuzzer down).
func TestDecodeDeepNesting(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat("[", 10001) + strings.Repeat("]", 10001)
	params, err := decodeRequest([]byte(`{"query": "{ me { id } }", "variables": {"v": ` + deep + `}}`))
	checkAnswer(t, "", params, err)
	require.Nil(t, params)
	params, err = decodeQueryString("query=x&variables=" + url.QueryEscape(`{"v": `+deep+`}`))
	checkAnswer(t, "", params, err)
	require.Nil(t, params)
}
