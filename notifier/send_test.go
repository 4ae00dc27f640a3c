package notifier_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/notifier/fake"
	"github.com/kith-health/kith/notifier/provider"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// notifications returns the queued, sent and failed notifications of an
// appointment on channel, by ID.
func notifications(t *testing.T, db *database.DB, appointmentID string, channel schematype.Channel) map[pulid.ID]*ent.Notification {
	t.Helper()
	ns, err := db.Client.Notification.Query().
		Where(notification.AppointmentID(pulid.ID(appointmentID)), notification.ChannelEQ(channel),
			notification.StatusIn(notification.StatusQueued, notification.StatusSent, notification.StatusFailed)).
		All(viewer.SystemContext(context.Background()))
	require.NoError(t, err)
	out := map[pulid.ID]*ent.Notification{}
	for _, n := range ns {
		out[n.ID] = n
	}
	return out
}

// sendJobs counts the send jobs River holds.
func sendJobs(t *testing.T, db *database.DB) int {
	t.Helper()
	var n int
	require.NoError(t, db.SQL.QueryRow(`SELECT count(*) FROM river_job WHERE kind = 'kith_send'`).Scan(&n))
	return n
}

// TestBatchSendsEachOnItsOwn: the two SMS of a booking go in one job; one
// is refused for good, the other goes.
func TestBatchSendsEachOnItsOwn(t *testing.T) {
	t.Parallel()
	b := setupQueue(t)
	optedOut := provider.Permanent("21610", "the recipient has opted out (STOP)", nil)
	b.sms.FailNext(1, optedOut)
	id := b.book(t, 72*time.Hour) // Sam by email and SMS, Alex by SMS

	require.Eventually(t, func() bool {
		for _, n := range notifications(t, b.db, id, schematype.ChannelSMS) {
			if n.Status == notification.StatusQueued {
				return false
			}
		}
		return len(b.email.Sent()) == 1
	}, 10*time.Second, 20*time.Millisecond)
	require.Equal(t, 2, sendJobs(t, b.db), "one job for the email, one for both SMS")
	var sent, failed int
	for _, n := range notifications(t, b.db, id, schematype.ChannelSMS) {
		require.Equal(t, 1, n.Attempts)
		switch n.Status {
		case notification.StatusSent:
			sent++
			require.Equal(t, string(n.ID), b.sms.Sent()[0].MessageID)
			require.NotEmpty(t, n.ProviderID)
		case notification.StatusFailed:
			failed++
			require.Equal(t, "the recipient has opted out (STOP)", n.Reason)
		}
	}
	require.Equal(t, [2]int{1, 1}, [2]int{sent, failed})
	time.Sleep(200 * time.Millisecond)
	require.Equal(t, 2, b.sms.Attempts(), "neither is tried again")
}

// TestBatchRetriesOnlyTheUnsent: a transient failure of one SMS of a batch
// retries that one only.
func TestBatchRetriesOnlyTheUnsent(t *testing.T) {
	t.Parallel()
	b := setupQueue(t)
	b.sms.FailNext(1, provider.Transient("20429", "too many requests", nil))
	id := b.book(t, 72*time.Hour)

	require.Eventually(t, func() bool { return len(b.sms.Sent()) == 2 }, 20*time.Second, 50*time.Millisecond)
	time.Sleep(200 * time.Millisecond)
	require.Equal(t, 3, b.sms.Attempts(), "two tries, then the one that failed")
	require.NotEqual(t, b.sms.Sent()[0].MessageID, b.sms.Sent()[1].MessageID, "each sent once")
	attempts := map[int]int{}
	for _, n := range notifications(t, b.db, id, schematype.ChannelSMS) {
		require.Equal(t, notification.StatusSent, n.Status)
		attempts[n.Attempts]++
	}
	require.Equal(t, map[int]int{1: 1, 2: 1}, attempts)
}

// recordingSender hands a message over by appending its ID to a file, which
// outlives a process killed in the middle of a batch.
type recordingSender struct {
	channel schematype.Channel
	delay   time.Duration
	mu      sync.Mutex
	f       *os.File
}

func (s *recordingSender) Channel() schematype.Channel { return s.channel }

func (s *recordingSender) Send(ctx context.Context, m provider.Outgoing) (provider.Receipt, error) {
	time.Sleep(s.delay)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.f.WriteString(m.MessageID + "\n"); err != nil {
		return provider.Receipt{}, err
	}
	return provider.Receipt{ProviderID: "rec-" + m.MessageID}, nil
}

// handedOver reads the IDs a recordingSender wrote to path.
func handedOver(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var ids []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			ids = append(ids, line)
		}
	}
	return ids
}

const (
	crashDBEnv  = "KITH_TEST_CRASH_DB"
	crashLogEnv = "KITH_TEST_CRASH_LOG"
)

