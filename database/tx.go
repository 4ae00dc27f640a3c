package database

import (
	"database/sql"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/kith-health/kith/ent"
)

// SQLTx returns the *sql.Tx that tx runs in, so that code outside ent (such
// as the notifier inserting River jobs) can write through the very same
// transaction. It holds for every transaction of a client Open made,
// however it was opened; ok is false only for a nil tx or a client on
// another driver.
func SQLTx(tx *ent.Tx) (stx *sql.Tx, ok bool) {
	if tx == nil {
		return nil, false
	}
	t := tx.DialectTx()
	if d, isDebug := t.(*dialect.DebugTx); isDebug { // Options.Log
		t = d.Tx
	}
	if e, isSQL := t.(*entsql.Tx); isSQL {
		stx, ok = e.Tx.(*sql.Tx)
	}
	return stx, ok
}
