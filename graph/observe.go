package graph

import (
	"cmp"
	"context"
	"regexp"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/kith-health/kith/observe"
)

// operationLabel names op for metrics, spans and the access log with
// values from a set the schema bounds, since the operation's own name is
// whatever the client wrote: its type and first top-level field (fields
// of fragments on the root included, aliases not), with "+" when other
// fields follow, such as "query:me", "mutation:signIn" or
// "query:appointments+"; "invalid" when there is no operation (the
// request did not parse or validate). Only a validated document names
// fields, and they are the schema's.
func operationLabel(op *ast.OperationDefinition) string {
	if op == nil {
		return "invalid"
	}
	first, more := "", false
	seen := map[string]bool{}
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, s := range set {
			switch s := s.(type) {
			case *ast.Field:
				switch {
				case s.Name == "__typename":
				case first == "":
					first = s.Name
				case s.Name != first:
					more = true
				}
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				// Each fragment once: it names the same fields every time,
				// and fragments spreading the one before twice would
				// otherwise walk for ever.
				if s.Definition != nil && !seen[s.Name] {
					seen[s.Name] = true
					walk(s.Definition.SelectionSet)
				}
			}
		}
	}
	walk(op.SelectionSet)
	label := string(op.Operation) + ":" + cmp.Or(first, "__typename")
	if more {
		label += "+"
	}
	return label
}

// graphqlName is how a GraphQL name looks; the client's operation name is
// logged only when it is one, of at most 64 characters.
var graphqlName = regexp.MustCompile(`^[_A-Za-z][_0-9A-Za-z]{0,63}$`)

// noteOperation records the operation of oc in the request's access-log
// record (observe.Request).
func noteOperation(ctx context.Context, oc *graphql.OperationContext) {
	if oc == nil || oc.Operation == nil {
		return
	}
	name := ""
	if graphqlName.MatchString(oc.Operation.Name) {
		name = oc.Operation.Name
	}
	observe.RequestFrom(ctx).SetOperation(operationLabel(oc.Operation), name)
}

// noteErrors records the codes of errs, answered to the request of ctx, in
// its access-log record.
func noteErrors(ctx context.Context, errs gqlerror.List) {
	req := observe.RequestFrom(ctx)
	if req == nil {
		return
	}
	for _, e := range errs {
		code, _ := e.Extensions["code"].(string)
		req.AddCodes(cmp.Or(code, "UNCODED"))
	}
}

// operationTracer gives each GraphQL operation that runs a span, a child
// of the request's HTTP span and the parent of its statements' spans,
// named by operationLabel. It carries the operation's type and label, the
// client's name for it when safe, and the codes of its errors: never its
// variables or document.
type operationTracer struct{ tracer trace.Tracer }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = operationTracer{}

// ExtensionName implements graphql.HandlerExtension.
func (operationTracer) ExtensionName() string { return "KithOperationTracer" }

// Validate implements graphql.HandlerExtension.
func (operationTracer) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation implements graphql.OperationInterceptor: the span
// ends once the answer is made.
func (t operationTracer) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	label := operationLabel(oc.Operation)
	attrs := []attribute.KeyValue{
		attribute.String("graphql.operation.type", string(oc.Operation.Operation)),
		attribute.String("kith.graphql.operation", label),
	}
	if graphqlName.MatchString(oc.Operation.Name) {
		attrs = append(attrs, attribute.String("graphql.operation.name", oc.Operation.Name))
	}
	ctx, span := t.tracer.Start(ctx, label, trace.WithAttributes(attrs...))
	var once sync.Once
	end := func(resp *graphql.Response) {
		once.Do(func() {
			if resp != nil && len(resp.Errors) > 0 {
				errCodes := make([]string, 0, len(resp.Errors))
				for _, e := range resp.Errors {
					code, _ := e.Extensions["code"].(string)
					errCodes = append(errCodes, code)
					if code == CodeInternal {
						span.SetStatus(codes.Error, CodeInternal)
					}
				}
				span.SetAttributes(attribute.StringSlice("kith.graphql.error_codes", errCodes))
			}
			span.End()
		})
	}
	h := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		resp := h(ctx)
		end(resp)
		return resp
	}
}
