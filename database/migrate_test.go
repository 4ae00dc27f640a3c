package database_test

import (
	"context"
	"fmt"
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
