package main

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/kithtest"
)

// process is a real kith serve, this test binary run as kith (TestMain).
type process struct {
	cmd    *exec.Cmd
	stderr *kithtest.LogBuffer
	addr   string
}

// startProcess starts kith serve with vars and waits until it listens.
func startProcess(t *testing.T, vars map[string]string) *process {
	t.Helper()
	p := &process{stderr: &kithtest.LogBuffer{}}
	p.cmd = exec.Command(os.Args[0])
	p.cmd.Env = append(os.Environ(), "KITH_TEST_RUN_MAIN=1", "KITH_TEST_ARGS=serve")
	for k, v := range vars {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	p.cmd.Stderr = p.stderr
	require.NoError(t, p.cmd.Start())
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
		}
	})
	require.Eventually(t, func() bool {
		if m := listening.FindStringSubmatch(p.stderr.String()); m != nil {
			p.addr = m[1]
		}
		return p.addr != ""
	}, 30*time.Second, 20*time.Millisecond, "kith serve did not listen")
	return p
}

// processesOn skips t unless TEST_DATABASE_URL is PostgreSQL, which
// several processes share; else it makes a database with a practice and
// returns its URL, the owner's token and a connection to it.
func processesOn(t *testing.T) (dbURL, token string, db *database.DB) {
	t.Helper()
	if !strings.HasPrefix(os.Getenv("TEST_DATABASE_URL"), "postgres") {
		t.Skip("several processes share PostgreSQL only (TEST_DATABASE_URL)")
	}
	dbURL = kithtest.DBURL(t)
	token = practiceOn(t, dbURL)
	db, err := database.Open(context.Background(), dbURL, database.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return dbURL, token, db
}

// TestTwoProcesses runs two kith serve processes on one PostgreSQL
// database: notices booked through either go exactly once; and when one is
// killed (SIGKILL) holding sends, the other takes its jobs over after
// KITH_RESCUE_AFTER and sends them, so every message goes (those the dead
// one was handing over possibly twice: it never recorded them).
func TestTwoProcesses(t *testing.T) {
	t.Parallel()
	dbURL, token, db := processesOn(t)
	sgA, sgB := newFakeSendGrid(t), newFakeSendGrid(t) // a provider each, to tell who sent what
	vars := func(sg *fakeSendGrid) map[string]string {
		v := sg.vars(dbURL)
		v["KITH_JOB_TIMEOUT"] = "4s"
		v["KITH_RESCUE_AFTER"] = "4s"
		return v
	}
	a := startProcess(t, vars(sgA))
	// A is River's leader (it ran alone), so killing it makes B the leader,
	// whose maintenance rescues jobs at once instead of at its next round.
	require.Eventually(t, func() bool {
		var n int
		return db.SQL.QueryRow("SELECT count(*) FROM river_leader").Scan(&n) == nil && n == 1
	}, 20*time.Second, 50*time.Millisecond, "A leads")
	b := startProcess(t, vars(sgB))

	bk := newBooker(t, a.addr, token)
	for i := range 10 {
		bk.book(t, []string{a.addr, b.addr}[i%2])
	}
	sentOnce := func() map[string]int {
		ga, _ := sgA.counts()
		gb, _ := sgB.counts()
		for id, n := range gb {
			ga[id] += n
		}
		return ga
	}
	require.Eventually(t, func() bool { return len(sentOnce()) == 10 && unfinishedSends(t, db) == 0 }, 30*time.Second, 50*time.Millisecond)
	for id, n := range sentOnce() {
		require.Equal(t, 1, n, "message %s went once", id)
	}

	// A's provider now holds everything: book until A holds some, then kill it.
	sgA.holdAll(make(chan struct{}))
	require.Eventually(t, func() bool {
		bk.book(t, b.addr)
		_, held := sgA.counts()
		return held > 0
	}, 20*time.Second, 100*time.Millisecond, "A takes some of the jobs")
	require.NoError(t, a.cmd.Process.Signal(syscall.SIGKILL))
	_ = a.cmd.Wait()

	require.Eventually(t, func() bool {
		for _, n := range emails(t, db) {
			if n.Status != notification.StatusSent {
				return false
			}
		}
		return true
	}, 45*time.Second, 100*time.Millisecond, "B sends what A was handing over: %s", b.stderr.String())
	got := sentOnce()
	require.Len(t, got, bk.n, "every message went")
	heldByA, _ := sgA.counts()
	for id, n := range got {
		if heldByA[id] == 0 || n == 1 {
			require.Equal(t, 1, n, "message %s went once", id)
		}
	}
}
