package database

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// IsConcurrencyConflict reports whether err is the database refusing a
// transaction because another one changed the same rows at the same moment:
// a deadlock or serialization failure on PostgreSQL (SQLSTATE 40P01,
// 40001), the database busy or locked past its timeout on SQLite. Nothing
// of the refused transaction was written, and sending it again may succeed.
func IsConcurrencyConflict(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40P01" || pe.Code == "40001"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return true
		}
	}
	return false
}
