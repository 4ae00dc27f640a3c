package graph

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/privacy"
	"github.com/kith-health/kith/observe"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// Error codes in extensions.code.
const (
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	CodeNotFound        = "NOT_FOUND"
	CodeConflict        = "CONFLICT"
	CodeRateLimited     = "RATE_LIMITED"
	CodeSlotTaken       = "SLOT_TAKEN"
	CodeInternal        = "INTERNAL"
)

// presenter maps every error a resolver returns to a GraphQL error with a
// code, the field at fault and a sentence a person understands. It is the
// one place errors become codes. Anything unexpected is logged and answered
// with INTERNAL and the request ID only.
//
// A RATE_LIMITED error is counted in m by the field whose limit refused it.
func presenter(log *slog.Logger, m *observe.Metrics) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		if gerr.Extensions["code"] == CodeNotFound && gerr.Extensions["field"] == nil {
			return nodeNotFound(ctx, gerr) // entgql's node and nodes
		}
		if gerr.Extensions != nil && gerr.Extensions["code"] != nil {
			return variableError(ctx, gerr) // gqlgen's own parse and validation errors
		}
		set := func(code, msg string, ext map[string]any) *gqlerror.Error {
			gerr.Message = msg
			gerr.Extensions = map[string]any{"code": code}
			for k, v := range ext {
				gerr.Extensions[k] = v
			}
			return gerr
		}
		var (
			ve  *kith.ValidationError
			ce  *kith.ConflictError
			nf  *kith.NotFoundError
			eve *ent.ValidationError
		)
		switch {
		case errors.As(err, &ve):
			return set(CodeBadUserInput, ve.Message, map[string]any{"field": ve.Field})
		case errors.As(err, &ce):
			ext := map[string]any{"field": ce.Field}
			if len(ce.Candidates) > 0 {
				ext["candidates"] = ce.Candidates
			}
			return set(CodeConflict, ce.Message, ext)
		case errors.As(err, &nf):
			return set(CodeNotFound, notFoundMessage(nf.ID), map[string]any{"field": nf.Field})
		case errors.Is(err, kith.ErrUnauthenticated):
			return set(CodeUnauthenticated, kith.ErrUnauthenticated.Error(), nil)
		case errors.Is(err, kith.ErrStaffOnly), errors.Is(err, kith.ErrPortalOnly), errors.Is(err, kith.ErrNotAPerson):
			return set(CodeForbidden, err.Error(), nil)
		case errors.Is(err, kith.ErrForbidden):
			return set(CodeForbidden, kith.ErrForbidden.Error(), nil)
		case errors.Is(err, kith.ErrNotConfigured):
			return set(CodeForbidden, err.Error(), nil) // the server's setting, not the caller's input
		case errors.Is(err, kith.ErrSlotTaken):
			return set(CodeSlotTaken, kith.ErrSlotTaken.Error(), map[string]any{"field": "startsAt"})
		case errors.Is(err, kith.ErrRateLimited):
			m.RateLimited(limitName(ctx))
			return set(CodeRateLimited, kith.ErrRateLimited.Error(), nil)
		case errors.Is(err, kith.ErrNotFound), ent.IsNotFound(err), ent.IsNotSingular(err):
			return set(CodeNotFound, "not found", nil)
		case errors.Is(err, privacy.Deny):
			if viewer.FromContext(ctx) == nil {
				return set(CodeUnauthenticated, kith.ErrUnauthenticated.Error(), nil)
			}
			return set(CodeForbidden, kith.ErrForbidden.Error(), nil)
		case errors.As(err, &eve):
			// A field's validator, or a required field left out: the
			// validator's own sentence, never ent's wording.
			v := schematype.FieldValidation(eve.Name, eve.Unwrap())
			return set(CodeBadUserInput, v.Message, map[string]any{"field": v.Field})
		case database.IsConcurrencyConflict(err):
			return set(CodeConflict, "another change to the same records was made at the same moment, and nothing of this one was written: send it again",
				map[string]any{"retry": true})
		case ent.IsConstraintError(err):
			return set(CodeConflict, "this would duplicate an existing record", nil)
		case gerr.Message == "introspection disabled":
			return set(CodeForbidden, "schema introspection is turned off on this server", nil)
		case isArgumentError(ctx):
			return set(CodeBadUserInput, argumentMessage(ctx, gerr), map[string]any{"field": argumentPath(ctx, gerr)})
		}
		id := observe.RequestID(ctx)
		log.ErrorContext(ctx, "request failed", "request_id", id, "operation", operationName(ctx), "err", err)
		return set(CodeInternal, "something went wrong on our side; quote request "+id+" if you report it", map[string]any{"requestId": id})
	}
}

