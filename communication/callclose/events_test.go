package callclose_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/communication/callclose"
	entcomm "github.com/kith-health/kith/ent/communication"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// TestClosingTellsCommunicationClosed: a call recorded from Twilio's
// callback tells communication.created, and closing it automatically
// communication.closed, each in its transaction.
func TestClosingTellsCommunicationClosed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rec := kithtest.RecordEvents(t, b.db)
	org := b.p.Org.ID
	b.call(t, "CA-old", time.Now().Add(-25*time.Hour))
	c, err := b.db.Client.Communication.Query().Where(entcomm.ProviderID("CA-old")).Only(viewer.SystemContext(context.Background()))
	require.NoError(t, err)
	e := rec.Require(t, schematype.EventCommunicationCreated, org, c.ID)
	require.EqualValues(t, "TWILIO_VOICE", e.Data["source"])
	require.EqualValues(t, "INBOUND", e.Data["direction"])
	rec.None(t, schematype.EventCommunicationClosed)

	n, err := callclose.New(b.db.Client).Close(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, n)
	e = rec.Require(t, schematype.EventCommunicationClosed, org, c.ID)
	require.Equal(t, true, e.Data["closedAutomatically"])
	require.EqualValues(t, "CLOSED", e.Data["status"])
}
