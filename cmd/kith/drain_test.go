package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier/sendgrid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// fakeSendGrid is SendGrid's mail/send for tests: it counts the messages it
// is handed, by kith's message ID, and answers 202, at once or, while held,
// only when released (or when the sender gives up).
type fakeSendGrid struct {
	*httptest.Server
	mu       sync.Mutex
	received map[string]int
	inFlight int
	hold     chan struct{} // nil: answer at once
}

func newFakeSendGrid(t *testing.T) *fakeSendGrid {
	f := &fakeSendGrid{received: map[string]int{}}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Personalizations []struct {
				CustomArgs map[string]string `json:"custom_args"`
			} `json:"personalizations"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		f.mu.Lock()
		for _, p := range body.Personalizations {
			f.received[p.CustomArgs[sendgrid.MessageIDArg]]++
		}
		f.inFlight++
		hold := f.hold
		f.mu.Unlock()
		defer func() { f.mu.Lock(); f.inFlight--; f.mu.Unlock() }()
		if hold != nil {
			select {
			case <-hold:
			case <-r.Context().Done():
				return
			}
		}
		w.Header().Set("X-Message-Id", "sg-"+fmt.Sprint(time.Now().UnixNano()))
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(f.Close)
	return f
}

// holdAll makes the answers wait until release is closed.
func (f *fakeSendGrid) holdAll(release chan struct{}) { f.mu.Lock(); f.hold = release; f.mu.Unlock() }

// counts returns how often each message was handed over, and how many
// requests are waiting for their answer.
func (f *fakeSendGrid) counts() (map[string]int, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]int, len(f.received))
	for id, n := range f.received {
		out[id] = n
	}
	return out, f.inFlight
}

// vars are serve's settings on dbURL, sending email through f (SMS has no
// provider: those messages fail, which is no matter here).
func (f *fakeSendGrid) vars(dbURL string) map[string]string {
	return map[string]string{
		"KITH_DATABASE_URL": dbURL, "KITH_ADDR": "127.0.0.1:0",
		"KITH_SENDGRID_API_KEY": "SG.test", "KITH_SENDGRID_FROM_EMAIL": "hello@maple.example", "KITH_SENDGRID_BASE_URL": f.URL,
		"KITH_OWNER_PASSWORD": "a long enough password",
	}
}

// practiceOn creates a practice on dbURL with a practitioner and returns
// the owner's token and the practitioner's ID.
func practiceOn(t *testing.T, dbURL string) (token string) {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"org", "create", "--name", "Maple", "--slug", "maple",
		"--owner-name", "Olivia", "--owner-email", "olivia@maple.example"},
		env(map[string]string{"KITH_DATABASE_URL": dbURL, "KITH_OWNER_PASSWORD": "a long enough password"}), &out, io.Discard))
	m := bearer.FindStringSubmatch(out.String())
	require.NotNil(t, m, out.String())
	return m[1]
}

// graphQL runs query on the server at addr as token, failing t on any error.
func graphQL(t *testing.T, addr, token, query string, vars map[string]any, out any) {
	t.Helper()
	require.NoError(t, post(http.DefaultClient, addr, token, query, vars, out), query)
}

// booker books appointments through a server's API, each sending its
// client a confirmation by email (and nothing else).
type booker struct {
	token, practitioner string
	n                   int
}

func newBooker(t *testing.T, addr, token string) *booker {
	var dr struct{ CreateStaff struct{ ID string } }
	graphQL(t, addr, token, `mutation { createStaff(input: {name: "Dr Lee", email: "dr@maple.example", role: PRACTITIONER}) { id } }`, nil, &dr)
	return &booker{token: token, practitioner: dr.CreateStaff.ID}
}

// book books one appointment through the server at addr.
func (b *booker) book(t *testing.T, addr string) {
	t.Helper()
	b.n++
	var c struct{ CreateClient struct{ ID string } }
	graphQL(t, addr, b.token, `mutation($e: String!) { createClient(input: {firstName: "Sam", lastName: "Lee", email: $e, notifyConfirmations: true}) { id } }`,
		map[string]any{"e": fmt.Sprintf("sam%d@example.com", b.n)}, &c)
	at := time.Now().Add(72*time.Hour + time.Duration(b.n)*time.Hour).UTC().Truncate(time.Second)
	graphQL(t, addr, b.token, `mutation($in: CreateAppointmentInput!) { createAppointment(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"clientID": c.CreateClient.ID, "practitionerID": b.practitioner,
		"startsAt": at.Format(time.RFC3339), "endsAt": at.Add(50 * time.Minute).Format(time.RFC3339)}}, nil)
}

// emails lists the email notifications in the database at dbURL.
func emails(t *testing.T, db *database.DB) []*ent.Notification {
	t.Helper()
	ns, err := db.Client.Notification.Query().Where(notification.ChannelEQ(schematype.ChannelEmail)).All(viewer.SystemContext(context.Background()))
	require.NoError(t, err)
	return ns
}

// unfinishedSends counts the send jobs still to run or running.
func unfinishedSends(t *testing.T, db *database.DB) int {
	t.Helper()
	var n int
	require.NoError(t, db.SQL.QueryRow(`SELECT count(*) FROM river_job WHERE kind = 'kith_send' AND state NOT IN ('completed', 'discarded', 'cancelled')`).Scan(&n))
	return n
}

