package mailbox

import (
	"errors"
	"io"
	"net"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCappedConnStopsAServerThatSendsTooMuch: past its cap a session's
// reads fail, whatever the server keeps sending.
func TestCappedConnStopsAServerThatSendsTooMuch(t *testing.T) {
	t.Parallel()
	server, client := net.Pipe()
	t.Cleanup(func() { server.Close(); client.Close() })
	go func() {
		chunk := make([]byte, 4096)
		for {
			if _, err := server.Write(chunk); err != nil {
				return
			}
		}
	}()
	c := &cappedConn{Conn: client, left: 10_000}
	n, err := io.Copy(io.Discard, c)
	require.True(t, errors.Is(err, errTooMuch), "%v", err)
	require.Equal(t, int64(10_000), n)
}
