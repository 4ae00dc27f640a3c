package notifier_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier/provider"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// TestSendWorkerEvents: the send worker marks what it handed over SENT
// and permanent failures FAILED in bulk updates; each notification tells
// its own event, in the worker's transaction.
func TestSendWorkerEvents(t *testing.T) {
	t.Parallel()
	b := setupQueue(t)
	rec := kithtest.RecordEvents(t, b.db)
	b.sms.FailNext(2, provider.Permanent("21610", "the recipient has opted out (STOP)", nil))
	id := b.book(t, 72*time.Hour)
	sys := viewer.SystemContext(context.Background())
	var ns []*struct {
		ID     pulid.ID
		Status notification.Status
	}
	require.Eventually(t, func() bool {
		all, err := b.db.Client.Notification.Query().Where(notification.AppointmentID(pulid.ID(id))).All(sys)
		require.NoError(t, err)
		ns = ns[:0]
		for _, n := range all {
			if n.Status == notification.StatusQueued {
				return false
			}
			ns = append(ns, &struct {
				ID     pulid.ID
				Status notification.Status
			}{n.ID, n.Status})
		}
		return len(all) > 0
	}, 20*time.Second, 50*time.Millisecond)
	org := b.db.Client.Organization.Query().OnlyX(sys).ID
	var sent, failed int
	for _, n := range ns {
		switch n.Status {
		case notification.StatusSent:
			sent++
			e := rec.Require(t, schematype.EventNotificationSent, org, n.ID)
			require.Contains(t, e.Data, "sentAt")
			require.EqualValues(t, "CONFIRMATION", e.Data["kind"])
			require.Equal(t, 1, e.Data["attempts"])
		case notification.StatusFailed:
			failed++
			e := rec.Require(t, schematype.EventNotificationFailed, org, n.ID)
			require.EqualValues(t, "SMS", e.Data["channel"])
			require.NotContains(t, e.Data, "reason")
		}
	}
	require.Positive(t, sent)
	require.Equal(t, 2, failed)
	require.Len(t, rec.Of(schematype.EventNotificationSent), sent)
	require.Len(t, rec.Of(schematype.EventNotificationFailed), failed)
}
