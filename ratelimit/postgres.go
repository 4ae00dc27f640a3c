package ratelimit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"entgo.io/ent/dialect"

	"github.com/kith-health/kith/database"
)

// Postgres is a Store in PostgreSQL's table rate_limit_buckets (migration
// 20261202013000_rate_limit_buckets), shared by every kith process of the
// database: each take or give-back is one statement, atomic however many
// processes ask at once. The table is UNLOGGED: not written to the WAL,
// so cheap, and emptied by a crash of PostgreSQL (every bucket is then
// full) and not copied to replicas. Times are the callers' clocks, which
// should agree (NTP), but a take never counts earlier than the latest take
// of its bucket (column at): takes that reach the row in another order than
// their clocks', or from a process behind, are counted as at that time, so
// that Burst at once are allowed Burst however they interleave. A process
// ahead by a second moves its buckets a second on for every process.
type Postgres struct {
	pool  *sql.DB
	owned bool         // Close closes pool
	swept atomic.Int64 // the last sweep, in nanoseconds since 1970
}

// SweepEvery is how often a Postgres store deletes the buckets that are
// full again, in the call of a Take; buckets of an idle limit stay until
// another Take of the store.
const SweepEvery = time.Minute

// NewPostgres returns the Store in pool's database. Checks made while a
// transaction of pool holds a connection take another one: give it a pool
// of its own (Open does), or one no transaction waits on, lest every
// connection be held by transactions waiting for a check.
func NewPostgres(pool *sql.DB) *Postgres { return &Postgres{pool: pool} }

// Open returns db's Store: on PostgreSQL a Postgres store on a pool of its
// own of 4 connections, closed by Close; on SQLite a Memory.
func Open(db *database.DB) (Store, error) {
	if db.Dialect != dialect.Postgres {
		return NewMemory(), nil
	}
	pool, err := db.OpenPool(4)
	if err != nil {
		return nil, fmt.Errorf("opening the rate limits' pool: %w", err)
	}
	return &Postgres{pool: pool, owned: true}, nil
}

// ForQueue returns db's Store over db's own pool, for users that check
// limits outside transactions (the notifier's workers): Postgres on
// PostgreSQL, else a Memory.
func ForQueue(db *database.DB) Store {
	if db.Dialect != dialect.Postgres {
		return NewMemory()
	}
	return NewPostgres(db.SQL)
}

// take is GCRA in one statement, at the bucket's clock: the later of now
// and the bucket's at (the latest now it counted at), so that the bucket's
// time never goes back. The TAT moves to the later of it and that clock,
// plus Every, when that is at most Burst×Every ahead of the clock; at moves
// to the clock; a missing bucket is full. When refused, the second part
// reads the TAT and at that refused (as the statement began), for the wait.
const take = `WITH taken AS (
	INSERT INTO rate_limit_buckets AS b (name, key, tat, at) VALUES ($1, $2, $3::bigint + $4::bigint, $3::bigint)
	ON CONFLICT (name, key) DO UPDATE SET
		tat = greatest(b.tat, b.at, $3::bigint) + $4::bigint,
		at = greatest(b.at, $3::bigint)
	WHERE greatest(b.tat, b.at, $3::bigint) + $4::bigint - greatest(b.at, $3::bigint) <= $5::bigint
	RETURNING b.tat, b.at
)
SELECT true, tat, at FROM taken
UNION ALL
SELECT false, tat, at FROM rate_limit_buckets
WHERE name = $1 AND key = $2 AND NOT EXISTS (SELECT FROM taken)`

// Take implements Store.
func (p *Postgres) Take(ctx context.Context, name string, l Limit, key string, now time.Time) (Result, error) {
	d := digestOf(key)
	n, e, tol := now.UnixNano(), int64(every(l)), int64(tolerance(l))
	var (
		ok      bool
		tat, at int64
	)
	err := p.pool.QueryRowContext(ctx, take, name, d[:], n, e, tol).Scan(&ok, &tat, &at)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// Refused by a bucket made since the statement began.
		return Result{Wait: time.Duration(e)}, nil
	case err != nil:
		return Result{}, fmt.Errorf("taking a token: %w", err)
	}
	if last := p.swept.Load(); n-last >= int64(SweepEvery) && p.swept.CompareAndSwap(last, n) {
		// One caller a minute deletes the full buckets; failing, the
		// next sweep does.
		_, _ = p.Sweep(ctx, now)
	}
	at = max(at, n)
	if !ok {
		return Result{Wait: time.Duration(max(max(tat, at)+e-at-tol, 1))}, nil
	}
	return Result{OK: true, TAT: time.Unix(0, tat)}, nil
}

// Give implements Store.
func (p *Postgres) Give(ctx context.Context, name, key string, d time.Duration) error {
	k := digestOf(key)
	if _, err := p.pool.ExecContext(ctx,
		`UPDATE rate_limit_buckets SET tat = tat - $3 WHERE name = $1 AND key = $2`,
		name, k[:], int64(d)); err != nil {
		return fmt.Errorf("giving a token back: %w", err)
	}
	return nil
}

// Sweep deletes the buckets that are full again at now and last counted no
// later than now, and returns how many it deleted. Take calls it once a
// SweepEvery.
func (p *Postgres) Sweep(ctx context.Context, now time.Time) (int64, error) {
	res, err := p.pool.ExecContext(ctx, `DELETE FROM rate_limit_buckets WHERE tat <= $1 AND at <= $1`, now.UnixNano())
	if err != nil {
		return 0, fmt.Errorf("deleting full rate-limit buckets: %w", err)
	}
	return res.RowsAffected()
}

// Close implements Store: it closes the pool Open made.
func (p *Postgres) Close() error {
	if p.owned {
		return p.pool.Close()
	}
	return nil
}
