package main

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/notifier/logsender"
	"github.com/kith-health/kith/notifier/sendgrid"
	"github.com/kith-health/kith/schematype"
)

// TestSendersWiring: without providers both channels are the log channel,
// with a WARN that it prints secrets and is for development; with one
// provider the other channel has no sender at all (its messages fail with
// the reason), so no message is ever logged, and a WARN says so.
func TestSendersWiring(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	got, err := senders(config{}, log)
	require.NoError(t, err)
	require.Len(t, got, 2)
	for _, s := range got {
		require.IsType(t, &logsender.Sender{}, s)
	}
	require.Contains(t, buf.String(), "level=WARN")
	require.Contains(t, buf.String(), "secrets included")
	require.Contains(t, buf.String(), "for development only")

	buf.Reset()
	got, err = senders(config{SendGrid: sendgridConfig{APIKey: "SG.test-key", FromEmail: "hello@maple.example"}}, log)
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.IsType(t, &sendgrid.Sender{}, got[0])
	require.Equal(t, schematype.ChannelEmail, got[0].Channel())
	require.Contains(t, buf.String(), "level=WARN")
	require.Contains(t, buf.String(), "no SMS provider is configured")
	require.NotContains(t, buf.String(), "for development only")
	require.NotContains(t, buf.String(), "SG.test-key", "credentials are never logged")

	// A provider half configured (its key missing) stops kith rather than
	// logging messages with their secrets.
	for _, half := range []map[string]string{
		{"KITH_TWILIO_AUTH_TOKEN": "secret-token", "KITH_TWILIO_FROM": "+14165550100"},
		{"KITH_SENDGRID_FROM_EMAIL": "hello@maple.example"},
	} {
		_, err = parse(t, half)
		require.Error(t, err)
		require.NotContains(t, err.Error(), "secret-token")
	}
}
