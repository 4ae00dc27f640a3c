package graph

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRemoteIP: rate limits count an IPv6 client by its /64 network, and
// an IPv4 one (mapped into IPv6 or not) by its address.
func TestRemoteIP(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		"192.0.2.7:1234":                   "192.0.2.7",
		"[::ffff:192.0.2.7]:1234":          "192.0.2.7",
		"[2001:db8:1:2:3:4:5:6]:443":       "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff:ffff:0:1]:443": "2001:db8:1:2::/64",
		"[fe80::1%eth0]:80":                "fe80::/64",
		"pipe":                             "pipe",
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = addr
		require.Equal(t, want, remoteIP(r), addr)
	}
}
