package database

import (
	"context"
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
func (d *DB) Migrate(ctx context.Context) error {
	gooseDialect, dir := goose.DialectSQLite3, "migrations/sqlite"
	if d.Dialect == dialect.Postgres {
		gooseDialect, dir = goose.DialectPostgres, "migrations/postgres"
	}
	files, err := fs.Sub(migrations, dir)
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(gooseDialect, d.SQL, files)
	if err != nil {
		return fmt.Errorf("reading migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrating the database: %w", err)
	}
	return nil
}
