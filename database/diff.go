//go:build ignore

// diff writes the next versioned migration of both dialects from the ent
// schema: `go run ./database/diff.go add_widgets`. It replays the existing
// migrations on scratch databases (SQLite in memory, a temporary PostgreSQL
// database on KITH_DEV_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432)
// and writes the difference in goose format.
//
// After merging branches that each added migrations, `go run
// ./database/diff.go -rehash` rewrites the atlas.sum files over the merged
// set (migrations that touch different tables may interleave).
package main

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"slices"
	"strings"
	"time"

	atlasmigrate "ariga.io/atlas/sql/migrate"
	atlasschema "ariga.io/atlas/sql/schema"
	"ariga.io/atlas/sql/sqltool"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql/schema"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/ent/migrate"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: go run ./database/diff.go NAME")
	}
	name := os.Args[1]
	if name == "-rehash" {
		for _, path := range []string{"database/migrations/sqlite", "database/migrations/postgres"} {
			if err := rehash(path); err != nil {
				log.Fatalf("%s: %v", path, err)
			}
		}
		return
	}
	ctx := context.Background()
	sql.Register("sqlite3", &sqlite.Driver{})        // Atlas opens SQLite under this name
	if !slices.Contains(sql.Drivers(), "postgres") { // and PostgreSQL under this one (lib/pq, which River's database/sql driver imports, registers it too)
		sql.Register("postgres", stdlib.GetDefaultDriver())
	}

	if err := diff(ctx, "database/migrations/sqlite", dialect.SQLite,
		"sqlite://dev?mode=memory&_pragma=foreign_keys(1)", name); err != nil {
		log.Fatalf("sqlite: %v", err)
	}

	admin := os.Getenv("KITH_DEV_POSTGRES_URL")
	if admin == "" {
		admin = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	dev := fmt.Sprintf("kith_dev_%d", time.Now().UnixNano())
	db, err := sql.Open("pgx", admin)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+dev); err != nil {
		log.Fatalf("postgres: %v", err)
	}
	defer db.ExecContext(ctx, "DROP DATABASE "+dev)
	devURL := strings.Replace(admin, "/postgres?", "/"+dev+"?", 1)
	if err := diff(ctx, "database/migrations/postgres", dialect.Postgres, devURL, name); err != nil {
		log.Fatalf("postgres: %v", err)
	}
}

func diff(ctx context.Context, path, dialectName, devURL, name string) error {
	dir, err := sqltool.NewGooseDir(path)
	if err != nil {
		return err
	}
	return migrate.NamedDiff(ctx, devURL, name,
		schema.WithDir(dir),
		schema.WithMigrationMode(schema.ModeReplay),
		schema.WithDialect(dialectName),
		schema.WithFormatter(sqltool.GooseFormatter),
		schema.WithDropColumn(true),
		schema.WithDropIndex(true),
		schema.WithDiffHook(func(next schema.Differ) schema.Differ {
			return schema.DiffFunc(func(current, desired *atlasschema.Schema) ([]atlasschema.Change, error) {
				changes, err := next.Diff(current, desired)
				return database.WithoutHandWritten(changes), err
			})
		}),
	)
}

// rehash rewrites the atlas.sum of the migrations in path.
func rehash(path string) error {
	dir, err := sqltool.NewGooseDir(path)
	if err != nil {
		return err
	}
	sum, err := dir.Checksum()
	if err != nil {
		return err
	}
	return atlasmigrate.WriteSumFile(dir, sum)
}
