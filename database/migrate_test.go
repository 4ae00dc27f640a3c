package database_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	atlas "ariga.io/atlas/sql/schema"
	"entgo.io/ent/dialect/sql/schema"
	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/kithtest"
)

// TestMigrationsMatchSchema fails when the ent schema has changed without a
// new migration: after every migration ran, ent finds nothing left to change.
// Write the migration with `go run ./database/diff.go NAME`.
func TestMigrationsMatchSchema(t *testing.T) {
	t.Parallel()
	db := kithtest.DB(t, nil) // migrated
	var pending []atlas.Change
	err := db.Client.Schema.Create(context.Background(),
		schema.WithDropColumn(true),
		schema.WithDropIndex(true),
		schema.WithDiffHook(func(next schema.Differ) schema.Differ {
			return schema.DiffFunc(func(current, desired *atlas.Schema) ([]atlas.Change, error) {
				changes, err := next.Diff(current, desired)
				pending = database.WithoutHandWritten(changes)
				return nil, err // apply nothing
			})
		}))
	require.NoError(t, err)
	require.Empty(t, pending, "the migrations lag behind the ent schema: %s; run go run ./database/diff.go NAME", describe(pending))
}

func TestMigrateTwiceIsHarmless(t *testing.T) {
	t.Parallel()
	db := kithtest.DB(t, nil)
	require.NoError(t, db.Migrate(context.Background()))
}

func describe(changes []atlas.Change) string {
	var s string
	for _, c := range changes {
		s += fmt.Sprintf("%T ", c)
		if m, ok := c.(*atlas.ModifyTable); ok {
			s += m.T.Name + " "
		}
		if a, ok := c.(*atlas.AddTable); ok {
			s += a.T.Name + " "
		}
	}
	return s
}

// TestMigrateConcurrently: replicas starting together on a fresh
// PostgreSQL database all migrate it without error (one migrates under
// the lock, the others then find nothing to do), River's tables included.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	if os.Getenv("TEST_DATABASE_URL") == "" {
		t.Skip("PostgreSQL only (TEST_DATABASE_URL): one SQLite file has one process")
	}
	url := kithtest.DBURL(t)
	ctx := context.Background()
	const replicas = 6
	dbs := make([]*database.DB, replicas)
	for i := range dbs {
		db, err := database.Open(ctx, url, database.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { _ = db.Close() })
		dbs[i] = db
	}
	errs := make(chan error, replicas)
	for _, db := range dbs {
		go func() { errs <- db.Migrate(ctx) }()
	}
	for range replicas {
		require.NoError(t, <-errs)
	}
	ms, err := dbs[0].MigrationStatus(ctx)
	require.NoError(t, err)
	for _, m := range ms {
		require.True(t, m.Applied, "%s %d", m.Line, m.Version)
	}
}

// TestMigrationStatus lists kith's and River's migrations, all pending on a
// fresh database (which it leaves as it was) and all applied after Migrate.
func TestMigrationStatus(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := database.Open(ctx, kithtest.DBURL(t), database.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	lines := func(applied bool) map[string]int {
		ms, err := db.MigrationStatus(ctx)
		require.NoError(t, err)
		out := map[string]int{}
		for _, m := range ms {
			require.Equal(t, applied, m.Applied, "%s %d %s", m.Line, m.Version, m.Name)
			out[m.Line]++
		}
		return out
	}
	before := lines(false)
	require.Positive(t, before["kith"])
	require.Positive(t, before["river"])
	require.Equal(t, before, lines(false), "listing changes nothing")
	require.NoError(t, db.Migrate(ctx))
	require.Equal(t, before, lines(true))
}
