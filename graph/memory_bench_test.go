package graph_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/server"
)

// pageServerEnv names the database a page server process serves (see
// TestPageServerProcess).
const pageServerEnv = "KITH_BENCH_PAGE_SERVER_DB"

// BenchmarkClientPageMemory is BenchmarkClientPage's load against a kith
// server in a process of its own, so that its memory is the server's
// alone: it reports the server's resident memory at rest, once the page's
// practice exists and one page has been served (rest-MB), and its peak
// under the load (peak-MB, the kernel's high-water mark), with the GC
// settings kith serve uses (server.TuneGC). PostgreSQL only, like
// BenchmarkClientPage.
func BenchmarkClientPageMemory(b *testing.B) {
	if os.Getenv("TEST_DATABASE_URL") == "" {
		b.Skip("TEST_DATABASE_URL is not set: this benchmark serves the page from PostgreSQL")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("needs /proc to read the server's memory")
	}
	db := kithtest.DB(b, nil)
	p := kithtest.NewPractice(b, db, "page")
	body := pageBody(b, seedPage(b, db, p))
	var schema string
	require.NoError(b, db.SQL.QueryRowContext(context.Background(), "SELECT current_schema()").Scan(&schema))
	u, err := url.Parse(os.Getenv("TEST_DATABASE_URL"))
	require.NoError(b, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()

	cmd := exec.Command(os.Args[0], "-test.run=^TestPageServerProcess$")
	cmd.Env = append(os.Environ(), pageServerEnv+"="+u.String())
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	require.NoError(b, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(b, err)
	require.NoError(b, cmd.Start())
	b.Cleanup(func() { _ = stdin.Close(); _ = cmd.Wait() })
	lines := bufio.NewScanner(stdout)
	var addr string
	for lines.Scan() {
		if a, ok := strings.CutPrefix(lines.Text(), "serving "); ok {
			addr = a
			break
		}
	}
	require.NotEmpty(b, addr, "the server process did not start")

	client := profileClient(b)
	pagePost(b, client, addr+"/graphql", p.Token, body)
	rest := processMemory(b, cmd.Process.Pid, "VmRSS")
	runProfile(b, client, addr+"/graphql", p.Token, body)
	b.ReportMetric(rest, "rest-MB")
	b.ReportMetric(processMemory(b, cmd.Process.Pid, "VmHWM"), "peak-MB")
}

// processMemory is the field (VmRSS, VmHWM) of process pid's status, in MB.
func processMemory(tb testing.TB, pid int, field string) float64 {
	tb.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	require.NoError(tb, err)
	for line := range strings.SplitSeq(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			require.NoError(tb, err)
			return kb / 1024
		}
	}
	tb.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

// TestPageServerProcess is the server of BenchmarkClientPageMemory, run in
// a process of its own: kith's HTTP handler on the database named by
// pageServerEnv, until its standard input closes. Without that variable it
// is skipped.
func TestPageServerProcess(t *testing.T) {
	dbURL := os.Getenv(pageServerEnv)
	if dbURL == "" {
		t.Skip("the server process of BenchmarkClientPageMemory")
	}
	defer server.TuneGC(server.DefaultMemoryLimit)()
	db := kithtest.Open(t, dbURL, database.Options{})
	kithtest.AttachNotifier(t, db, notifier.Config{})
	srv := httptest.NewServer(kithtest.NewAPI(t, db).Handler)
	defer srv.Close()
	fmt.Println("serving " + srv.URL)
	_, _ = bufio.NewReader(os.Stdin).ReadString(0)
}
