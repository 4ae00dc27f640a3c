package main

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/kithtest"
)

var (
	publicAddr = regexp.MustCompile(`msg="kith listening" addr=(127\.0\.0\.1:\d+)`)
	adminAddr  = regexp.MustCompile(`msg="admin listening" addr=(127\.0\.0\.1:\d+)`)
)

// TestServeAdmin: with KITH_ADMIN_ADDR set, serve answers /metrics and
// pprof there, and neither on the public address; the metrics count the
// requests the public address answered, with the pool's and the queue's.
func TestServeAdmin(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"KITH_DATABASE_URL": kithtest.DBURL(t), "KITH_ADDR": "127.0.0.1:0", "KITH_ADMIN_ADDR": "127.0.0.1:0"}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr kithtest.LogBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, env(vars), &stdout, &stderr) }()
	var public, admin string
	require.Eventually(t, func() bool {
		if m := publicAddr.FindStringSubmatch(stderr.String()); m != nil {
			public = m[1]
		}
		if m := adminAddr.FindStringSubmatch(stderr.String()); m != nil {
			admin = m[1]
		}
		return public != "" && admin != ""
	}, 20*time.Second, 20*time.Millisecond, stderr.String())

	get := func(url string) (int, string) {
		rsp, err := http.Get(url)
		require.NoError(t, err)
		defer rsp.Body.Close()
		b, _ := io.ReadAll(rsp.Body)
		return rsp.StatusCode, string(b)
	}
	rsp, err := http.Post("http://"+public+"/graphql", "application/json", strings.NewReader(`{"query": "{ __typename }"}`))
	require.NoError(t, err)
	_ = rsp.Body.Close()
	require.Equal(t, http.StatusOK, rsp.StatusCode)

	code, body := get("http://" + admin + "/debug/pprof/")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, "goroutine")
	code, body = get("http://" + admin + "/metrics")
	require.Equal(t, http.StatusOK, code)
	for _, want := range []string{
		`kith_graphql_requests_total{code="OK",operation="query:__typename"} 1`,
		`go_sql_max_open_connections{db_name="kith"}`,
		`kith_queue_jobs{state="available"} 0`,
	} {
		require.Contains(t, body, want)
	}
	for _, path := range []string{"/debug/pprof/", "/metrics"} {
		code, _ = get("http://" + public + path)
		require.Equal(t, http.StatusNotFound, code, path)
	}
	require.Contains(t, stderr.String(), `msg=request request_id=`, "the access log")

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err, "graceful shutdown")
	case <-time.After(25 * time.Second):
		t.Fatal("serve did not stop")
	}
	_, err = http.Get("http://" + admin + "/metrics")
	require.Error(t, err, "the admin listener is closed")
}
