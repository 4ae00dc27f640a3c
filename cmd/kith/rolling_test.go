package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/ent/notification"
)

// balancer is a load balancer as a test sees one: it sends each request to
// the next backend whose /readyz last answered 200, checking each every
// 100 ms, as a health-checking proxy does.
type balancer struct {
	mu       sync.Mutex
	backends []*backend
	next     int
}

// backend is one kith process behind the balancer.
type backend struct {
	p       *process
	up      atomic.Bool
	stopped chan struct{}
}

// add puts p behind b and checks its health until it exits.
func (b *balancer) add(p *process) *backend {
	be := &backend{p: p, stopped: make(chan struct{})}
	b.mu.Lock()
	b.backends = append(b.backends, be)
	b.mu.Unlock()
	go func() {
		client := &http.Client{Timeout: time.Second}
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			rsp, err := client.Get("http://" + p.addr + "/readyz")
			if err == nil {
				rsp.Body.Close()
			}
			be.up.Store(err == nil && rsp.StatusCode == http.StatusOK)
			select {
			case <-be.stopped:
				be.up.Store(false)
				return
			case <-tick.C:
			}
		}
	}()
	return be
}

// remove takes be out for good.
func (b *balancer) remove(be *backend) {
	close(be.stopped)
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, x := range b.backends {
		if x == be {
			b.backends = append(b.backends[:i], b.backends[i+1:]...)
			return
		}
	}
}

// pick is the address of the next healthy backend, waiting for one.
func (b *balancer) pick() string {
	for {
		b.mu.Lock()
		for range b.backends {
			be := b.backends[b.next%len(b.backends)]
			b.next++
			if be.up.Load() {
				b.mu.Unlock()
				return be.p.addr
			}
		}
		b.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
}

// post runs one GraphQL request at addr and returns its data, or why it failed.
func post(client *http.Client, addr, token, query string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	rsp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer rsp.Body.Close()
	var r struct {
		Data   json.RawMessage
		Errors []any
	}
	if err := json.NewDecoder(rsp.Body).Decode(&r); err != nil {
		return fmt.Errorf("status %d: %w", rsp.StatusCode, err)
	}
	if rsp.StatusCode != http.StatusOK || len(r.Errors) > 0 {
		return fmt.Errorf("status %d: %v", rsp.StatusCode, r.Errors)
	}
	if out != nil {
		return json.Unmarshal(r.Data, out)
	}
	return nil
}

// TestRollingRestart restarts both of two kith serve processes on one
// PostgreSQL database, one after the other (SIGTERM, then a new process),
// behind a health-checking balancer, while clients book appointments
// through it, each sending a confirmation email. With KITH_DRAIN_DELAY
// longer than the balancer's checks no request fails, and every message
// goes exactly once.
func TestRollingRestart(t *testing.T) {
	t.Parallel()
	dbURL, token, db := processesOn(t)
	sg := newFakeSendGrid(t)
	vars := sg.vars(dbURL)
	vars["KITH_DRAIN_DELAY"] = "3s" // 30 health checks: a stalled checker does not fail a request

	lb := &balancer{}
	start := func() *backend {
		be := lb.add(startProcess(t, vars))
		require.Eventually(t, be.up.Load, 30*time.Second, 20*time.Millisecond, "ready")
		return be
	}
	a, b := start(), start()
	bk := newBooker(t, a.p.addr, token)

	var (
		booked, failed atomic.Int64
		n              atomic.Int64
		mu             sync.Mutex
		failures       []string
		stop           = make(chan struct{})
		wg             sync.WaitGroup
	)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 30 * time.Second}
			for {
				select {
				case <-stop:
					return
				default:
				}
				i := n.Add(1)
				var c struct{ CreateClient struct{ ID string } }
				err := post(client, lb.pick(), token, `mutation($e: String!) { createClient(input: {firstName: "Sam", lastName: "Lee", email: $e, notifyConfirmations: true}) { id } }`,
					map[string]any{"e": fmt.Sprintf("roll%d@example.com", i)}, &c)
				if err == nil {
					at := time.Now().Add(72*time.Hour + time.Duration(i)*time.Hour).UTC().Truncate(time.Second)
					err = post(client, lb.pick(), token, `mutation($in: CreateAppointmentInput!) { createAppointment(input: $in) { id } }`, map[string]any{"in": map[string]any{
						"clientID": c.CreateClient.ID, "practitionerID": bk.practitioner,
						"startsAt": at.Format(time.RFC3339), "endsAt": at.Add(50 * time.Minute).Format(time.RFC3339)}}, nil)
				}
				if err != nil {
					failed.Add(1)
					mu.Lock()
					failures = append(failures, err.Error())
					mu.Unlock()
					continue
				}
				booked.Add(1)
			}
		}()
	}

	restart := func(be *backend) *backend {
		time.Sleep(2 * time.Second) // under load
		require.NoError(t, be.p.cmd.Process.Signal(syscall.SIGTERM))
		require.NoError(t, be.p.cmd.Wait(), "a clean exit: %s", be.p.stderr.String())
		lb.remove(be)
		return start()
	}
	a = restart(a)
	b = restart(b)
	time.Sleep(2 * time.Second)
	close(stop)
	wg.Wait()

	require.Eventually(t, func() bool {
		for _, m := range emails(t, db) {
			if m.Status != notification.StatusSent {
				return false
			}
		}
		return unfinishedSends(t, db) == 0
	}, 60*time.Second, 100*time.Millisecond, "every confirmation is sent")
	got, _ := sg.counts()
	repeated := 0
	for _, c := range got {
		if c > 1 {
			repeated++
		}
	}
	t.Logf("rolling restart of 2 processes under load: %d bookings, %d failed requests, %d emails in the database, %d handed over, %d handed over more than once",
		booked.Load(), failed.Load(), len(emails(t, db)), len(got), repeated)
	require.Zero(t, failed.Load(), "failed requests: %v", failures)
	require.Len(t, emails(t, db), int(booked.Load()), "one confirmation a booking")
	require.Len(t, got, int(booked.Load()), "every confirmation went")
	require.Zero(t, repeated, "none went twice")
	_ = a
	_ = b
}
