package graph

import (
	"context"
	"log/slog"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
)

// transactioner runs each mutation operation in one database transaction:
// every field commits together or none does. Unlike entgql.Transactioner it
// reports a failed commit (such as a deferred rule) through the presenter,
// with a code and without database text, and the transaction begins at the
// mutation's first statement (database.WithLazyTx): slow work a field does
// before it touches the database, such as signIn's bcrypt comparison, holds
// no lock, which on SQLite is the one write lock of the whole database.
// The fields of ownSteps are the exception: each runs alone, with no
// transaction, and commits its own short ones.
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

// ownSteps are the mutation fields that commit in short transactions of
// their own instead of the mutation's, because they wait on something slow
// between them; each must be the only field of its mutation, since what it
// committed could not be rolled back with the others.
//
//   - payPortalInvoice claims the invoice with a PENDING payment, asks the
//     payment provider with no transaction open, then finishes the payment
//     (billing.Pay).
//   - addPortalCard asks the provider to keep the card with no transaction
//     open, then writes the card and its activity (billing.AddCard).
var ownSteps = map[string]bool{"payPortalInvoice": true, "addPortalCard": true}

func isMutation(oc *graphql.OperationContext) bool {
	return oc != nil && oc.Operation != nil && oc.Operation.Operation == ast.Mutation
}

// ownStep is the field of ownSteps that mutation oc asks for, if any, and
// whether oc asks for other fields too (__typename aside).
func ownStep(oc *graphql.OperationContext) (field string, others bool) {
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Mutation"}) {
		switch {
		case ownSteps[f.Name] && field == "":
			field = f.Name
		case f.Name != "__typename":
			others = true
		}
	}
	return field, others
}

// MutateOperationContext runs a mutation's fields one at a time, since they
// share one transaction, and refuses a field of ownSteps with others.
func (transactioner) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if isMutation(oc) {
		if field, others := ownStep(oc); field != "" && others {
			return &gqlerror.Error{
				Message:    field + " must be the only field of its mutation: it commits in steps of its own; send the other fields in another request",
				Extensions: map[string]any{"code": CodeBadUserInput, "field": field},
			}
		}
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

// InterceptResponse opens the transaction, and commits it only when no
// field failed; what the changes told (kith.Tell) is answered in
// extensions.warnings after the commit, and nothing of a rolled-back one.
func (t transactioner) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) || !isMutation(graphql.GetOperationContext(ctx)) {
		return next(ctx)
	}
	if field, _ := ownStep(graphql.GetOperationContext(ctx)); field != "" {
		return next(ctx)
	}
	ctx = database.WithLazyTx(ctx) // slow work before the first statement holds no lock
	ctx, notices := kith.WithNotices(ctx)
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
	rsp := next(transaction.With(ctx, tx))
	if len(rsp.Errors) > 0 {
		_ = tx.Rollback()
		return &graphql.Response{Errors: rsp.Errors}
	}
	if err := tx.Commit(); err != nil {
		return &graphql.Response{Errors: gqlerror.List{t.presenter(ctx, err)}}
	}
	if list := notices.List(); len(list) > 0 {
		if rsp.Extensions == nil {
			rsp.Extensions = map[string]any{}
		}
		rsp.Extensions["warnings"] = warnings(list)
	}
	return rsp
}

// warnings are the notices of a committed mutation as the response's
// extensions.warnings: each with its code, field, message and the IDs of
// the records it changed.
func warnings(list []kith.Notice) []map[string]any {
	out := make([]map[string]any, len(list))
	for i, n := range list {
		ids := make([]string, len(n.IDs))
		for j, id := range n.IDs {
			ids[j] = string(id)
		}
		out[i] = map[string]any{"code": n.Code, "field": n.Field, "message": n.Message, "ids": ids}
	}
	return out
}
