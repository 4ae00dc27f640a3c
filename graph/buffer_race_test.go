package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier/notifiertest"
	"github.com/kith-health/kith/pulid"
)

// post is kithtest.API.Do without the test's require, for goroutines.
func post(api *kithtest.API, token, acting, query string, vars map[string]any) (kithtest.Response, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return kithtest.Response{}, err
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if acting != "" {
		req.Header.Set("X-Kith-Client", acting)
	}
	rec := httptest.NewRecorder()
	api.Handler.ServeHTTP(rec, req)
	var rsp kithtest.Response
	err = json.Unmarshal(rec.Body.Bytes(), &rsp)
	return rsp, err
}

// TestBuffersHoldUnderConcurrentBookings: 50 portal bookings at once, each
// clear of the others but inside their buffers: exactly one wins, the
// others are SLOT_TAKEN, on either database; and the same for 50 portal
// reschedules at once.
func TestBuffersHoldUnderConcurrentBookings(t *testing.T) {
	t.Parallel()
	b := setupBookings(t)
	tok := b.p.Token
	var week []map[string]any
	for d := range 7 {
		week = append(week, map[string]any{"weekday": d, "start": "00:00", "end": "24:00"})
	}
	b.api.OK(tok, `mutation($s: ID!, $i: [WorkingHoursInput!]!) { setWorkingHours(staffId: $s, intervals: $i) { id } }`, map[string]any{"s": b.practitioner, "i": week}, nil)
	var svc struct{ CreateService struct{ ID string } }
	b.api.OK(tok, `mutation($p: [ID!]) { createService(input: {name: "Check-in", durationMinutes: 10, bookableOnline: true,
		slotIntervalMinutes: 10, bufferBeforeMinutes: 600, bufferAfterMinutes: 600}, practitionerIds: $p) { id } }`,
		map[string]any{"p": []string{b.practitioner}}, &svc)

	// Bookings: 08:00 to 16:10 every 10 minutes, each within the others' 600 minutes.
	const racers = 50
	won, codes := race(t, racers, func(i int) (string, map[string]any) {
		return bookMutation, map[string]any{"in": map[string]any{"serviceId": svc.CreateService.ID, "practitionerId": b.practitioner,
			"startsAt": b.at(8, 0).Add(time.Duration(i) * 10 * time.Minute), "idempotencyKey": fmt.Sprintf("race-%d", i)}}
	}, b)
	require.Equal(t, 1, won, "exactly one booking wins: %v", codes)
	require.Equal(t, map[string]int{"SLOT_TAKEN": racers - 1}, codes)
	n, err := b.env.DB.Client.Appointment.Query().Where(appointment.PractitionerID(pulid.ID(b.practitioner))).Count(notifiertest.System(b.p))
	require.NoError(t, err)
	require.Equal(t, 1, n)

	// Moves: 50 appointments a day apart (from 23:00, 3 days ahead) moved at
	// once into each other's buffers, 4 days before the first.
	ids := make([]string, racers)
	for i := range ids {
		start := b.day.AddDate(0, 0, i-2).Add(23 * time.Hour)
		var out struct{ CreateAppointment struct{ ID string } }
		b.api.OK(tok, staffCreate, map[string]any{"in": map[string]any{"clientID": b.sam, "practitionerID": b.practitioner,
			"serviceID": svc.CreateService.ID, "startsAt": start, "endsAt": start.Add(10 * time.Minute)}}, &out)
		ids[i] = out.CreateAppointment.ID
	}
	won, codes = race(t, racers, func(i int) (string, map[string]any) {
		return moveMutation, map[string]any{"id": ids[i], "s": b.day.AddDate(0, 0, -4).Add(8*time.Hour + time.Duration(i)*10*time.Minute)}
	}, b)
	require.Equal(t, 1, won, "exactly one move wins: %v", codes)
	require.Equal(t, map[string]int{"SLOT_TAKEN": racers - 1}, codes)
}

// race sends n portal requests at once as Sam, the i-th being request(i),
// and counts those that succeed and the error codes of the others.
func race(t *testing.T, n int, request func(i int) (string, map[string]any), b *bookings) (int, map[string]int) {
	t.Helper()
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		won     int
		codes   = map[string]int{}
		failure []error
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q, vars := request(i)
			rsp, err := post(b.api, b.samS, b.sam, q, vars)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				failure = append(failure, err)
			case len(rsp.Errors) == 0:
				won++
			default:
				codes[rsp.Errors[0].Code()]++
			}
		}()
	}
	wg.Wait()
	require.Empty(t, failure)
	return won, codes
}
