package transaction

import (
	"context"
	"database/sql"
	"fmt"

	"entgo.io/ent/dialect"

	"github.com/kith-health/kith/pulid"
)

// Execer runs a hand-written statement in the caller's transaction; an
// *ent.Client of a transaction is one.
type Execer interface {
	Dialect() string
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// LockPractitioner serialises, until the transaction of db ends, the
// transactions that book or move appointments of practitioner id: call it
// before reading the practitioner's calendar to decide a booking, so that
// two bookings within each other's buffers cannot both see the time free.
// On PostgreSQL it locks the practitioner's staff row (FOR NO KEY UPDATE,
// which leaves foreign-key checks of other rows pointing at it alone);
// SQLite needs nothing, since its write transactions (BEGIN IMMEDIATE) run
// one at a time. db must be in a transaction.
func LockPractitioner(ctx context.Context, db Execer, id pulid.ID) error {
	if err := lockRow(ctx, db, "staff", id); err != nil {
		return fmt.Errorf("locking the practitioner's calendar: %w", err)
	}
	return nil
}

// LockOrganization serialises, until the transaction of db ends, the
// transactions that number records in organisation id (invoices), so two
// issued at once cannot take the same number. As LockPractitioner, it locks
// the row on PostgreSQL and needs nothing on SQLite.
func LockOrganization(ctx context.Context, db Execer, id pulid.ID) error {
	if err := lockRow(ctx, db, "organizations", id); err != nil {
		return fmt.Errorf("locking the organisation's numbering: %w", err)
	}
	return nil
}

// lockRow locks the row id of table FOR NO KEY UPDATE on PostgreSQL.
func lockRow(ctx context.Context, db Execer, table string, id pulid.ID) error {
	if db.Dialect() != dialect.Postgres {
		return nil
	}
	_, err := db.ExecContext(ctx, "SELECT 1 FROM "+table+" WHERE id = $1 FOR NO KEY UPDATE", string(id))
	return err
}

// LockInvoice serialises, until the transaction of db ends, the
// transactions that claim invoice id for a payment (package billing), so
// two payments of it cannot both be claimed. As LockPractitioner, it locks
// the row on PostgreSQL and needs nothing on SQLite.
func LockInvoice(ctx context.Context, db Execer, id pulid.ID) error {
	if err := lockRow(ctx, db, "invoices", id); err != nil {
		return fmt.Errorf("locking the invoice: %w", err)
	}
	return nil
}

// LockLink serialises, until the transaction of db ends, the transactions
// that choose client–contact link id as a billing contact with those that
// take its BILLING type away or remove it, so a coverage or invoice never
// names a link that has just stopped being a billing contact. As
// LockPractitioner, it locks the row on PostgreSQL and needs nothing on
// SQLite.
func LockLink(ctx context.Context, db Execer, id pulid.ID) error {
	if err := lockRow(ctx, db, "client_contacts", id); err != nil {
		return fmt.Errorf("locking the contact's link: %w", err)
	}
	return nil
}
