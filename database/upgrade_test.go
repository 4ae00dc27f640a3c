package database

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/stretchr/testify/require"
)

// TestSQLiteUpgradeKeepsRows migrates a SQLite database that already holds
// an organisation, a client, a contact and their link through every later
// migration, including those that rebuild referenced tables (SQLite cannot
// alter a column in place), and checks nothing was lost or left dangling.
func TestSQLiteUpgradeKeepsRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kith.db")

	old, err := sql.Open("sqlite", sqliteDSN(path, true))
	require.NoError(t, err)
	files, err := fs.Sub(migrations, "migrations/sqlite")
	require.NoError(t, err)
	p, err := goose.NewProvider(goose.DialectSQLite3, old, files)
	require.NoError(t, err)
	_, err = p.UpTo(ctx, 20261122005542) // the first release
	require.NoError(t, err)
	for _, stmt := range []string{
		"INSERT INTO organizations (id, created_at, updated_at, name, slug) VALUES ('or1', '2026-01-01', '2026-01-01', 'Practice', 'practice')",
		"INSERT INTO clients (id, created_at, updated_at, first_name, last_name, organization_id) VALUES ('cl1', '2026-01-01', '2026-01-01', 'Sam', 'Rivera', 'or1')",
		"INSERT INTO contacts (id, created_at, updated_at, first_name, email, organization_id) VALUES ('co1', '2026-01-01', '2026-01-01', 'Alex', 'alex@example.com', 'or1')",
		"INSERT INTO client_contacts (id, created_at, updated_at, organization_id, client_id, contact_id) VALUES ('lk1', '2026-01-01', '2026-01-01', 'or1', 'cl1', 'co1')",
	} {
		_, err := old.ExecContext(ctx, stmt)
		require.NoError(t, err, stmt)
	}
	require.NoError(t, old.Close())

	db, err := Open(ctx, "sqlite://"+path, Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	require.NoError(t, db.Migrate(ctx))

	var links int
	require.NoError(t, db.SQL.QueryRowContext(ctx,
		"SELECT count(*) FROM client_contacts JOIN clients ON clients.id = client_contacts.client_id JOIN organizations ON organizations.id = clients.organization_id").Scan(&links))
	require.Equal(t, 1, links)
	var status string
	require.NoError(t, db.SQL.QueryRowContext(ctx, "SELECT portal_status FROM clients WHERE id = 'cl1'").Scan(&status))
	require.Equal(t, "NONE", status)
}

// TestSQLiteUpgradeWritesTimesInUTC migrates a SQLite database whose times
// were written in the offsets they were given (as the driver did before
// kith asked it for UTC): afterwards every one is in UTC in the driver's
// format, so that text order, which SQLite compares and sorts by, is time
// order.
func TestSQLiteUpgradeWritesTimesInUTC(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kith.db")

	old, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	files, err := fs.Sub(migrations, "migrations/sqlite")
	require.NoError(t, err)
	p, err := goose.NewProvider(goose.DialectSQLite3, old, files)
	require.NoError(t, err)
	_, err = p.UpTo(ctx, 20261122041300) // the release before times were kept in UTC
	require.NoError(t, err)
	written := map[string]string{ // as the driver wrote them: the value's own offset
		"or1": "2026-12-11 09:59:00.5 -0500 -0500",
		"or2": "2026-12-11 20:00:00 +0530 IST",
		"or3": "2026-12-11 15:00:00.25 +0000 UTC m=+0.000012001",
		"or4": "2026-12-11 14:59:30 +0000 UTC",
		"or5": "2026-12-11", // not the driver's: left alone
	}
	for id, at := range written {
		_, err := old.ExecContext(ctx, "INSERT INTO organizations (id, created_at, updated_at, name, slug) VALUES (?, ?, ?, 'Practice', ?)", id, at, at, id)
		require.NoError(t, err)
	}
	require.NoError(t, old.Close())

	db, err := Open(ctx, "sqlite://"+path, Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	require.NoError(t, db.Migrate(ctx))

	want := map[string]string{
		"or1": "2026-12-11 14:59:00.5 +0000 UTC",
		"or2": "2026-12-11 14:30:00 +0000 UTC",
		"or3": "2026-12-11 15:00:00.25 +0000 UTC",
		"or4": "2026-12-11 14:59:30 +0000 UTC",
		"or5": "2026-12-11",
	}
	for id, at := range want {
		var created, updated string
		require.NoError(t, db.SQL.QueryRowContext(ctx, "SELECT '' || created_at, '' || updated_at FROM organizations WHERE id = ?", id).Scan(&created, &updated))
		require.Equal(t, at, created, id)
		require.Equal(t, at, updated, id)
	}
	rows, err := db.SQL.QueryContext(ctx, "SELECT id FROM organizations WHERE created_at >= ? ORDER BY created_at",
		time.Date(2026, 12, 11, 9, 0, 0, 0, time.FixedZone("", -5*3600)))
	require.NoError(t, err)
	defer rows.Close()
	var order []string
	for rows.Next() {
		var id string
		require.NoError(t, rows.Scan(&id))
		order = append(order, id)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"or2", "or1", "or4", "or3"}, order, "after 14:00 UTC, in time order, whatever offset each was written in")
}
