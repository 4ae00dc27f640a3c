package database_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/ent/organization"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/viewer"
)

// TestLazyTxBeginsAtItsFirstStatement: a lazy transaction holds nothing
// until its first statement (on SQLite, another writer commits meanwhile),
// then is a transaction as any: its writes are seen only once committed,
// and SQLTx is the very transaction ent writes through. Ending one that ran
// nothing is nothing.
func TestLazyTxBeginsAtItsFirstStatement(t *testing.T) {
	t.Parallel()
	db := kithtest.DB(t, nil)
	ctx := viewer.SystemContext(context.Background())
	exists := func(slug string) bool {
		return db.Client.Organization.Query().Where(organization.Slug(slug)).ExistX(ctx)
	}

	lazy := database.WithLazyTx(ctx)
	tx, err := db.Client.Tx(lazy)
	require.NoError(t, err)
	// Would wait for a begun transaction's lock on SQLite, then fail.
	require.NoError(t, db.Client.Organization.Create().SetName("elsewhere").SetSlug("elsewhere").Exec(ctx))
	err = tx.Organization.Create().SetName("inside").SetSlug("inside").Exec(lazy)
	require.NoError(t, err)
	require.False(t, exists("inside"))
	sqlTx, ok := database.SQLTx(tx)
	require.True(t, ok)
	var n int
	require.NoError(t, sqlTx.QueryRowContext(ctx, "SELECT count(*) FROM organizations WHERE slug = 'inside'").Scan(&n))
	require.Equal(t, 1, n)
	require.NoError(t, tx.Commit())
	require.True(t, exists("inside"))

	for _, end := range []string{"commit", "rollback"} {
		tx, err := db.Client.Tx(database.WithLazyTx(ctx))
		require.NoError(t, err)
		if end == "commit" {
			require.NoError(t, tx.Commit())
		} else {
			require.NoError(t, tx.Rollback())
		}
	}
}
