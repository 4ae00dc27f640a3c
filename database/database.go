// Package database owns kith's connection to its store: the embedded SQLite
// default or PostgreSQL through pgx, and the versioned migrations of each.
package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/effect"
	_ "github.com/kith-health/kith/ent/runtime" // schema hooks and privacy policies
)

// DefaultURL is where kith keeps its data when nothing is configured.
const DefaultURL = "sqlite://kith-data/kith.db"

// DB is an open store: the ent client and what it runs on.
type DB struct {
	// Client is the ent client every package reads and writes through.
	Client *ent.Client
	// SQL is the underlying pool.
	SQL *sql.DB
	// Dialect is dialect.SQLite or dialect.Postgres.
	Dialect string
	// Listener is a small pgx pool on the same PostgreSQL database for
	// LISTEN (River's notifier hears of new jobs through it); nil on SQLite.
	// It opens its connections only when used.
	Listener *pgxpool.Pool
	// sqlitePath is the SQLite file, for migrations that rebuild tables.
	sqlitePath string
	// postgresURL is the PostgreSQL database, for OpenPool.
	postgresURL string
}

// Options tune Open.
type Options struct {
	// Log, when set, receives every statement ent runs (for tests that count them).
	Log func(context.Context, ...any)
	// MaxOpenConns caps the pool, which keeps as many idle connections open
	// so that busy moments do not reconnect. Default 0: 4 per CPU (at least
	// 8) on PostgreSQL, 8 on SQLite.
	MaxOpenConns int
	// TracerProvider gives each statement a span in the trace of its
	// context (see tracingDriver). Default: the global provider,
	// otel.GetTracerProvider(), which is a no-op until one is set.
	TracerProvider trace.TracerProvider
}

// Open connects to url: "postgres://…" or "postgresql://…" for PostgreSQL,
// "sqlite://path" or a plain file path for SQLite (its folder is created).
// It does not migrate; call Migrate.
func Open(ctx context.Context, url string, opts Options) (*DB, error) {
	var (
		db   *sql.DB
		name string
		err  error
	)
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		name = dialect.Postgres
		db, err = sql.Open("pgx", url)
		if opts.MaxOpenConns == 0 {
			opts.MaxOpenConns = max(8, 4*runtime.GOMAXPROCS(0))
		}
	default:
		name = dialect.SQLite
		db, err = openSQLite(strings.TrimPrefix(url, "sqlite://"))
		if opts.MaxOpenConns == 0 {
			opts.MaxOpenConns = 8
		}
	}
	if err != nil {
		return nil, fmt.Errorf("opening the database: %w", err)
	}
	db.SetMaxOpenConns(opts.MaxOpenConns)
	db.SetMaxIdleConns(opts.MaxOpenConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("connecting to the database: %w", err)
	}
	tp := opts.TracerProvider
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	var drv dialect.Driver = &tracingDriver{Driver: lazyDriver{entsql.OpenDB(name, db)},
		tracer: tp.Tracer("github.com/kith-health/kith/database"), system: dbSystem(name)}
	if opts.Log != nil {
		drv = dialect.DebugWithContext(drv, opts.Log)
	}
	d := &DB{Client: ent.NewClient(ent.Driver(drv), ent.Effects(&effect.Slot{})), SQL: db, Dialect: name}
	if name == dialect.SQLite {
		d.sqlitePath = strings.TrimPrefix(url, "sqlite://")
		return d, nil
	}
	d.postgresURL = url
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("opening the database: %w", err)
	}
	cfg.MaxConns = 2 // one listening connection, one spare
	if d.Listener, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("opening the database: %w", err)
	}
	return d, nil
}

// OpenPool opens another pool of at most n connections to d's PostgreSQL
// database, for short statements that run while a transaction of SQL
// holds a connection (rate-limit checks): they do not wait for SQL's
// connections, which that many transactions may hold. It connects when
// first used; the caller closes it. It is ErrNotPostgres on SQLite.
func (d *DB) OpenPool(n int) (*sql.DB, error) {
	if d.postgresURL == "" {
		return nil, ErrNotPostgres
	}
	db, err := sql.Open("pgx", d.postgresURL)
	if err != nil {
		return nil, fmt.Errorf("opening the database: %w", err)
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

// ErrNotPostgres is OpenPool's error on SQLite.
var ErrNotPostgres = errors.New("the database is not PostgreSQL")

// dbSystem is OpenTelemetry's name for dialect name.
func dbSystem(name string) string {
	if name == dialect.Postgres {
		return "postgresql"
	}
	return name
}

// openSQLite opens the file at path with foreign keys on, WAL journaling,
// a busy timeout and write transactions that take the lock when they begin,
// so concurrent writers queue instead of failing.
func openSQLite(path string) (*sql.DB, error) {
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, err
		}
	}
	return sql.Open("sqlite", sqliteDSN(path, true))
}

// sqliteDSN is the connection string of the file at path, with foreign keys
// enforced or not.
//
// SQLite has no time type: the driver writes a time.Time as text in the
// value's own offset ("2006-01-02 15:04:05.999999999 -0700 MST"), and SQLite
// compares and sorts that text as text. _timezone=UTC makes the driver turn
// every time.Time argument, of every statement (ent's, hand-written ones,
// River's), to UTC before writing it, so that stored times and the times
// they are compared with are all "… +0000 UTC" and text order is time
// order. Times read back are in UTC. Migration 20261201215841_times_in_utc
// rewrote the times stored before in another offset.
func sqliteDSN(path string, foreignKeys bool) string {
	fk := "0"
	if foreignKeys {
		fk = "1"
	}
	return "file:" + path + "?_pragma=foreign_keys(" + fk + ")&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_txlock=immediate&_timezone=UTC"
}

// Close closes the client and the pools.
func (d *DB) Close() error {
	if d.Listener != nil {
		d.Listener.Close()
	}
	return d.Client.Close()
}

// Ping reports whether the database answers, for readiness checks.
func (d *DB) Ping(ctx context.Context) error { return d.SQL.PingContext(ctx) }
