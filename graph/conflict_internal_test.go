package graph

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
)

// TestConcurrencyConflictIsRetryable: a transaction the database refused
// because another changed the same rows at once (a deadlock) is CONFLICT
// with retry, not INTERNAL: nothing was written and sending it again works.
func TestConcurrencyConflictIsRetryable(t *testing.T) {
	t.Parallel()
	present := presenter(slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	for _, code := range []string{"40P01", "40001"} {
		gerr := present(context.Background(), fmt.Errorf("creating appointment: %w", &pgconn.PgError{Code: code, Message: "deadlock detected"}))
		require.Equal(t, CodeConflict, gerr.Extensions["code"], code)
		require.Equal(t, true, gerr.Extensions["retry"], code)
		require.NotContains(t, gerr.Message, "deadlock")
	}
	gerr := present(context.Background(), &pgconn.PgError{Code: "42P01", Message: "no such table"})
	require.Equal(t, CodeInternal, gerr.Extensions["code"])
}
