package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// kith's own GraphQL-over-HTTP transports, in place of gqlgen's
// transport.GET and transport.POST. They decode strictly (a JSON object
// whose query is a string, whose variables and extensions are objects),
// answer every mistake of the client's with a 4xx and an extensions.code
// before anything reaches the executor, and never echo or log the body.
// They follow the GraphQL-over-HTTP spec's SHOULDs: with Accept
// application/json (or none, or */*) a request that fails to parse,
// validate or coerce its variables answers 200 with the errors; with
// application/graphql-response+json it answers 400, and in both cases the
// body has no data entry.

// Error codes of the HTTP layer, in extensions.code: the request could not
// be read as a GraphQL request at all.
const (
	CodeBadRequest           = "BAD_REQUEST"
	CodePayloadTooLarge      = "PAYLOAD_TOO_LARGE"
	CodeUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
	CodeMethodNotAllowed     = "METHOD_NOT_ALLOWED"
	CodeNotAcceptable        = "NOT_ACCEPTABLE"
)

// DefaultMaxBodyBytes is the largest request body kith reads, on any route,
// unless HandlerConfig.MaxBodyBytes says otherwise: 1 MiB.
const DefaultMaxBodyBytes = 1 << 20

// Response media types.
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// RequestError is a client's mistake found before any operation runs, by
// the transports or by package server in front of them: the status to
// answer, a code and a sentence that says what is wrong without repeating
// what was sent.
type RequestError struct {
	// Status is the HTTP status to answer.
	Status int
	// Code is the error's extensions.code.
	Code string
	// Message says what is wrong and what to do.
	Message string
	// Field is the parameter or header at fault, when there is one.
	Field string
}

// Error implements error.
func (e *RequestError) Error() string { return e.Message }

func badRequest(format string, args ...any) *RequestError {
	return &RequestError{Status: http.StatusBadRequest, Code: CodeBadRequest, Message: fmt.Sprintf(format, args...)}
}

func badUnicode(field, message string) *RequestError {
	return &RequestError{Status: http.StatusBadRequest, Code: CodeBadUserInput, Message: message, Field: field}
}

// TooLarge is the error of a request body over limit bytes: 413 PAYLOAD_TOO_LARGE.
func TooLarge(limit int64) *RequestError {
	return &RequestError{Status: http.StatusRequestEntityTooLarge, Code: CodePayloadTooLarge,
		Message: fmt.Sprintf("the request body is larger than the limit of %d bytes; send a smaller request", limit)}
}

// errorBody is an answer that carries errors and, unlike graphql.Response,
// no data entry: the operation never ran.
type errorBody struct {
	Errors gqlerror.List `json:"errors"`
}

// WriteErrors answers status with errs and no data entry, as
// application/json: the shape of every answer kith gives a request that
// ran no operation, on any route. The errors' codes go to the request's
// access-log record (observe.Request in ctx).
func WriteErrors(ctx context.Context, w http.ResponseWriter, status int, errs gqlerror.List) {
	writeErrors(ctx, w, mediaJSON, status, errs)
}

// WriteError answers e as application/json (see WriteErrors).
func WriteError(ctx context.Context, w http.ResponseWriter, e *RequestError) {
	writeRequestError(ctx, w, mediaJSON, e)
}

