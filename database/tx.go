package database

import (
	"context"
	"database/sql"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// recordingDriver is ent's SQL driver that also records the *sql.Tx of each
// transaction in the TxHolder its context carries, so that code running in
// the transaction (such as the notifier inserting River jobs) can write
// through the very same transaction.
type recordingDriver struct{ *entsql.Driver }

// Tx implements dialect.Driver.
func (d recordingDriver) Tx(ctx context.Context) (dialect.Tx, error) { return d.BeginTx(ctx, nil) }

// BeginTx starts a transaction and records it in ctx's holder, if any.
func (d recordingDriver) BeginTx(ctx context.Context, opts *entsql.TxOptions) (dialect.Tx, error) {
	tx, err := d.Driver.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	if h, ok := ctx.Value(holderKey{}).(*TxHolder); ok {
		if etx, ok := tx.(*entsql.Tx); ok {
			h.tx, _ = etx.Tx.(*sql.Tx)
		}
	}
	return tx, nil
}

// TxHolder receives the *sql.Tx of the next transaction opened with its context.
type TxHolder struct{ tx *sql.Tx }

type holderKey struct{}

// WithTxHolder returns ctx carrying a holder for the transaction about to be
// opened with it.
func WithTxHolder(ctx context.Context) context.Context {
	return context.WithValue(ctx, holderKey{}, &TxHolder{})
}

// SQLTx returns the transaction recorded in ctx's holder, if any.
func SQLTx(ctx context.Context) (*sql.Tx, bool) {
	h, ok := ctx.Value(holderKey{}).(*TxHolder)
	if !ok || h.tx == nil {
		return nil, false
	}
	return h.tx, true
}
