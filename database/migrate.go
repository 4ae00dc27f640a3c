package database

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"entgo.io/ent/dialect"
	"github.com/pressly/goose/v3"
)

// migrations holds the versioned SQL files of each dialect, written by
// `go run ./database/diff.go NAME` from the ent schema.
//
//go:embed migrations
var migrations embed.FS

// Migrate applies every migration the database has not had yet. It is safe
// to call on every start.
//
// On SQLite, changing a column means rebuilding its table, and SQLite only
// lets foreign keys be switched off outside a transaction; so migrations run
// on a connection of their own without them, and a foreign-key check after
// the last one fails the migration if any reference broke.
func (d *DB) Migrate(ctx context.Context) error {
	if d.Dialect == dialect.Postgres {
		return migrate(ctx, d.SQL, goose.DialectPostgres, "migrations/postgres")
	}
	conn := d.SQL
	if d.sqlitePath != "" {
		var err error
		if conn, err = sql.Open("sqlite", sqliteDSN(d.sqlitePath, false)); err != nil {
			return fmt.Errorf("opening the database to migrate it: %w", err)
		}
		defer conn.Close()
		conn.SetMaxOpenConns(1)
	}
	if err := migrate(ctx, conn, goose.DialectSQLite3, "migrations/sqlite"); err != nil {
		return err
	}
	rows, err := conn.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return fmt.Errorf("checking foreign keys after migrating: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		var table string
		var rowid sql.NullInt64
		var parent string
		var fkid int
		_ = rows.Scan(&table, &rowid, &parent, &fkid)
		return fmt.Errorf("migrating the database: a row of %s refers to a missing row of %s", table, parent)
	}
	return rows.Err()
}

// migrate runs the migrations in dir of migrations on conn.
func migrate(ctx context.Context, conn *sql.DB, gooseDialect goose.Dialect, dir string) error {
	files, err := fs.Sub(migrations, dir)
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(gooseDialect, conn, files)
	if err != nil {
		return fmt.Errorf("reading migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrating the database: %w", err)
	}
	return nil
}
