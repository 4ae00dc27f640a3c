package communication_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/communication"
	entcomm "github.com/kith-health/kith/ent/communication"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/viewer"
)

// TestCallbacksAtOnce: Twilio's callbacks for one call arriving together
// make one call, at its furthest status.
func TestCallbacksAtOnce(t *testing.T) {
	t.Parallel()
	db := kithtest.DB(t, nil)
	p := kithtest.NewPractice(t, db, "maple")
	start := time.Now().Add(-time.Minute)
	statuses := []string{"initiated", "ringing", "in-progress", "completed", "ringing", "completed"}
	var wg sync.WaitGroup
	errs := make([]error, len(statuses))
	for i, s := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = communication.CallProgress(context.Background(), db.Client, p.Org.ID, communication.Progress{
				CallSID: "CA1", Status: s, Direction: "inbound", From: "+14165550101", To: "+14165550199",
				At: start.Add(time.Duration(i) * time.Second),
			})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	calls, err := db.Client.Communication.Query().All(viewer.SystemContext(context.Background()))
	require.NoError(t, err)
	require.Len(t, calls, 1)
	c := calls[0]
	require.Equal(t, "completed", c.ProviderStatus)
	require.Equal(t, entcomm.StatusOpen, *c.Status)
	require.Equal(t, entcomm.OutcomeAnswered, *c.Outcome)
	require.NotNil(t, c.EndedAt)
}
