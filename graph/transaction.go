package graph

import (
	"context"
	"log/slog"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/kith-health/kith/ent"
)

// transactioner runs each mutation operation in one database transaction:
// every field commits together or none does. Unlike entgql.Transactioner it
// reports a failed commit (such as a deferred rule) through the presenter,
// with a code and without database text.
type transactioner struct {
	client    *ent.Client
	presenter graphql.ErrorPresenterFunc
	log       *slog.Logger
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.ResponseInterceptor
} = transactioner{}

// ExtensionName implements graphql.HandlerExtension.
func (transactioner) ExtensionName() string { return "KithTransactioner" }

// Validate implements graphql.HandlerExtension.
func (transactioner) Validate(graphql.ExecutableSchema) error { return nil }

func isMutation(oc *graphql.OperationContext) bool {
	return oc != nil && oc.Operation != nil && oc.Operation.Operation == ast.Mutation
}

// MutateOperationContext runs a mutation's fields one at a time, since they share one transaction.
func (transactioner) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if isMutation(oc) {
		previous := oc.ResolverMiddleware
		var mu sync.Mutex
		oc.ResolverMiddleware = func(ctx context.Context, next graphql.Resolver) (any, error) {
			mu.Lock()
			defer mu.Unlock()
			return previous(ctx, next)
		}
	}
	return nil
}

// InterceptResponse opens the transaction, and commits it only when no field failed.
func (t transactioner) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) || !isMutation(graphql.GetOperationContext(ctx)) {
		return next(ctx)
	}
	tx, err := t.client.Tx(ctx)
	if err != nil {
		return &graphql.Response{Errors: gqlerror.List{t.presenter(ctx, err)}}
	}
	defer func() {
		if r := recover(); r != nil {
			_ = tx.Rollback()
			panic(r)
		}
	}()
	rsp := next(ent.NewTxContext(ent.NewContext(ctx, tx.Client()), tx))
	if len(rsp.Errors) > 0 {
		_ = tx.Rollback()
		return &graphql.Response{Errors: rsp.Errors}
	}
	if err := tx.Commit(); err != nil {
		return &graphql.Response{Errors: gqlerror.List{t.presenter(ctx, err)}}
	}
	return rsp
}
