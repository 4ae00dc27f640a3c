package notifier

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRiverInfoIsDebug: River's INFO lines (its producers and elector
// report every few seconds) are DEBUG in kith's log, so the default level
// shows none of them; its WARN and ERROR stay as they are.
func TestRiverInfoIsDebug(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(quieter{slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})})
	log.Info("producer: fetch")
	log.Warn("leader lost")
	require.NotContains(t, buf.String(), "producer")
	require.Contains(t, buf.String(), "level=WARN msg=\"leader lost\"")

	buf.Reset()
	debug := slog.New(quieter{slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})})
	debug.With("client", "river").Info("producer: fetch")
	require.Contains(t, buf.String(), "level=DEBUG msg=\"producer: fetch\" client=river")
}
