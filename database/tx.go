package database

import (
	"context"
	"database/sql"
	"sync"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/kith-health/kith/ent"
)

// lazyDriver is ent's SQL driver whose transactions, when their context
// asks for it (WithLazyTx), begin only at their first statement.
type lazyDriver struct{ *entsql.Driver }

// Tx implements dialect.Driver.
func (d lazyDriver) Tx(ctx context.Context) (dialect.Tx, error) { return d.BeginTx(ctx, nil) }

// BeginTx starts a transaction; one whose context is WithLazyTx's starts at
// its first statement instead.
func (d lazyDriver) BeginTx(ctx context.Context, opts *entsql.TxOptions) (dialect.Tx, error) {
	if lazy, _ := ctx.Value(lazyKey{}).(bool); lazy {
		return &lazyTx{begin: func() (dialect.Tx, error) { return d.Driver.BeginTx(ctx, opts) }}, nil
	}
	return d.Driver.BeginTx(ctx, opts)
}

type lazyKey struct{}

// WithLazyTx returns ctx asking the transaction about to be opened with it
// to begin at its first statement (or the first SQLTx) rather than when it
// is opened; its commit or rollback without a statement is nothing. A
// GraphQL mutation opens one: work it does before touching the database,
// such as a bcrypt comparison, holds no lock, and SQLite's single write
// lock (BEGIN IMMEDIATE) is taken only when the first statement needs it.
func WithLazyTx(ctx context.Context) context.Context {
	return context.WithValue(ctx, lazyKey{}, true)
}

// SQLTx returns the *sql.Tx that tx runs in, beginning a lazy one that has
// not begun yet, so that code outside ent (such as the notifier inserting
// River jobs) can write through the very same transaction. It holds for
// every transaction of a client Open made, however it was opened; ok is
// false only for a nil tx, a lazy one that could not begin, or a client on
// another driver.
func SQLTx(tx *ent.Tx) (stx *sql.Tx, ok bool) {
	if tx == nil {
		return nil, false
	}
	t := tx.DialectTx()
	for {
		switch w := t.(type) {
		case *dialect.DebugTx: // Options.Log
			t = w.Tx
		case *tracingTx:
			t = w.Tx
		case *lazyTx:
			var err error
			if t, err = w.get(); err != nil {
				return nil, false
			}
		case *entsql.Tx:
			stx, ok = w.Tx.(*sql.Tx)
			return stx, ok
		default:
			return nil, false
		}
	}
}

// lazyTx is a dialect.Tx that begins the real transaction at its first
// statement. Its methods may be called from several goroutines.
type lazyTx struct {
	mu    sync.Mutex
	begin func() (dialect.Tx, error)
	tx    dialect.Tx
	err   error
	done  bool // committed or rolled back before it began
}

var _ dialect.Tx = (*lazyTx)(nil)

// get begins the transaction, once.
func (l *lazyTx) get() (dialect.Tx, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.tx == nil && l.err == nil {
		if l.done {
			l.err = sql.ErrTxDone
		} else {
			l.tx, l.err = l.begin()
		}
	}
	return l.tx, l.err
}

// Exec implements dialect.Tx.
func (l *lazyTx) Exec(ctx context.Context, query string, args, v any) error {
	tx, err := l.get()
	if err != nil {
		return err
	}
	return tx.Exec(ctx, query, args, v)
}

// Query implements dialect.Tx.
func (l *lazyTx) Query(ctx context.Context, query string, args, v any) error {
	tx, err := l.get()
	if err != nil {
		return err
	}
	return tx.Query(ctx, query, args, v)
}

// ExecContext runs a hand-written statement in the transaction (ent's
// client ExecContext).
func (l *lazyTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	tx, err := l.get()
	if err != nil {
		return nil, err
	}
	return tx.(interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	}).ExecContext(ctx, query, args...)
}

// QueryContext runs a hand-written query in the transaction (ent's client
// QueryContext).
func (l *lazyTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	tx, err := l.get()
	if err != nil {
		return nil, err
	}
	return tx.(interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	}).QueryContext(ctx, query, args...)
}

// Commit implements dialect.Tx: nothing, when no statement ran; the error
// of the begin, when it failed (so a mutation whose transaction never
// began is not reported as committed).
func (l *lazyTx) Commit() error {
	tx, err := l.end()
	if tx != nil {
		return tx.Commit()
	}
	return err
}

// Rollback implements dialect.Tx: nothing, when no statement ran.
func (l *lazyTx) Rollback() error {
	if tx, _ := l.end(); tx != nil {
		return tx.Rollback()
	}
	return nil
}

// end marks the transaction over and returns the real one, if it began,
// or the error of its begin.
func (l *lazyTx) end() (dialect.Tx, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.done = true
	return l.tx, l.err
}
