package server

import (
	"net/http/httptest"
	"net/netip"
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

// TestClientAddressBehindProxies: X-Forwarded-For is believed only from a
// trusted proxy, read from the right up to the first address that is not
// one; a client's own forged entries further left change nothing.
func TestClientAddressBehindProxies(t *testing.T) {
	t.Parallel()
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	for _, tc := range []struct {
		remote, xff, want string
		trusted           []netip.Prefix
	}{
		{"192.0.2.7:1", "203.0.113.9", "192.0.2.7", trusted},                // not from a proxy: ignored
		{"10.1.2.3:1", "203.0.113.9", "203.0.113.9", trusted},               // from the proxy
		{"10.1.2.3:1", "198.51.100.1, 203.0.113.9", "203.0.113.9", trusted}, // a forged entry on the left
		{"10.1.2.3:1", "203.0.113.9, 10.4.4.4", "203.0.113.9", trusted},     // two proxies
		{"10.1.2.3:1", "", "10.1.2.3", trusted},                             // no header: the proxy itself
		{"10.1.2.3:1", "garbage, 10.4.4.4", "10.4.4.4", trusted},            // unparseable: the last trusted hop
		{"[fd00::1]:1", "2001:db8:1:2::9", "2001:db8:1:2::/64", trusted},    // IPv6, by its /64
		{"10.1.2.3:1", "203.0.113.9", "10.1.2.3", nil},                      // no trusted proxies
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		require.Equal(t, tc.want, clientAddress(r, tc.trusted), "%s via %q", tc.remote, tc.xff)
	}
}
