package graph_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/communication"
	entcomm "github.com/kith-health/kith/ent/communication"
)

// TestLongProviderIDRecordedOnce: an email whose Message-ID is longer than
// kith keeps is found again the second time it arrives (another mailbox,
// the sent folder, a retry), not refused by the unique index.
func TestLongProviderIDRecordedOnce(t *testing.T) {
	t.Parallel()
	b := setupComms(t)
	id := strings.Repeat("x", 300) + "@mail.example"
	in := communication.Input{OrganizationID: b.p.Org.ID, Kind: entcomm.KindEmail, Direction: entcomm.DirectionInbound,
		Source: entcomm.SourceIMAP, ProviderID: id, MessageID: id, From: "pat@rivera.example", Title: "Long"}
	first, created, err := communication.Record(context.Background(), b.db.Client, in)
	require.NoError(t, err)
	require.True(t, created)
	again, created, err := communication.Record(context.Background(), b.db.Client, in)
	require.NoError(t, err)
	require.False(t, created)
	require.Equal(t, first.ID, again.ID)
}

// TestEndCallOnceWhenRacing: staff ending one call at once close it once;
// the others are told it is closed, on both databases (on PostgreSQL the
// UPDATE is conditional on the call still being open).
func TestEndCallOnceWhenRacing(t *testing.T) {
	t.Parallel()
	b := setupComms(t)
	call := b.record(t, communication.Input{Kind: entcomm.KindCall, ProviderID: "CArace", From: "+14165550103"})
	const n = 6
	codes := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := b.api.Do(b.prac.token, `mutation($id: ID!) { endCall(id: $id) { id } }`, map[string]any{"id": call})
			if len(r.Errors) > 0 {
				codes[i] = r.Errors[0].Code() + " " + r.Errors[0].Field()
			}
		}()
	}
	wg.Wait()
	ok := 0
	for _, c := range codes {
		if c == "" {
			ok++
			continue
		}
		require.Equal(t, "BAD_USER_INPUT id", c)
	}
	require.Equal(t, 1, ok, "%q", codes)
}

// TestLogCallTimes: a call logged after it ended takes its end as its
// start; times in the future and calls over 7 days are BAD_USER_INPUT on
// the field at fault.
func TestLogCallTimes(t *testing.T) {
	t.Parallel()
	b := setupComms(t)
	const log = `mutation($in: LogCallInput!) { logCall(input: $in) { id startedAt endedAt } }`
	ended := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	var out struct {
		LogCall struct{ StartedAt, EndedAt time.Time }
	}
	b.api.OK(b.prac.token, log, map[string]any{"in": map[string]any{"direction": "INBOUND", "endedAt": ended.Format(time.RFC3339)}}, &out)
	require.True(t, out.LogCall.StartedAt.Equal(ended))
	for field, in := range map[string]map[string]any{
		"startedAt": {"direction": "INBOUND", "startedAt": time.Now().Add(time.Hour).Format(time.RFC3339)},
		"endedAt": {"direction": "INBOUND", "startedAt": time.Now().AddDate(0, 0, -9).Format(time.RFC3339),
			"endedAt": time.Now().Add(-time.Hour).Format(time.RFC3339)},
	} {
		e := b.api.Fail(b.prac.token, log, map[string]any{"in": in})
		require.Equal(t, "BAD_USER_INPUT", e.Code(), field)
		require.Equal(t, field, e.Field())
	}
}
