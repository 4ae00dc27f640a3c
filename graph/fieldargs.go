package graph

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/kith-health/kith/ent"
)

// fieldArgs is a field's arguments, parsed once per operation: the
// executor parses them again for every object the field is asked of (see
// graph/codegen, which has it call fieldArgs), and a page of 50 clients
// parsed the appointments' where input 50 times, a tenth of its CPU. The
// same field of one operation has the same arguments, since the variables
// are the operation's; resolvers only read them. An argument that does not
// parse is not kept: its error names the path of the object it was asked of.
func fieldArgs(ctx context.Context, field graphql.CollectedField, vars map[string]any,
	parse func(context.Context, map[string]any) (map[string]any, error),
) (map[string]any, error) {
	memo, _ := ctx.Value(argsKey{}).(*argsMemo)
	if memo == nil {
		return parse(ctx, field.ArgumentMap(vars))
	}
	memo.mu.Lock()
	args, ok := memo.args[field.Field]
	memo.mu.Unlock()
	if ok {
		return args, nil
	}
	args, err := parse(ctx, field.ArgumentMap(vars))
	if err != nil {
		return nil, err
	}
	memo.mu.Lock()
	memo.args[field.Field] = args
	memo.mu.Unlock()
	return args, nil
}

// argsMemo holds an operation's parsed arguments by field; the root
// Query's fields resolve side by side, hence the lock.
type argsMemo struct {
	mu   sync.Mutex
	args map[*ast.Field]map[string]any
}

type argsKey struct{}

// argsOnce gives every operation the memo of fieldArgs, and field
// collection the parse of an edge's arguments it keeps (parsedArgs).
type argsOnce struct{ es *executableSchema }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = argsOnce{}

// ExtensionName implements graphql.HandlerExtension.
func (argsOnce) ExtensionName() string { return "KithArgsOnce" }

// Validate implements graphql.HandlerExtension.
func (argsOnce) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation implements graphql.OperationInterceptor.
func (a argsOnce) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	ctx = context.WithValue(ctx, argsKey{}, &argsMemo{args: map[*ast.Field]map[string]any{}})
	return next(ent.WithParsedArgs(ctx, a.parsedArgs))
}

// fieldArgParsers are the executor's parsers of fields' arguments, by
// their names (field_<Type>_<field>_args); graph/codegen writes the init
// that fills it.
var fieldArgParsers map[string]func(*executionContext, context.Context, map[string]any) (map[string]any, error)

// parsedArgs is field's arguments as its resolver gets them, parsed by the
// executor's parser of the field (fieldArgParsers) through the operation's
// memo: field collection, which reads an edge's arguments (a client's
// appointments: first, orderBy, where) before the edge's resolver runs,
// parsed them a second time, its where input through reflection, 2% of the
// client profile's CPU. An argument that does not parse reports false, and
// collection parses it its own way; the resolver then reports the error.
func (a argsOnce) parsedArgs(ctx context.Context, field graphql.CollectedField) (map[string]any, bool) {
	oc := graphql.GetOperationContext(ctx)
	if field.ObjectDefinition == nil || oc == nil {
		return nil, false
	}
	parse := fieldArgParsers["field_"+field.ObjectDefinition.Name+"_"+field.Name+"_args"]
	if parse == nil {
		return nil, false
	}
	ec := newExecutionContext(oc, a.es, nil)
	args, err := fieldArgs(ctx, field, oc.Variables, func(ctx context.Context, raw map[string]any) (map[string]any, error) {
		return parse(ec, ctx, raw)
	})
	return args, err == nil
}