// limitName names the rate limit that refused the field of ctx by the
// field's name in the schema (signIn, requestPortalSignIn, a booking
// widget field), or "request" outside a field.
func limitName(ctx context.Context) string {
	if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Field.Field != nil {
		return fc.Field.Name
	}
	return "request"
}

// notFoundMessage says that nothing was found with id, quoting id only
// when it is shaped like a kith ID: an answer never repeats more of the
// request than that.
func notFoundMessage(id pulid.ID) string {
	if id.WellFormed() {
		return "nothing with ID " + string(id) + " was found"
	}
	return "nothing with that ID was found"
}

// nodeNotFound rewrites entgql's answer for node(id:) or nodes(ids:) when
// an ID names nothing the viewer may see ("Could not resolve to a node
// with the global id of …", the whole ID repeated) as kith's NOT_FOUND,
// on the argument: id, or ids.N for the Nth of nodes.
func nodeNotFound(ctx context.Context, gerr *gqlerror.Error) *gqlerror.Error {
	field, id := "id", pulid.ID("")
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		if v, ok := fc.Args["id"].(pulid.ID); ok {
			id = v
		}
		if ids, ok := fc.Args["ids"].([]pulid.ID); ok {
			i := -1
			if pc := graphql.GetPathContext(ctx); pc != nil && pc.Index != nil {
				i = *pc.Index
			} else if len(ids) == 1 { // nodes looks one ID up as node does
				i = 0
			}
			field = "ids"
			if i >= 0 && i < len(ids) {
				field, id = "ids."+strconv.Itoa(i), ids[i]
			}
		}
	}
	gerr.Message = notFoundMessage(id)
	gerr.Extensions = map[string]any{"code": CodeNotFound, "field": field}
	return gerr
}

// isArgumentError reports whether the error came from reading a field's
// arguments (a malformed ID, enum or time), before any resolver ran.
func isArgumentError(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	return fc != nil && fc.Args == nil && len(fc.Field.Arguments) > 0
}

// argumentPath names the argument at fault in the style of every other
// extensions.field: dotted, with list indexes as numbers, and relative to
// the argument named input ("startsAt", "contacts.0.email", "ids.1").
func argumentPath(ctx context.Context, gerr *gqlerror.Error) string {
	field := graphql.GetFieldContext(ctx).Path()
	rest := gerr.Path
	if len(rest) > len(field) {
		rest = rest[len(field):]
	}
	parts := make([]string, 0, len(rest))
	for _, el := range rest {
		switch el := el.(type) {
		case ast.PathName:
			parts = append(parts, string(el))
		case ast.PathIndex:
			parts = append(parts, strconv.Itoa(int(el)))
		}
	}
	if len(parts) > 1 && parts[0] == "input" {
		parts = parts[1:]
	}
	return strings.Join(parts, ".")
}

// recoverer turns a panic into an error the presenter reports as INTERNAL.
func recoverer(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic", "request_id", observe.RequestID(ctx), "operation", operationName(ctx), "panic", p)
		return errors.New("internal error")
	}
}
