package database

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"entgo.io/ent/dialect"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// migrations holds the versioned SQL files of each dialect, written by
// `go run ./database/diff.go NAME` from the ent schema.
//
//go:embed migrations
var migrations embed.FS

// Migrate applies every migration the database has not had yet: kith's own
// (goose) and then River's job tables (rivermigrate). It is safe to call on
// every start, and from several processes at once: on PostgreSQL both run
// under goose's session lock (an advisory lock), so one process migrates
// while the others wait and then find nothing left to do.
//
// On SQLite, changing a column means rebuilding its table, and SQLite only
// lets foreign keys be switched off outside a transaction; so migrations run
// on a connection of their own without them, and a foreign-key check after
// the last one fails the migration if any reference broke.
func (d *DB) Migrate(ctx context.Context) error {
	if d.Dialect == dialect.Postgres {
		return d.locked(ctx, func() error {
			if err := migrate(ctx, d.SQL, goose.DialectPostgres, "migrations/postgres"); err != nil {
				return err
			}
			return d.migrateRiver(ctx)
		})
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
	if err := rows.Err(); err != nil {
		return err
	}
	return d.migrateRiver(ctx)
}

// locked runs f holding goose's PostgreSQL session lock, on a connection
// kept for the purpose.
func (d *DB) locked(ctx context.Context, f func() error) (err error) {
	// Others wait, trying again every second for up to 5 minutes.
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
	if err != nil {
		return fmt.Errorf("preparing the migration lock: %w", err)
	}
	conn, err := d.SQL.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connecting to migrate: %w", err)
	}
	defer conn.Close()
	if err := locker.SessionLock(ctx, conn); err != nil {
		return fmt.Errorf("taking the migration lock: %w", err)
	}
	defer func() {
		if uerr := locker.SessionUnlock(context.WithoutCancel(ctx), conn); uerr != nil {
			err = errors.Join(err, fmt.Errorf("releasing the migration lock: %w", uerr))
			// The session still holds the lock: close it rather than give it
			// back to the pool, so that the lock ends with it.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	return f()
}

// migrate runs the migrations in dir of migrations on conn.
func migrate(ctx context.Context, conn *sql.DB, gooseDialect goose.Dialect, dir string) error {
	p, err := provider(conn, gooseDialect, dir)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrating the database: %w", err)
	}
	return nil
}

// provider is goose's provider of the migrations in dir of migrations.
func provider(conn *sql.DB, gooseDialect goose.Dialect, dir string) (*goose.Provider, error) {
	files, err := fs.Sub(migrations, dir)
	if err != nil {
		return nil, err
	}
	p, err := goose.NewProvider(gooseDialect, conn, files)
	if err != nil {
		return nil, fmt.Errorf("reading migrations: %w", err)
	}
	return p, nil
}

// riverMigrator is River's migrator of d's job tables.
func (d *DB) riverMigrator() (*rivermigrate.Migrator[*sql.Tx], error) {
	quiet := &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)}
	var (
		m   *rivermigrate.Migrator[*sql.Tx]
		err error
	)
	if d.Dialect == dialect.SQLite {
		m, err = rivermigrate.New(riversqlite.New(d.SQL), quiet)
	} else {
		m, err = rivermigrate.New(riverdatabasesql.New(d.SQL), quiet)
	}
	if err != nil {
		return nil, fmt.Errorf("preparing the job tables: %w", err)
	}
	return m, nil
}

// migrateRiver brings River's job tables up to the version of the River
// kith is built with.
func (d *DB) migrateRiver(ctx context.Context) error {
	m, err := d.riverMigrator()
	if err != nil {
		return err
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrating the job tables: %w", err)
	}
	return nil
}

// Migration is one migration and whether the database has had it.
type Migration struct {
	// Line is "kith" for kith's own migrations, "river" for River's job tables.
	Line string
	// Version is the migration's version: a timestamp for kith's, a
	// sequence number for River's.
	Version int64
	// Name is the migration's file (kith) or name (River).
	Name string
	// Applied says whether the database has had it, since AppliedAt (zero
	// when unknown, as for River's).
	Applied   bool
	AppliedAt time.Time
}

// MigrationStatus lists every migration of kith and of River with whether
// the database has had it, in the order they run. It changes nothing, not
// even on a database never migrated.
func (d *DB) MigrationStatus(ctx context.Context) ([]Migration, error) {
	gooseDialect, dir, exists := goose.DialectPostgres, "migrations/postgres", "SELECT to_regclass('goose_db_version') IS NOT NULL"
	if d.Dialect == dialect.SQLite {
		gooseDialect, dir, exists = goose.DialectSQLite3, "migrations/sqlite", "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'"
	}
	p, err := provider(d.SQL, gooseDialect, dir)
	if err != nil {
		return nil, err
	}
	var out []Migration
	var versioned bool
	if err := d.SQL.QueryRowContext(ctx, exists).Scan(&versioned); err != nil {
		return nil, fmt.Errorf("reading the migration state: %w", err)
	}
	if versioned { // goose's Status would create its table
		states, err := p.Status(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading the migration state: %w", err)
		}
		for _, s := range states {
			out = append(out, Migration{Line: "kith", Version: s.Source.Version, Name: s.Source.Path,
				Applied: s.State == goose.StateApplied, AppliedAt: s.AppliedAt})
		}
	} else {
		for _, s := range p.ListSources() {
			out = append(out, Migration{Line: "kith", Version: s.Version, Name: s.Path})
		}
	}
	m, err := d.riverMigrator()
	if err != nil {
		return nil, err
	}
	existing, err := m.ExistingVersions(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the job tables' state: %w", err)
	}
	applied := make(map[int]bool, len(existing))
	for _, e := range existing {
		applied[e.Version] = true
	}
	for _, v := range m.AllVersions() {
		out = append(out, Migration{Line: "river", Version: int64(v.Version), Name: v.Name, Applied: applied[v.Version]})
	}
	return out, nil
}
