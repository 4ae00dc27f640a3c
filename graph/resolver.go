// Package graph serves kith's GraphQL API: the gqlgen resolvers, the error
// mapping, limits and transactions, and the HTTP handler that carries them.
package graph

import (
	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/payment"
	"github.com/kith-health/kith/portal"
)

// Resolver wires the resolvers' dependencies; it holds no logic.
type Resolver struct {
	// DB is the ent client; mutations use the transaction in their context instead.
	DB *ent.Client
	// Auth signs staff in and out.
	Auth *auth.Service
	// Links are the public addresses messages point to.
	Links compose.Links
	// Portal runs portal invitations, sign-ins and sessions.
	Portal *portal.Service
	// Payments charges cards and keeps saved cards (package billing).
	Payments payment.Provider
}
