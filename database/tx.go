package database

import (
	"context"
	"database/sql"
	"sync"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// recordingDriver is ent's SQL driver that also records the *sql.Tx of each
// transaction in the TxHolder its context carries, so that code running in
// the transaction (such as the notifier inserting River jobs) can write
// through the very same transaction. With a lazy holder (WithLazyTx) it
// begins the transaction only at its first statement.
type recordingDriver struct{ *entsql.Driver }

// Tx implements dialect.Driver.
func (d recordingDriver) Tx(ctx context.Context) (dialect.Tx, error) { return d.BeginTx(ctx, nil) }

// BeginTx starts a transaction and records it in ctx's holder, if any; a
// lazy holder's transaction starts at its first statement instead.
func (d recordingDriver) BeginTx(ctx context.Context, opts *entsql.TxOptions) (dialect.Tx, error) {
	h, _ := ctx.Value(holderKey{}).(*TxHolder)
	if h != nil && h.lazy {
		l := &lazyTx{begin: func() (dialect.Tx, error) { return d.begin(ctx, opts, h) }}
		h.mu.Lock()
		h.begin = l.get
		h.mu.Unlock()
		return l, nil
	}
	return d.begin(ctx, opts, h)
}

func (d recordingDriver) begin(ctx context.Context, opts *entsql.TxOptions, h *TxHolder) (dialect.Tx, error) {
	tx, err := d.Driver.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	if h != nil {
		if etx, ok := tx.(*entsql.Tx); ok {
			h.mu.Lock()
			h.tx, _ = etx.Tx.(*sql.Tx)
			h.mu.Unlock()
		}
	}
	return tx, nil
}

// TxHolder receives the *sql.Tx of the next transaction opened with its context.
type TxHolder struct {
	mu    sync.Mutex
	tx    *sql.Tx
	lazy  bool
	begin func() (dialect.Tx, error) // a lazy transaction's start, once opened
}

type holderKey struct{}

// WithTxHolder returns ctx carrying a holder for the transaction about to be
// opened with it.
func WithTxHolder(ctx context.Context) context.Context {
	return context.WithValue(ctx, holderKey{}, &TxHolder{})
}

// WithLazyTx is WithTxHolder for a transaction that begins at its first
// statement (or the first SQLTx) rather than when it is opened, and whose
// commit or rollback without a statement is nothing. A GraphQL mutation
// opens one: work it does before touching the database, such as a bcrypt
// comparison, holds no lock, and SQLite's single write lock (BEGIN
// IMMEDIATE) is taken only when the first statement needs it.
func WithLazyTx(ctx context.Context) context.Context {
	return context.WithValue(ctx, holderKey{}, &TxHolder{lazy: true})
}

// SQLTx returns the transaction recorded in ctx's holder, if any, beginning
// a lazy one that has not begun yet.
func SQLTx(ctx context.Context) (*sql.Tx, bool) {
	h, ok := ctx.Value(holderKey{}).(*TxHolder)
	if !ok {
		return nil, false
	}
	h.mu.Lock()
	begin := h.begin
	h.mu.Unlock()
	if begin != nil {
		if _, err := begin(); err != nil {
			return nil, false
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.tx, h.tx != nil
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

// Commit implements dialect.Tx: nothing, when no statement ran.
func (l *lazyTx) Commit() error {
	if tx := l.end(); tx != nil {
		return tx.Commit()
	}
	return nil
}

// Rollback implements dialect.Tx: nothing, when no statement ran.
func (l *lazyTx) Rollback() error {
	if tx := l.end(); tx != nil {
		return tx.Rollback()
	}
	return nil
}

// end marks the transaction over and returns the real one, if it began.
func (l *lazyTx) end() dialect.Tx {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.done = true
	return l.tx
}
