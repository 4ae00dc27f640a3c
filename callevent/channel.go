package callevent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"

	"github.com/kith-health/kith/database"
)

// channelPrefix starts the name of every call events channel.
const channelPrefix = "kith_calls_"

// channelName is the NOTIFY channel of a PostgreSQL database schema:
// instances on one schema share it, and schemas of one database (the
// tests') do not hear each other. It is read once, then kept.
type channelName struct {
	db   *database.DB
	mu   sync.Mutex
	name string
}

// get is the channel: channelPrefix and the first 16 hex digits of the
// SHA-256 of current_schema().
func (c *channelName) get(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.name != "" {
		return c.name, nil
	}
	var schema string
	if err := c.db.SQL.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return "", fmt.Errorf("reading the database schema for call events: %w", err)
	}
	sum := sha256.Sum256([]byte(schema))
	c.name = channelPrefix + hex.EncodeToString(sum[:])[:16]
	return c.name, nil
}
