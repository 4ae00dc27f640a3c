package sendgrid_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/schematype"
)

// TestWebhookTellsDeliveryEvents: SendGrid's delivered and bounce events
// tell notification.delivered and .failed, in the transaction of the
// status change, once however often SendGrid posts them, and never the
// address or the bounce's words.
func TestWebhookTellsDeliveryEvents(t *testing.T) {
	t.Parallel()
	h := newHooks(t)
	org := h.p.Org.ID
	ok, bounced := h.email(t, "ok@example.com"), h.email(t, "gone@example.com")
	rec := kithtest.RecordEvents(t, h.env.DB)

	h.send(t, event("delivered", ok), event("delivered", ok))
	e := rec.Require(t, schematype.EventNotificationDelivered, org, ok.ID)
	require.EqualValues(t, "EMAIL", e.Data["channel"])

	h.send(t, event("bounce", bounced, "reason", "550 5.1.1 gone@example.com does not exist", "type", "bounce"))
	e = rec.Require(t, schematype.EventNotificationFailed, org, bounced.ID)
	body, err := json.Marshal(e.Data)
	require.NoError(t, err)
	require.NotContains(t, string(body), "gone@example.com")
	require.NotContains(t, string(body), "does not exist")
	require.Len(t, rec.Events(), 2)
}
