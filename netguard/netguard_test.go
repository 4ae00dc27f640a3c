package netguard_test

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/netguard"
)

func TestPublic(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]bool{
		"8.8.8.8": true, "1.1.1.1": true, "2606:4700:4700::1111": true, "64:ff9b::808:808": true,
		"127.0.0.1": false, "::1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false,
		"169.254.169.254": false, "fe80::1": false, "fd00::1": false, "100.64.0.1": false, "0.0.0.0": false,
		"::": false, "224.0.0.1": false, "255.255.255.255": false, "::ffff:127.0.0.1": false,
		"::ffff:169.254.169.254": false, "64:ff9b::7f00:1": false, "64:ff9b::a9fe:a9fe": false, "0.1.2.3": false,
		"198.18.0.1": false, "192.0.0.170": false,
	} {
		require.Equal(t, want, netguard.Public(netip.MustParseAddr(addr)), addr)
	}
}

func TestControlRefusesLoopbackAtConnect(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	d := net.Dialer{Timeout: 2 * time.Second, Control: netguard.Control}
	ctx := context.Background()
	// By address and by a name that resolves to it: both refused before
	// any byte is sent.
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	for _, host := range []string{"127.0.0.1", "localhost"} {
		_, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, port))
		require.Error(t, err, host)
		require.True(t, errors.Is(err, netguard.ErrInternal), "%s: %v", host, err)
	}
}
