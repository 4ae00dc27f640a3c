package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// limits refuses, before anything runs, a page larger than maxPage and an
// operation whose cost exceeds maxCost. Cost counts one per field, times the
// size of every list it sits in: a connection's first or last (maxPage when
// absent), nodes' ids, and listGuess for other lists.
type limits struct {
	maxPage int
	maxCost int
}

// listGuess is the assumed length of lists that take no size, such as recipients.
const listGuess = 10

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = limits{}

// ExtensionName implements graphql.HandlerExtension.
func (limits) ExtensionName() string { return "KithLimits" }

// Validate implements graphql.HandlerExtension.
func (limits) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator.
func (l limits) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	cost, err := l.cost(oc.Operation.SelectionSet, oc.Variables)
	if err != nil {
		return err
	}
	if cost > l.maxCost {
		return &gqlerror.Error{
			Message:    fmt.Sprintf("the query would cost %d, more than the limit of %d; ask for smaller pages or fewer fields", cost, l.maxCost),
			Extensions: map[string]any{"code": CodeBadUserInput, "cost": cost, "limit": l.maxCost},
		}
	}
	return nil
}

func (l limits) cost(set ast.SelectionSet, vars map[string]any) (int, *gqlerror.Error) {
	total := 0
	for _, sel := range set {
		var (
			c   int
			err *gqlerror.Error
		)
		switch s := sel.(type) {
		case *ast.Field:
			c, err = l.fieldCost(s, vars)
		case *ast.InlineFragment:
			c, err = l.cost(s.SelectionSet, vars)
		case *ast.FragmentSpread:
			c, err = l.cost(s.Definition.SelectionSet, vars)
		}
		if err != nil {
			return 0, err
		}
		total += c
	}
	return total, nil
}

func (l limits) fieldCost(f *ast.Field, vars map[string]any) (int, *gqlerror.Error) {
	children, err := l.cost(f.SelectionSet, vars)
	if err != nil {
		return 0, err
	}
	n := 1
	if f.Definition != nil {
		args := f.ArgumentMap(vars)
		switch {
		case strings.HasSuffix(f.Definition.Type.Name(), "Connection"):
			n = l.maxPage
			for _, name := range []string{"first", "last"} {
				if v, ok := args[name].(int64); ok {
					if v < 0 || int(v) > l.maxPage {
						return 0, &gqlerror.Error{
							Message:    fmt.Sprintf("%s must be between 0 and %d", name, l.maxPage),
							Path:       ast.Path{ast.PathName(f.Alias)},
							Extensions: map[string]any{"code": CodeBadUserInput, "field": name},
						}
					}
					n = int(v)
				}
			}
		case strings.HasSuffix(f.Definition.Type.Name(), "Edge"):
			// a connection's edges: already counted by its first or last
		case f.Definition.Type.Elem != nil:
			n = listGuess
			if ids, ok := args["ids"].([]any); ok {
				n = len(ids)
			}
			if v, ok := args["first"].(int64); ok {
				if v < 0 || int(v) > l.maxPage {
					return 0, &gqlerror.Error{
						Message:    fmt.Sprintf("first must be between 0 and %d", l.maxPage),
						Extensions: map[string]any{"code": CodeBadUserInput, "field": "first"},
					}
				}
				n = int(v)
			}
		}
	}
	return 1 + n*children, nil
}
