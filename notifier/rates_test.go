package notifier_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/schematype"
)

// TestRatesSharedByProcesses: two queues on one PostgreSQL database (two
// kith processes) share each channel's send rate.
func TestRatesSharedByProcesses(t *testing.T) {
	t.Parallel()
	dbURL := kithtest.DBURL(t)
	db := kithtest.Open(t, dbURL, database.Options{})
	if db.Dialect == dialect.SQLite {
		t.Skip("SQLite serves one kith process: its rates live in that process's memory")
	}
	ctx := context.Background()
	var queues []*notifier.Queue
	for range 2 { // two processes, each with its own client of the database
		q, err := notifier.NewQueue(ctx, kithtest.Open(t, dbURL, database.Options{}), notifier.Config{
			Rates:  map[schematype.Channel]float64{schematype.ChannelSMS: 1.0 / 3600}, // one an hour
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		require.NoError(t, err)
		queues = append(queues, q)
	}
	now := time.Now()
	ok, err := queues[0].Limiter(schematype.ChannelSMS).Allow(ctx, "", now)
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = queues[1].Limiter(schematype.ChannelSMS).Allow(ctx, "", now)
	require.NoError(t, err)
	require.False(t, ok, "the second process sent its own hour's SMS")
	require.Nil(t, queues[1].Limiter(schematype.ChannelEmail), "email has no cap")
}
