package graph

import (
	"context"

	"github.com/kith-health/kith/pulid"
)

// What the API reads of the HTTP request besides the viewer: package
// server's authentication puts it in the context before /graphql runs.

type (
	clientAddressKey struct{}
	actingClientKey  struct{}
)

// WithClientAddress returns ctx carrying the client's address as rate
// limits count it (package server works it out from the connection and
// the trusted proxies' X-Forwarded-For).
func WithClientAddress(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientAddressKey{}, addr)
}

// WithActingClient returns ctx carrying the client a portal request names
// in its X-Kith-Client header, unchecked: the portal decides whether the
// viewer may act for it.
func WithActingClient(ctx context.Context, id pulid.ID) context.Context {
	return context.WithValue(ctx, actingClientKey{}, id)
}

// clientIP is the IP address the request came from, for rate limits.
func clientIP(ctx context.Context) string {
	ip, _ := ctx.Value(clientAddressKey{}).(string)
	return ip
}

// actingHeader is the client a portal request named in X-Kith-Client.
func actingHeader(ctx context.Context) pulid.ID {
	id, _ := ctx.Value(actingClientKey{}).(pulid.ID)
	return id
}
