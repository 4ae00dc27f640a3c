package kithtest

import (
	"context"
	"log/slog"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/callevent"
	"github.com/kith-health/kith/database"
)

// CallEvents attaches to db a running call events hub, as kith serve does
// (db.Client.Effects.SetCallEvents), waits until it hears every committed
// call change (on PostgreSQL: it LISTENs), and stops it at cleanup.
func CallEvents(t testing.TB, db *database.DB) *callevent.Hub {
	t.Helper()
	hub := callevent.New(db, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	db.Client.Effects.SetCallEvents(hub)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- hub.Run(ctx) }()
	t.Cleanup(func() {
		db.Client.Effects.SetCallEvents(nil)
		cancel()
		<-done
	})
	listening, stop := context.WithTimeout(ctx, SocketTimeout)
	defer stop()
	require.NoError(t, hub.Listening(listening))
	return hub
}
