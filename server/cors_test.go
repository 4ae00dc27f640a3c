package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestWidgetCORS: a preflight from an origin some organisation lists is
// allowed, without credentials; one from any other origin gets no CORS
// headers; the answer to an allowed origin's request carries them.
func TestWidgetCORS(t *testing.T) {
	t.Parallel()
	w := setup(t)
	w.api.OK(w.p.Token, `mutation { updateBookingRules(input: {widgetAllowedOrigins: ["https://Maple.example"]}) { id } }`, nil, nil)
	preflight := func(origin string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type")
		rec := httptest.NewRecorder()
		w.api.Handler.ServeHTTP(rec, req)
		return rec
	}
	ok := preflight("https://maple.example")
	require.Equal(t, http.StatusNoContent, ok.Code)
	require.Equal(t, "https://maple.example", ok.Header().Get("Access-Control-Allow-Origin"))
	require.Contains(t, ok.Header().Get("Access-Control-Allow-Headers"), "Content-Type")
	require.Empty(t, ok.Header().Get("Access-Control-Allow-Credentials"))

	no := preflight("https://evil.example")
	require.Equal(t, http.StatusNoContent, no.Code)
	require.Empty(t, no.Header().Get("Access-Control-Allow-Origin"))

	body, _ := json.Marshal(map[string]any{"query": `{ bookableServices(organization: "alpha") { id } }`})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", "https://maple.example")
	rec := httptest.NewRecorder()
	w.api.Handler.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "https://maple.example", rec.Header().Get("Access-Control-Allow-Origin"))
}
