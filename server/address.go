package server

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientAddress is the client's address as rate limits count it (see
// remoteIP): the connection's, unless that is one of the trusted proxies;
// then the nearest address in X-Forwarded-For, read from the right, that is
// not a trusted proxy itself. An entry that does not parse ends the walk at
// the last trusted hop, so a client cannot pass for another by writing the
// header itself: only what the trusted proxies appended is believed.
func clientAddress(r *http.Request, trusted []netip.Prefix) string {
	if len(trusted) == 0 {
		return remoteIP(r)
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !inPrefixes(peer, trusted) {
		return remoteIP(r)
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		addr, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		peer = addr
		if !inPrefixes(peer, trusted) {
			break
		}
	}
	return addressKey(peer)
}

// inPrefixes reports whether addr lies in one of prefixes.
func inPrefixes(addr netip.Addr, prefixes []netip.Prefix) bool {
	addr = addr.Unmap().WithZone("")
	for _, p := range prefixes {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// remoteIP is the address the request came from, without its port, as
// rate limits count it: an IPv4 address whole, an IPv6 address by its /64
// network, since one subscriber holds a whole /64 and could otherwise take
// a fresh budget with every address in it.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	return addressKey(addr)
}

// addressKey is how rate limits name addr: an IPv4 address whole, an IPv6
// one by its /64.
func addressKey(addr netip.Addr) string {
	addr = addr.Unmap().WithZone("")
	if addr.Is6() {
		return netip.PrefixFrom(addr, 64).Masked().String()
	}
	return addr.String()
}
