package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/kithtest"
)

// TestMain runs the test binary as kith itself when KITH_TEST_RUN_MAIN=1,
// so tests can start real kith processes (TestTwoProcesses).
func TestMain(m *testing.M) {
	if os.Getenv("KITH_TEST_RUN_MAIN") == "1" {
		os.Args = append([]string{"kith"}, strings.Fields(os.Getenv("KITH_TEST_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

var bearer = regexp.MustCompile(`Authorization: Bearer (kith_st_\S+)`)
var listening = regexp.MustCompile(`addr=(127\.0\.0\.1:\d+)`)

// TestServeDemo starts `kith serve --demo` on SQLite, as a newcomer would,
// queries it with the printed token, and shuts it down gracefully.
func TestServeDemo(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"KITH_DATABASE_URL": "sqlite://" + t.TempDir() + "/kith.db", "KITH_ADDR": "127.0.0.1:0"}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr kithtest.LogBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve", "--demo"}, env(vars), &stdout, &stderr) }()

	var addr string
	require.Eventually(t, func() bool {
		m := listening.FindStringSubmatch(stderr.String())
		if m != nil {
			addr = m[1]
		}
		return m != nil
	}, 10*time.Second, 20*time.Millisecond, stderr.String())
	tok := bearer.FindStringSubmatch(stdout.String())
	require.NotNil(t, tok, stdout.String())
	require.Contains(t, stdout.String(), "http://"+addr+"/")

	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/graphql",
		strings.NewReader(`{"query":"{ clients(first: 10) { totalCount } organization { slug } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok[1])
	rsp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(rsp.Body)
	_ = rsp.Body.Close()
	require.JSONEq(t, `{"data":{"clients":{"totalCount":2},"organization":{"slug":"demo"}}}`, string(body))
	// The demo's next appointment has a consent form sent from it to a parent.
	now := time.Now().UTC().Format(time.RFC3339)
	req, _ = http.NewRequest(http.MethodPost, "http://"+addr+"/graphql",
		strings.NewReader(`{"query":"{ appointments(first: 1, where: {startsAtGT: \"`+now+`\"}, orderBy: {field: STARTS_AT}) { edges { node { forms { title signatureRequested contact { firstName } } } } } organization { portalInviteOnCreate formReminderDelayHours } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok[1])
	rsp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ = io.ReadAll(rsp.Body)
	_ = rsp.Body.Close()
	require.JSONEq(t, `{"data":{"appointments":{"edges":[{"node":{"forms":[{"title":"Consent for Sam's sessions","signatureRequested":true,"contact":{"firstName":"Alex"}}]}}]},
		"organization":{"portalInviteOnCreate":true,"formReminderDelayHours":72}}}`, string(body))
	require.NotContains(t, stderr.String(), tok[1], "secrets are never logged")

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err, "graceful shutdown")
	case <-time.After(25 * time.Second):
		t.Fatal("serve did not stop")
	}

	// A second --demo run seeds nothing new and prints a fresh token.
	ctx2, cancel2 := context.WithCancel(context.Background())
	var out2, err2 kithtest.LogBuffer
	done2 := make(chan error, 1)
	go func() { done2 <- run(ctx2, []string{"serve", "--demo"}, env(vars), &out2, &err2) }()
	require.Eventually(t, func() bool { return bearer.MatchString(out2.String()) }, 10*time.Second, 20*time.Millisecond, err2.String())
	require.NotEqual(t, tok[1], bearer.FindStringSubmatch(out2.String())[1])
	cancel2()
	require.NoError(t, <-done2)
}

func TestOrgCreateAndToken(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"KITH_DATABASE_URL": t.TempDir() + "/kith.db", "KITH_OWNER_PASSWORD": "a long enough password"}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"org", "create", "--name", "Maple Therapy", "--slug", "maple",
		"--time-zone", "America/Toronto", "--phone-region", "CA", "--owner-name", "Olivia", "--owner-email", "olivia@maple.example"},
		env(vars), &out, &errOut)
	require.NoError(t, err, errOut.String())
	require.Contains(t, out.String(), "Created organisation Maple Therapy")
	require.Regexp(t, bearer, out.String())
	require.NotContains(t, errOut.String()+out.String(), "a long enough password")

	out.Reset()
	require.NoError(t, run(context.Background(), []string{"token", "--org", "maple", "--email", "OLIVIA@maple.example"}, env(vars), &out, &errOut))
	require.Regexp(t, bearer, out.String())

	err = run(context.Background(), []string{"token", "--org", "maple", "--email", "nobody@maple.example"}, env(vars), &out, &errOut)
	require.ErrorContains(t, err, "no active staff member")
	err = run(context.Background(), []string{"org", "create", "--name", "X", "--slug", "Bad Slug!", "--owner-name", "O", "--owner-email", "o@x.example"}, env(vars), &out, &errOut)
	require.Error(t, err)
	require.ErrorIs(t, run(context.Background(), nil, env(vars), &out, &errOut), errUsage)
}

// TestServeMaxBodyBytes: KITH_MAX_BODY_BYTES caps request bodies, and
// --max-body-bytes overrides it; less than one byte stops serve.
func TestServeMaxBodyBytes(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"KITH_DATABASE_URL": "sqlite://" + t.TempDir() + "/kith.db", "KITH_ADDR": "127.0.0.1:0", "KITH_MAX_BODY_BYTES": "100"}
	err := run(context.Background(), []string{"serve", "--max-body-bytes", "0"}, env(vars), io.Discard, io.Discard)
	require.ErrorContains(t, err, "KITH_MAX_BODY_BYTES")

	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr kithtest.LogBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve", "--max-body-bytes", "200"}, env(vars), &stdout, &stderr) }()
	var addr string
	require.Eventually(t, func() bool {
		if m := listening.FindStringSubmatch(stderr.String()); m != nil {
			addr = m[1]
		}
		return addr != ""
	}, 10*time.Second, 20*time.Millisecond, stderr.String())
	post := func(body string) (int, string) {
		rsp, err := http.Post("http://"+addr+"/graphql", "application/json", strings.NewReader(body))
		require.NoError(t, err)
		defer rsp.Body.Close()
		b, _ := io.ReadAll(rsp.Body)
		return rsp.StatusCode, string(b)
	}
	code, body := post(`{"query": "{ __typename }", "variables": {"pad": "` + strings.Repeat("x", 120) + `"}}`)
	require.Equal(t, http.StatusOK, code, "150 bytes fit in the flag's 200: %s", body)
	code, body = post(`{"query": "{ __typename }", "variables": {"pad": "` + strings.Repeat("x", 200) + `"}}`)
	require.Equal(t, http.StatusRequestEntityTooLarge, code)
	require.Contains(t, body, `"PAYLOAD_TOO_LARGE"`)
	cancel()
	require.NoError(t, <-done)
}
