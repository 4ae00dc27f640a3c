// Package netguard keeps kith's outgoing connections to servers that
// organisations name (IMAP mailboxes, webhook endpoints) on the public
// internet: a net.Dialer Control that refuses, after DNS and at connect
// time, addresses inside a network (loopback, private, link-local with the
// cloud metadata address, carrier-grade NAT, multicast, reserved), so that a
// name resolving to one cannot reach kith's own network (SSRF).
package netguard

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
)

// ErrInternal is Control's error for an address inside a network rather
// than on the internet, and for one it cannot read.
var ErrInternal = errors.New("the address is a private or internal network address, which kith does not connect to")

// internal are the ranges Public refuses beside those net/netip names:
// "this network" (RFC 791), carrier-grade NAT (RFC 6598), IETF protocol
// assignments (RFC 6890), benchmarking (RFC 2544), documentation,
// reserved (RFC 1112) and the broadcast address; NAT64's well-known prefix
// is checked by the IPv4 address it embeds.
var internal = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("2001:db8::/32"),
}

// nat64 is the well-known NAT64 prefix (RFC 6052): its last 32 bits are an
// IPv4 address.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// Public reports whether ip is an address on the public internet.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	if nat64.Contains(ip) {
		b := ip.As16()
		return Public(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
	}
	for _, p := range internal {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// Control is a net.Dialer Control: it refuses with ErrInternal (wrapped
// with the address) a connection to an address that is not Public. It runs
// after name resolution, for each address tried, so a name that resolves
// (or later re-resolves) to an internal address is refused too.
func Control(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		host = address
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !Public(ip) {
		return fmt.Errorf("connecting to %s: %w", host, ErrInternal)
	}
	return nil
}
