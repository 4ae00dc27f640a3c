package graph

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
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

// argsOnce gives every operation the memo of fieldArgs.
type argsOnce struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = argsOnce{}

// ExtensionName implements graphql.HandlerExtension.
func (argsOnce) ExtensionName() string { return "KithArgsOnce" }

// Validate implements graphql.HandlerExtension.
func (argsOnce) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation implements graphql.OperationInterceptor.
func (argsOnce) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	return next(context.WithValue(ctx, argsKey{}, &argsMemo{args: map[*ast.Field]map[string]any{}}))
}
