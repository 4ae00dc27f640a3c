package database

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"

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