// TestCrashMidBatch kills a process (SIGKILL, no graceful stop) in the
// middle of sending and lets another finish: no message is lost; none
// recorded as sent is sent again; those handed over but not yet recorded
// when the process died go again, with the same MessageID (the
// notification's ID) for the provider to recognise.
func TestCrashMidBatch(t *testing.T) {
	if os.Getenv(crashDBEnv) != "" {
		crashChild(t)
		return
	}
	if testing.Short() {
		t.Skip("waits for the dead process's leadership to expire")
	}
	t.Parallel()
	dbURL := kithtest.DBURL(t)
	db := kithtest.Open(t, dbURL, database.Options{})
	p := kithtest.NewPractice(t, db, "maple")
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	// A queue that is not started follows the appointments booked below.
	_, err := notifier.NewQueue(ctx, db, notifier.Config{NoQuietHours: true, Logger: quiet})
	require.NoError(t, err)
	b := &queueBundle{db: db, api: kithtest.NewAPI(t, db), token: p.Token}
	const appointments = 30
	for range appointments {
		b.book(t, 72*time.Hour) // 3 copies each
	}
	const total = 3 * appointments

	log := t.TempDir() + "/handed-over"
	cmd := exec.Command(os.Args[0], "-test.run", "^TestCrashMidBatch$", "-test.count", "1")
	cmd.Env = append(os.Environ(), crashDBEnv+"="+dbURL, crashLogEnv+"="+log)
	require.NoError(t, os.WriteFile(log, nil, 0o600))
	require.NoError(t, cmd.Start())
	require.Eventually(t, func() bool { return len(handedOver(t, log)) >= total/3 }, 30*time.Second, 5*time.Millisecond)
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
	first := handedOver(t, log)
	require.Less(t, len(first), total, "the process died in the middle of the batch")
	sentBefore, err := db.Client.Notification.Query().Where(notification.StatusEQ(notification.StatusSent)).
		IDs(viewer.SystemContext(ctx))
	require.NoError(t, err)

	email, sms := fake.New(schematype.ChannelEmail), fake.New(schematype.ChannelSMS)
	// The surviving process: a client of its own.
	q, err := notifier.NewQueue(ctx, kithtest.Open(t, dbURL, database.Options{}), notifier.Config{Senders: []provider.Sender{email, sms},
		NoQuietHours: true, PollInterval: 50 * time.Millisecond, RescueAfter: time.Second, Logger: quiet})
	require.NoError(t, err)
	require.NoError(t, q.Start(ctx))
	t.Cleanup(func() { _ = q.Stop(context.Background()) })
	queued := func() int {
		n, err := db.Client.Notification.Query().Where(notification.StatusEQ(notification.StatusQueued)).
			Count(viewer.SystemContext(ctx))
		require.NoError(t, err)
		return n
	}
	require.Eventually(t, func() bool { return queued() == 0 }, 90*time.Second, 100*time.Millisecond)

	count := map[string]int{}
	for _, id := range first {
		count[id]++
	}
	var again []string
	for _, m := range append(email.Sent(), sms.Sent()...) {
		count[m.MessageID]++
		again = append(again, m.MessageID)
	}
	require.Len(t, count, total, "nothing lost")
	for _, id := range sentBefore {
		require.NotContains(t, again, string(id), "a message recorded as sent is not sent again")
	}
	var twice int
	for id, n := range count {
		require.LessOrEqual(t, n, 2, id)
		if n == 2 {
			twice++
		}
	}
	t.Logf("handed over by the killed process: %d (%d recorded as sent), after: %d, twice: %d", len(first), len(sentBefore), len(again), twice)
	// At most the messages of the jobs in hand (2 workers, 2 SMS a job).
	require.LessOrEqual(t, twice, 4, "only messages handed over but not yet recorded go twice")
	n, err := db.Client.Notification.Query().Where(notification.StatusEQ(notification.StatusSent)).Count(viewer.SystemContext(ctx))
	require.NoError(t, err)
	require.Equal(t, total, n)
}

// crashChild is the process TestCrashMidBatch kills: it sends slowly, each
// message's ID appended to a file as it is handed over, until it dies.
func crashChild(t *testing.T) {
	ctx := context.Background()
	db, err := database.Open(ctx, os.Getenv(crashDBEnv), database.Options{})
	require.NoError(t, err)
	f, err := os.OpenFile(os.Getenv(crashLogEnv), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	q, err := notifier.NewQueue(ctx, db, notifier.Config{
		Senders: []provider.Sender{
			// Slow enough that the parent, however loaded the machine, kills
			// it well before the last of the 90 (at least 2 s of sending).
			&recordingSender{channel: schematype.ChannelEmail, delay: 50 * time.Millisecond, f: f},
			&recordingSender{channel: schematype.ChannelSMS, delay: 50 * time.Millisecond, f: f},
		},
		NoQuietHours: true, Workers: 2, PollInterval: 20 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	require.NoError(t, err)
	require.NoError(t, q.Start(ctx))
	time.Sleep(time.Minute) // killed long before
}

// TestProviderReasonIsClipped: a provider's failure reason longer than the
// field allows, with a NUL and invalid UTF-8 in it, is recorded clipped
// rather than failing the write that records the failure.
func TestProviderReasonIsClipped(t *testing.T) {
	t.Parallel()
	b := setupQueue(t)
	reason := "bad\x00number \xff" + strings.Repeat("é", 20_000)
	b.sms.FailNext(1, provider.Permanent("21211", reason, nil))
	id := b.book(t, 72*time.Hour)

	var failed *ent.Notification
	require.Eventually(t, func() bool {
		for _, n := range notifications(t, b.db, id, schematype.ChannelSMS) {
			if n.Status == notification.StatusFailed {
				failed = n
			}
		}
		return failed != nil
	}, 10*time.Second, 20*time.Millisecond)
	require.Equal(t, 10_000, utf8.RuneCountInString(failed.Reason))
	require.True(t, strings.HasPrefix(failed.Reason, "badnumber \uFFFDéé"), failed.Reason[:20])
	require.True(t, strings.HasSuffix(failed.Reason, "…"))
}
