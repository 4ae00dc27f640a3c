// Package graph is kith's GraphQL API: the gqlgen resolvers and the
// extensions around them — kith's GraphQL-over-HTTP transports and the
// shape of their error answers, the error presenter (the one place errors
// become codes), cost, depth, width, argument and introspection limits,
// query caches and persisted queries, cursors, the widget's rate limit,
// the transaction of each mutation, and operation labels and spans.
// NewHandler builds it as the http.Handler of /graphql; package server
// routes to it, and authenticates and answers CORS in front of it.
package graph

import (
	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/billing/cardprocessor"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/event"
	"github.com/kith-health/kith/mailimport"
	"github.com/kith-health/kith/notifier/compose"
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
	Payments cardprocessor.Provider
	// Mail connects and lists the practice's shared mailboxes.
	Mail *mailimport.Service
	// Events manages webhook endpoints and their deliveries.
	Events *event.Service
}
