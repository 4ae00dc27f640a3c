// Package transaction is how kith carries a database transaction: in the
// context. Run opens one (or joins the one ctx already carries) and With
// puts one in a context; From and Client find it again, in resolvers,
// domain functions and ent hooks alike. AfterCommit, AfterEnd and
// BeforeCommit are the only ways to run code at a transaction's end.
//
// Outside a transaction AfterCommit and AfterEnd run their function at
// once, since a single statement has already committed; what must be
// written with the change that causes it (a notification and its job) is
// refused there instead (effect.ErrNoTransaction), so open one with Run.
package transaction

import (
	"context"
	"errors"
	"fmt"

	"github.com/kith-health/kith/ent"
)

// With returns ctx carrying tx, so that From and Client find it and ent's
// own ent.FromContext answers tx's client. The code that opened tx still
// commits or rolls it back: Run, or the GraphQL server for a mutation.
func With(ctx context.Context, tx *ent.Tx) context.Context {
	return ent.NewTxContext(ent.NewContext(ctx, tx.Client()), tx)
}

// Without returns ctx carrying no transaction (nor its client): for work
// that runs once the transaction ctx carried has ended, such as a handover
// after the commit, and opens its own with Run.
func Without(ctx context.Context) context.Context {
	return ent.NewContext(ent.NewTxContext(ctx, nil), nil)
}

// From is the transaction ctx carries, or nil outside one.
func From(ctx context.Context) *ent.Tx { return ent.TxFromContext(ctx) }

// Client is the client of the transaction ctx carries, or fallback outside
// one.
func Client(ctx context.Context, fallback *ent.Client) *ent.Client {
	if tx := From(ctx); tx != nil {
		return tx.Client()
	}
	return fallback
}

// Run runs f in the transaction ctx carries or, outside one, in a new
// transaction of client that commits when f succeeds and rolls back when it
// fails (or panics). f gets a ctx carrying the transaction and the
// transaction's client, so that every hook of every write f makes finds it.
func Run[T any](ctx context.Context, client *ent.Client, f func(context.Context, *ent.Client) (T, error)) (T, error) {
	if tx := From(ctx); tx != nil {
		return f(ctx, tx.Client())
	}
	var zero T
	tx, err := client.Tx(ctx)
	if err != nil {
		return zero, fmt.Errorf("starting a transaction: %w", err)
	}
	defer func() {
		if r := recover(); r != nil {
			_ = tx.Rollback()
			panic(r)
		}
	}()
	v, err := f(With(ctx, tx), tx.Client())
	if err != nil {
		_ = tx.Rollback()
		return zero, err
	}
	if err := tx.Commit(); err != nil {
		return zero, fmt.Errorf("committing: %w", err)
	}
	return v, nil
}

// AfterCommit runs f once the transaction ctx carries has committed, never
// when it rolls back, or at once outside a transaction: for what must
// happen only when the change exists, such as handing a message to a
// provider.
func AfterCommit(ctx context.Context, f func()) {
	tx := From(ctx)
	if tx == nil {
		f()
		return
	}
	tx.OnCommit(func(next ent.Committer) ent.Committer {
		return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
			if err := next.Commit(ctx, tx); err != nil {
				return err
			}
			f()
			return nil
		})
	})
}

// AfterEnd runs f once the transaction ctx carries has ended, committed or
// rolled back, or at once outside a transaction: for records that must
// outlive a failed request, such as a wrong sign-in code's count.
func AfterEnd(ctx context.Context, f func()) {
	tx := From(ctx)
	if tx == nil {
		f()
		return
	}
	tx.OnCommit(func(next ent.Committer) ent.Committer {
		return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
			err := next.Commit(ctx, tx)
			f()
			return err
		})
	})
	tx.OnRollback(func(next ent.Rollbacker) ent.Rollbacker {
		return ent.RollbackFunc(func(ctx context.Context, tx *ent.Tx) error {
			err := next.Rollback(ctx, tx)
			f()
			return err
		})
	})
}

// ErrNone is BeforeCommit's answer outside a transaction.
var ErrNone = errors.New("this change must be written in a transaction")

// BeforeCommit runs check in the transaction ctx carries just before it
// commits, once every write of it is done; check's error rolls the
// transaction back and is what Commit returns. Outside a transaction it
// runs nothing and returns ErrNone.
func BeforeCommit(ctx context.Context, check func(context.Context, *ent.Tx) error) error {
	tx := From(ctx)
	if tx == nil {
		return ErrNone
	}
	tx.OnCommit(func(next ent.Committer) ent.Committer {
		return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
			if err := check(ctx, tx); err != nil {
				_ = tx.Rollback()
				return err
			}
			return next.Commit(ctx, tx)
		})
	})
	return nil
}
