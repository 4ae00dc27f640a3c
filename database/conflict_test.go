package database_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/kithtest"
)

// TestDeadlockIsAConcurrencyConflict: two transactions that lock two rows
// in opposite orders deadlock on PostgreSQL; the one the server refuses is
// recognised as a concurrency conflict. SQLite's writers run one at a time
// and never deadlock, so there it checks only that other errors are not.
func TestDeadlockIsAConcurrencyConflict(t *testing.T) {
	t.Parallel()
	db := kithtest.DB(t, nil)
	ctx := context.Background()
	require.False(t, database.IsConcurrencyConflict(errors.New("no rows")))
	if db.Dialect != "postgres" {
		_, err := db.SQL.ExecContext(ctx, "SELECT * FROM no_such_table")
		require.False(t, database.IsConcurrencyConflict(err))
		return
	}
	_, err := db.SQL.ExecContext(ctx, "CREATE TABLE locks (id int PRIMARY KEY); INSERT INTO locks VALUES (1), (2)")
	require.NoError(t, err)
	txs := make([]*sql.Tx, 2)
	for i := range txs {
		txs[i], err = db.SQL.BeginTx(ctx, nil)
		require.NoError(t, err)
		defer txs[i].Rollback() //nolint:errcheck // the test's end
		_, err = txs[i].ExecContext(ctx, "SELECT 1 FROM locks WHERE id = $1 FOR UPDATE", i+1)
		require.NoError(t, err)
	}
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range txs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = txs[i].ExecContext(ctx, "SELECT 1 FROM locks WHERE id = $1 FOR UPDATE", 2-i)
			if errs[i] != nil {
				_ = txs[i].Rollback() // frees the other
			}
		}()
	}
	wg.Wait()
	require.True(t, (errs[0] == nil) != (errs[1] == nil), "exactly one is refused: %v", errs)
	refused := errs[0]
	if refused == nil {
		refused = errs[1]
	}
	require.True(t, database.IsConcurrencyConflict(refused), "%v", refused)
}