// writeErrors answers status with errs and no data, as media type.
func writeErrors(ctx context.Context, w http.ResponseWriter, media string, status int, errs gqlerror.List) {
	noteErrors(ctx, errs)
	b, err := json.Marshal(errorBody{Errors: errs})
	if err != nil { // only strings and codes: cannot happen, but answer something coded
		b = []byte(`{"errors":[{"message":"something went wrong on our side","extensions":{"code":"INTERNAL"}}]}`)
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", media)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeRequestError answers e as media type.
func writeRequestError(ctx context.Context, w http.ResponseWriter, media string, e *RequestError) {
	ext := map[string]any{"code": e.Code}
	if e.Field != "" {
		ext["field"] = e.Field
	}
	writeErrors(ctx, w, media, e.Status, gqlerror.List{{Message: e.Message, Extensions: ext}})
}

// negotiate picks the response's media type from the Accept header:
// application/graphql-response+json or application/json, the one with the
// higher quality, the first listed on a tie; */* and application/* mean
// application/json, and so does no Accept header. ok is false when the
// header allows neither.
func negotiate(r *http.Request) (media string, ok bool) {
	values := r.Header.Values("Accept")
	if len(values) == 0 {
		return mediaJSON, true
	}
	best, bestQ := "", 0.0
	for _, part := range strings.Split(strings.Join(values, ","), ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		mt, params, err := mime.ParseMediaType(part)
		if err != nil {
			continue
		}
		q := 1.0
		if s, set := params["q"]; set {
			if q, err = strconv.ParseFloat(s, 64); err != nil || q < 0 || q > 1 {
				continue
			}
		}
		var m string
		switch mt {
		case mediaGraphQLResponse:
			m = mediaGraphQLResponse
		case mediaJSON, "*/*", "application/*":
			m = mediaJSON
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = m, q
		}
	}
	return best, best != ""
}

// acceptable answers 406 and reports false when the client accepts neither
// of kith's response types.
func acceptable(w http.ResponseWriter, r *http.Request) (string, bool) {
	media, ok := negotiate(r)
	if !ok {
		writeRequestError(r.Context(), w, mediaJSON, &RequestError{Status: http.StatusNotAcceptable, Code: CodeNotAcceptable,
			Message: "the Accept header allows neither application/graphql-response+json nor application/json, the only types kith answers in"})
	}
	return media, ok
}

// postTransport is GraphQL over HTTP POST, with a JSON body.
type postTransport struct {
	maxBody int64
	present graphql.ErrorPresenterFunc
}

var _ graphql.Transport = postTransport{}

// Supports implements graphql.Transport: every POST, so that a wrong
// content type gets a coded answer rather than gqlgen's plain one.
func (postTransport) Supports(r *http.Request) bool { return r.Method == http.MethodPost }

// Do implements graphql.Transport.
func (t postTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	if !jsonContentType(r.Header.Get("Content-Type")) {
		writeRequestError(r.Context(), w, mediaJSON, &RequestError{Status: http.StatusUnsupportedMediaType, Code: CodeUnsupportedMediaType,
			Message: "send the request as JSON, with the header Content-Type: application/json"})
		return
	}
	media, ok := acceptable(w, r)
	if !ok {
		return
	}
	start := graphql.Now()
	body, rerr := readBody(w, r, t.maxBody)
	if rerr != nil {
		writeRequestError(r.Context(), w, media, rerr)
		return
	}
	params, rerr := decodeRequest(body)
	if rerr != nil {
		writeRequestError(r.Context(), w, media, rerr)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	execute(w, r, exec, t.present, media, params, false)
}

// jsonContentType reports whether a request's Content-Type is JSON in UTF-8.
func jsonContentType(header string) bool {
	mt, params, err := mime.ParseMediaType(header)
	if err != nil || mt != mediaJSON {
		return false
	}
	cs, set := params["charset"]
	return !set || strings.EqualFold(cs, "utf-8")
}

// readBody reads at most limit bytes of the body: a larger one is a 413,
// found without holding more than limit.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, *RequestError) {
	if r.ContentLength > limit {
		return nil, TooLarge(limit)
	}
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var big *http.MaxBytesError
	switch {
	case errors.As(err, &big):
		return nil, TooLarge(big.Limit)
	case err != nil:
		return nil, badRequest("the request body could not be read to its end")
	}
	return body, nil
}

// getTransport is GraphQL over HTTP GET, for queries only, with the
// request in the URL's query string.
type getTransport struct{ present graphql.ErrorPresenterFunc }

var _ graphql.Transport = getTransport{}

// Supports implements graphql.Transport.
func (getTransport) Supports(r *http.Request) bool { return r.Method == http.MethodGet }

// Do implements graphql.Transport.
func (t getTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	media, ok := acceptable(w, r)
	if !ok {
		return
	}
	start := graphql.Now()
	params, rerr := decodeQueryString(r.URL.RawQuery)
	if rerr != nil {
		writeRequestError(r.Context(), w, media, rerr)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	execute(w, r, exec, t.present, media, params, true)
}

// otherMethods answers 405 to every method but GET and POST (preflight
// OPTIONS requests from allowed origins are answered before, by package server's CORS).
type otherMethods struct{}

var _ graphql.Transport = otherMethods{}

// Supports implements graphql.Transport: whatever the others do not take.
func (otherMethods) Supports(*http.Request) bool { return true }

// Do implements graphql.Transport.
func (otherMethods) Do(w http.ResponseWriter, r *http.Request, _ graphql.GraphExecutor) {
	w.Header().Set("Allow", "GET, POST")
	writeRequestError(r.Context(), w, mediaJSON, &RequestError{Status: http.StatusMethodNotAllowed, Code: CodeMethodNotAllowed,
		Message: "/graphql answers GET (queries only) and POST, not " + strconv.Quote(r.Method)})
}

// execute runs a decoded request: it answers a request that does not parse,
// validate or coerce with its errors and no data (200 as application/json,
// 400 as application/graphql-response+json), refuses anything but a query
// when queryOnly (GET), and otherwise runs the operation. A request's
// errors go through present, but not through the response middleware: no
// transaction is opened for an operation that will not run.
func execute(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, present graphql.ErrorPresenterFunc,
	media string, params *graphql.RawParams, queryOnly bool) {
	ctx := r.Context()
	oc, errs := exec.CreateOperationContext(ctx, params)
	noteOperation(ctx, oc)
	if errs != nil {
		if oc != nil {
			ctx = graphql.WithOperationContext(ctx, oc)
		}
		status := http.StatusOK
		if media == mediaGraphQLResponse {
			status = http.StatusBadRequest
		}
		if oc != nil && oc.Doc != nil && oc.Operation == nil && len(errs) == 1 {
			errs = gqlerror.List{noSuchOperation(oc.Doc, params.OperationName)}
		}
		presented := make(gqlerror.List, 0, len(errs))
		for _, e := range errs {
			if e.Extensions["code"] == nil && e.Err == nil { // gqlgen's persisted-query messages: the request's fault
				if e.Extensions == nil {
					e.Extensions = map[string]any{}
				}
				e.Extensions["code"] = CodeBadRequest
			}
			p := present(ctx, e)
			if p.Extensions["code"] == CodeInternal && media == mediaGraphQLResponse {
				status = http.StatusInternalServerError
			}
			presented = append(presented, p)
		}
		writeErrors(ctx, w, media, status, presented)
		return
	}
	if queryOnly && oc.Operation.Operation != ast.Query {
		w.Header().Set("Allow", "POST")
		writeRequestError(ctx, w, media, &RequestError{Status: http.StatusMethodNotAllowed, Code: CodeMethodNotAllowed,
			Message: "a " + string(oc.Operation.Operation) + " cannot be sent with GET; send it with POST"})
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, oc)
	resp := responses(ctx)
	if resp != nil {
		noteErrors(ctx, resp.Errors)
	}
	b, err := responseJSON(resp)
	if err != nil {
		writeErrors(ctx, w, media, http.StatusInternalServerError,
			gqlerror.List{present(ctx, errors.New("the response could not be encoded as JSON"))})
		return
	}
	w.Header().Set("Content-Type", media)
	_, _ = w.Write(b)
}

// responseJSON is resp as json.Marshal encodes it. An answer that is only
// data, the usual one, is written around the data gqlgen wrote, which is
// compact JSON already: json.Marshal would copy and compact it again (3% of
// a page of 50 clients). Data with characters json.Marshal escapes (<, >,
// &, U+2028, U+2029) goes through json.Marshal, so the bytes are the same.
func responseJSON(resp *graphql.Response) ([]byte, error) {
	if resp == nil || len(resp.Errors) > 0 || len(resp.Extensions) > 0 || resp.Label != "" || resp.Path != nil ||
		resp.HasNext != nil || len(resp.Data) == 0 || bytes.ContainsAny(resp.Data, "<>&") || bytes.Contains(resp.Data, []byte("\xe2\x80")) {
		return json.Marshal(resp)
	}
	b := make([]byte, 0, len(`{"data":}`)+len(resp.Data))
	b = append(b, `{"data":`...)
	b = append(b, resp.Data...)
	return append(b, '}'), nil
}

// noSuchOperation is the error of a request whose operationName names no
// operation of its document, or names none when the document holds
// several; its code stays gqlgen's, GRAPHQL_VALIDATION_FAILED. The name
// asked for is not repeated.
func noSuchOperation(doc *ast.QueryDocument, name string) *gqlerror.Error {
	msg := "operationName does not name an operation of the query; give the name of one of its operations"
	if name == "" {
		msg = fmt.Sprintf("the query holds %d operations; say which to run in operationName", len(doc.Operations))
	}
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": errcode.ValidationFailed, "field": "operationName"}}
}

// decodeRequest reads a POST body: one JSON object, in UTF-8, whose query
// is a non-empty string (or absent with a persisted query's extension),
// operationName a string or null, variables and extensions objects or
// null. Other members are ignored. Its errors never quote the body.
func decodeRequest(body []byte) (*graphql.RawParams, *RequestError) {
	if !utf8.Valid(body) {
		return nil, badUnicode("", "the request body is not valid UTF-8")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, badRequest(`the request body is empty; send a JSON object such as {"query": "{ me { name } }"}`)
	}
	var members map[string]json.RawMessage
	if err := decodeOne(body, &members); err != nil {
		return nil, notAnObject("the request body", body, err)
	}
	if members == nil {
		return nil, badRequest("the request body must be a JSON object with a query, not null")
	}
	if loneSurrogate(body) {
		return nil, badUnicode("", `the request body holds a \u escape of a lone UTF-16 surrogate, which is not a character`)
	}
	params := &graphql.RawParams{}
	if err := readMembers(params, members); err != nil {
		return nil, err
	}
	return params, nil
}

// decodeQueryString reads a GET request's parameters: query, operationName,
// and variables and extensions as JSON objects, each at most once and in
// UTF-8.
func decodeQueryString(raw string) (*graphql.RawParams, *RequestError) {
	values, err := url.ParseQuery(raw)
	if err != nil {
		return nil, badRequest("the URL's query string is malformed; encode each parameter with percent-encoding")
	}
	members := map[string]json.RawMessage{}
	for _, key := range []string{"query", "operationName", "variables", "extensions"} {
		vs, set := values[key]
		if !set {
			continue
		}
		if len(vs) > 1 {
			return nil, badRequest("the parameter %s is given %d times; give it once", key, len(vs))
		}
		v := vs[0]
		if !utf8.ValidString(v) {
			return nil, badUnicode(key, "the parameter "+key+" is not valid UTF-8")
		}
		switch key {
		case "query", "operationName":
			quoted, _ := json.Marshal(v) // a valid string always encodes
			members[key] = quoted
		default:
			if v == "" {
				continue
			}
			var obj map[string]json.RawMessage
			if err := decodeOne([]byte(v), &obj); err != nil {
				return nil, notAnObject("the parameter "+key, []byte(v), err)
			}
			if loneSurrogate([]byte(v)) {
				return nil, badUnicode(key, `the parameter `+key+` holds a \u escape of a lone UTF-16 surrogate, which is not a character`)
			}
			members[key] = json.RawMessage(v)
		}
	}
	params := &graphql.RawParams{}
	if err := readMembers(params, members); err != nil {
		return nil, err
	}
	return params, nil
}

// readMembers fills params from a request's JSON members, checking each's type.
func readMembers(params *graphql.RawParams, members map[string]json.RawMessage) *RequestError {
	if raw, ok := members["extensions"]; ok {
		if err := decodeObject("extensions", raw, &params.Extensions); err != nil {
			return err
		}
	}
	if raw, ok := members["variables"]; ok {
		if err := decodeObject("variables", raw, &params.Variables); err != nil {
			return err
		}
	}
	if raw, ok := members["operationName"]; ok && jsonKind(raw) != "null" {
		if jsonKind(raw) != "a string" {
			return badRequest("operationName must be a string or null, not %s", jsonKind(raw))
		}
		_ = json.Unmarshal(raw, &params.OperationName) // checked: a string
	}
	raw, ok := members["query"]
	switch {
	case (!ok || jsonKind(raw) == "null") && params.Extensions["persistedQuery"] != nil:
		return nil // automatic persisted query: the hash names the document
	case !ok || jsonKind(raw) == "null":
		return badRequest(`the request has no query; send the GraphQL document in "query"`)
	case jsonKind(raw) != "a string":
		return badRequest("query must be a string holding a GraphQL document, not %s", jsonKind(raw))
	}
	_ = json.Unmarshal(raw, &params.Query) // checked: a string
	if strings.TrimSpace(params.Query) == "" {
		return badRequest("query is empty; send a GraphQL document such as { me { name } }")
	}
	return nil
}

// decodeObject decodes raw, a JSON object or null, into out, keeping
// numbers as json.Number as gqlgen expects.
func decodeObject(name string, raw json.RawMessage, out *map[string]any) *RequestError {
	switch jsonKind(raw) {
	case "null":
		return nil
	case "an object":
		if err := decodeOne(raw, out); err != nil { // already valid JSON: cannot fail
			return badRequest("%s could not be read as a JSON object", name)
		}
		return nil
	default:
		return badRequest("%s must be a JSON object or null, not %s", name, jsonKind(raw))
	}
}

// decodeOne decodes exactly one JSON value from data into out.
func decodeOne(data []byte, out any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errTrailing
	}
	return nil
}

var errTrailing = errors.New("more than one JSON value")

// notAnObject explains why what, which should be one JSON object, is not:
// the decoder's error is not quoted, since it can hold a piece of the body.
func notAnObject(what string, data []byte, err error) *RequestError {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.Is(err, errTrailing):
		return badRequest("%s goes on after its first JSON value; send a single JSON object", what)
	case errors.As(err, &typ) && jsonKind(bytes.TrimSpace(data)) == "an array" && what == "the request body":
		return badRequest("%s is a JSON array, but batched requests are not supported; send one JSON object", what)
	case errors.As(err, &typ):
		return badRequest("%s must be a JSON object, not %s", what, jsonKind(bytes.TrimSpace(data)))
	case errors.As(err, &syntax):
		return badRequest("%s is not valid JSON (the error is at byte %d)", what, syntax.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("%s is not valid JSON: it ends before its JSON value does", what)
	default: // such as the decoder's depth limit
		return badRequest("%s is not valid JSON", what)
	}
}

// jsonKind names the kind of a valid JSON value from its first byte.
func jsonKind(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	default:
		return "a number"
	}
}

// loneSurrogate reports whether JSON text holds a \u escape of a UTF-16
// surrogate that is not half of a pair, which Go's decoder would silently
// turn into U+FFFD. Backslashes only occur in strings of valid JSON, so
// the text is read escape by escape.
func loneSurrogate(data []byte) bool {
	for i := 0; i < len(data); i++ {
		if data[i] != '\\' {
			continue
		}
		r, ok := escapedRune(data, i)
		i++ // past the escaped character
		if !ok {
			continue
		}
		i += 4
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return true // a low half with no high one before it
		case r >= 0xD800 && r <= 0xDBFF:
			low, ok := escapedRune(data, i+1)
			if !ok || low < 0xDC00 || low > 0xDFFF {
				return true
			}
			i += 6
		}
	}
	return false
}

// escapedRune reads the \uXXXX escape at data[i:], if it is one.
func escapedRune(data []byte, i int) (rune, bool) {
	if i+6 > len(data) || data[i] != '\\' || data[i+1] != 'u' {
		return 0, false
	}
	n, err := strconv.ParseUint(string(data[i+2:i+6]), 16, 16)
	if err != nil {
		return 0, false
	}
	return rune(n), true
}

// operationName is the name of the operation in ctx, as written in the
// document (a GraphQL name, never request text beyond it), or "".
func operationName(ctx context.Context) string {
	if !graphql.HasOperationContext(ctx) {
		return ""
	}
	if op := graphql.GetOperationContext(ctx).Operation; op != nil {
		return op.Name
	}
	return ""
}
