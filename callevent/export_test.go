package callevent

import "context"

// Channel is the hub's NOTIFY channel, for tests that find its connection.
func (h *Hub) Channel(ctx context.Context) (string, error) { return h.channels.get(ctx) }
