package callclose_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/communication"
	"github.com/kith-health/kith/communication/callclose"
	"github.com/kith-health/kith/database"
	entcomm "github.com/kith-health/kith/ent/communication"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/viewer"
)

type bundle struct {
	db *database.DB
	p  kithtest.Practice
}

func setup(t *testing.T) bundle {
	t.Helper()
	db := kithtest.DB(t, nil)
	return bundle{db: db, p: kithtest.NewPractice(t, db, "maple")}
}

// call records a completed Twilio call that ended at end.
func (b bundle) call(t *testing.T, sid string, end time.Time) {
	t.Helper()
	_, err := communication.CallProgress(context.Background(), b.db.Client, b.p.Org.ID, communication.Progress{
		CallSID: sid, Status: "completed", Direction: "inbound", From: "+14165550101", At: end,
	})
	require.NoError(t, err)
}

// open counts the organisation's open calls.
func (b bundle) open(t *testing.T) int {
	t.Helper()
	n, err := b.db.Client.Communication.Query().Where(entcomm.StatusEQ(entcomm.StatusOpen)).
		Count(viewer.SystemContext(context.Background()))
	require.NoError(t, err)
	return n
}

// TestTheQueueRunsIt: the job client kith serve and kithtest build runs
// the periodic job (once at start), which closes a call past the default
// 24 hours.
func TestTheQueueRunsIt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.call(t, "CA-old", time.Now().Add(-25*time.Hour))
	b.call(t, "CA-new", time.Now().Add(-time.Hour))
	require.NoError(t, kithtest.NotifierOf(t, b.db).Queue.Start(context.Background()))
	require.Eventually(t, func() bool { return b.open(t) == 1 }, 30*time.Second, 50*time.Millisecond)
	c, err := b.db.Client.Communication.Query().Where(entcomm.ProviderID("CA-old")).Only(viewer.SystemContext(context.Background()))
	require.NoError(t, err)
	require.True(t, c.ClosedAutomatically)
}

// TestTwoProcessesCloseOnce: closers racing (two kith processes) close
// each call once.
func TestTwoProcessesCloseOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	end := time.Now().Add(-time.Hour).UTC()
	for _, sid := range []string{"CA1", "CA2", "CA3", "CA4", "CA5"} {
		b.call(t, sid, end)
	}
	var wg sync.WaitGroup
	counts := make([]int, 2)
	for i := range counts {
		c := callclose.New(b.db.Client)
		c.Now = func() time.Time { return end.Add(25 * time.Hour) }
		c.Batch = 2
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := c.Close(context.Background())
			if err == nil {
				counts[i] = n
			}
		}()
	}
	wg.Wait()
	require.Equal(t, 0, b.open(t))
	require.Equal(t, 5, counts[0]+counts[1])
}