// serveIn starts serve in this process with vars and returns its address
// and a stop that cancels its context and returns what run returned.
func serveIn(t *testing.T, vars map[string]string) (addr string, stderr *kithtest.LogBuffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stderr = &kithtest.LogBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, env(vars), io.Discard, stderr) }()
	require.Eventually(t, func() bool {
		if m := listening.FindStringSubmatch(stderr.String()); m != nil {
			addr = m[1]
		}
		return addr != ""
	}, 20*time.Second, 20*time.Millisecond, stderr.String())
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(60 * time.Second):
				err = fmt.Errorf("serve did not stop")
			}
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return addr, stderr, stop
}

// TestShutdownFinishesSends: SIGTERM (the end of run's context) while the
// provider holds messages lets them finish and be recorded, so the next
// process sends none of them again; meanwhile /readyz says not ready.
func TestShutdownFinishesSends(t *testing.T) {
	t.Parallel()
	dbURL := kithtest.DBURL(t)
	token := practiceOn(t, dbURL)
	sg := newFakeSendGrid(t)
	addr, stderr, stop := serveIn(t, sg.vars(dbURL))
	b := newBooker(t, addr, token)
	release := make(chan struct{})
	sg.holdAll(release)
	for range 3 {
		b.book(t, addr)
	}
	require.Eventually(t, func() bool { _, n := sg.counts(); return n == 3 }, 20*time.Second, 20*time.Millisecond, "the provider holds the three emails")

	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "shutting down") }, 10*time.Second, 10*time.Millisecond)
	time.Sleep(500 * time.Millisecond) // a hard stop would have cancelled the sends by now
	close(release)
	require.NoError(t, <-stopped, stderr.String())

	db, err := database.Open(context.Background(), dbURL, database.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	for _, n := range emails(t, db) {
		require.Equal(t, notification.StatusSent, n.Status, "recorded as sent by the process that sent it: %s", n.Reason)
	}

	_, _, stop2 := serveIn(t, sg.vars(dbURL)) // the next process
	time.Sleep(3 * time.Second)               // longer than River's first retry
	require.NoError(t, stop2())
	require.Zero(t, unfinishedSends(t, db))
	got, _ := sg.counts()
	require.Len(t, got, 3)
	for id, n := range got {
		require.Equal(t, 1, n, "message %s handed over once", id)
	}
}

// TestReadyWhileDraining: serve's readiness fails once it drains, and
// with the first failing check.
func TestReadyWhileDraining(t *testing.T) {
	t.Parallel()
	var draining atomic.Bool
	bad := fmt.Errorf("the job queue is not running")
	ok := func(context.Context) error { return nil }
	require.NoError(t, ready(&draining, ok)(context.Background()))
	require.ErrorIs(t, ready(&draining, ok, func(context.Context) error { return bad })(context.Background()), bad)
	draining.Store(true)
	require.ErrorIs(t, ready(&draining, ok)(context.Background()), errDraining)
}

// TestMigrateStatus: kith migrate --status lists kith's and River's
// migrations, pending on a fresh database it leaves as it was, applied
// after kith migrate.
func TestMigrateStatus(t *testing.T) {
	t.Parallel()
	vars := env(map[string]string{"KITH_DATABASE_URL": kithtest.DBURL(t)})
	status := func() string {
		var out bytes.Buffer
		require.NoError(t, run(context.Background(), []string{"migrate", "--status"}, vars, &out, io.Discard))
		return out.String()
	}
	before := status()
	require.Regexp(t, `(?m)^kith  20261122005542 .* pending$`, before)
	require.Regexp(t, `(?m)^river 1 .* pending$`, before)
	require.NotContains(t, before, "applied")
	require.Equal(t, before, status(), "--status changes nothing")
	require.NoError(t, run(context.Background(), []string{"migrate"}, vars, io.Discard, io.Discard))
	after := status()
	require.Regexp(t, `(?m)^kith  20261122005542 .* applied 20`, after)
	require.Regexp(t, `(?m)^river 1 .* applied$`, after)
	require.Contains(t, after, "\n0 of ")
}

// TestDrainDelay: for KITH_DRAIN_DELAY after SIGTERM serve still answers
// requests while /readyz says 503, so a load balancer stops sending before
// the listener closes; then it stops.
func TestDrainDelay(t *testing.T) {
	t.Parallel()
	dbURL := kithtest.DBURL(t)
	token := practiceOn(t, dbURL)
	vars := newFakeSendGrid(t).vars(dbURL)
	vars["KITH_DRAIN_DELAY"] = "10s" // room for the checks below on a loaded machine
	addr, stderr, stop := serveIn(t, vars)
	readyz := func() int {
		rsp, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			return 0
		}
		rsp.Body.Close()
		return rsp.StatusCode
	}
	require.Equal(t, http.StatusOK, readyz())

	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "shutting down") }, 10*time.Second, 10*time.Millisecond)
	require.Equal(t, http.StatusServiceUnavailable, readyz(), "out of rotation")
	var me struct{ Me struct{ Email string } }
	graphQL(t, addr, token, `{ me { email } }`, nil, &me) // still served
	require.Equal(t, "olivia@maple.example", me.Me.Email)
	require.NoError(t, <-stopped, stderr.String())
	require.Zero(t, readyz(), "the listener is closed")
}
