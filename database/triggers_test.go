package database

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSQLiteKeepsOverlapTriggers migrates a new SQLite database and finds
// the triggers that keep a practitioner's appointments from overlapping:
// migrations that rebuild the appointments table drop them, and a
// hand-written one after each puts them back.
func TestSQLiteKeepsOverlapTriggers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "kith.db"), Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	require.NoError(t, db.Migrate(ctx))
	var n int
	require.NoError(t, db.SQL.QueryRowContext(ctx,
		"SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'appointments' AND name LIKE 'appointments_no_overlap_%'").Scan(&n))
	require.Equal(t, 2, n)
}
