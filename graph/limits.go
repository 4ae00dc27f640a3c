package graph

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// limits refuses, after validation and before any resolver runs, an
// operation nested deeper than maxDepth, a selection set asking for more
// than maxFields fields (counting aliases, and the fields its fragments
// bring), a page larger than maxPage and an operation whose cost exceeds
// maxCost. Cost counts one per field, times the size of every list it sits
// in: a connection's first or last (maxPage when absent), nodes' ids, and
// listGuess for other lists. Its arithmetic saturates, so no nesting can
// wrap it around, and each fragment is measured once, so no document can
// make the measuring itself costly.
type limits struct {
	maxPage   int
	maxCost   int
	maxDepth  int
	maxFields int
}

// listGuess is the assumed length of lists that take no size, such as
// recipients. Introspection is costed apart (see schemaCost).
const listGuess = 10

// schemaCost is the cost of reading the schema (__schema): introspection
// reads no records, and gqlparser's MaxIntrospectionDepth rule already
// stops its lists from nesting more than three deep, so its lists do not
// multiply, but each full read of the schema counts this much.
const schemaCost = 1000

// exact is where costs stop being told as numbers: beyond it a JSON
// number may not keep its digits (and the cost may have saturated).
const exact = 1 << 53

// saturated is where cost stops counting: any cost this high is far over every limit.
const saturated = math.MaxInt64

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = limits{}

// ExtensionName implements graphql.HandlerExtension.
func (limits) ExtensionName() string { return "KithLimits" }

// Validate implements graphql.HandlerExtension.
func (limits) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator. gqlgen
// calls it once per operation, before executing any field.
func (l limits) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	m := measurer{limits: l, vars: oc.Variables, frags: map[string]measure{}, keys: map[string]map[string]bool{}}
	got, err := m.set(oc.Operation.SelectionSet, nil)
	if err != nil {
		return err
	}
	if got.depth > l.maxDepth {
		return &gqlerror.Error{
			Message: fmt.Sprintf("the query nests fields %d deep, more than the limit of %d; ask for fewer levels at once and follow up with node(id:) for the rest",
				got.depth, l.maxDepth),
			Extensions: map[string]any{"code": CodeBadUserInput, "depth": got.depth, "limit": l.maxDepth},
		}
	}
	if got.cost > l.maxCost {
		ext := map[string]any{"code": CodeBadUserInput, "limit": l.maxCost}
		msg := fmt.Sprintf("the query would cost far more than the limit of %d; ask for smaller pages, fewer fields or fewer levels of lists", l.maxCost)
		if got.cost < exact {
			ext["cost"] = got.cost
			msg = fmt.Sprintf("the query would cost %d, more than the limit of %d; ask for smaller pages or fewer fields", got.cost, l.maxCost)
		}
		return &gqlerror.Error{Message: msg, Extensions: ext}
	}
	return nil
}

// measure is what limits counts in a selection set: its cost, and how deep
// its fields nest (1 for a set of leaves).
type measure struct {
	cost  int
	depth int
}

// measurer walks one operation. Fragments are measured once each and
// remembered: a fragment's measure does not depend on where it is spread.
type measurer struct {
	limits
	vars  map[string]any
	frags map[string]measure
	keys  map[string]map[string]bool // the response keys each fragment adds to a set
}

// set measures a selection set, first checking how many fields it asks
// for; path is the response path to it, for errors.
func (m *measurer) set(set ast.SelectionSet, path ast.Path) (measure, *gqlerror.Error) {
	if n := len(m.responseKeys(set, map[string]bool{})); n > m.maxFields {
		where := "the query"
		if len(path) > 0 {
			where = path.String()
		}
		return measure{}, &gqlerror.Error{
			Message: fmt.Sprintf("%s asks for %d fields at one level, more than the limit of %d; ask for fewer fields or aliases",
				where, n, m.maxFields),
			Path:       path,
			Extensions: map[string]any{"code": CodeBadUserInput, "fields": n, "limit": m.maxFields},
		}
	}
	var total measure
	for _, sel := range set {
		var (
			c   measure
			err *gqlerror.Error
		)
		switch s := sel.(type) {
		case *ast.Field:
			c, err = m.field(s, path)
		case *ast.InlineFragment:
			c, err = m.set(s.SelectionSet, path)
		case *ast.FragmentSpread:
			c, err = m.fragment(s, path)
		}
		if err != nil {
			return measure{}, err
		}
		total.cost = add(total.cost, c.cost)
		total.depth = max(total.depth, c.depth)
	}
	return total, nil
}

// fragment measures a named fragment once, however often it is spread.
func (m *measurer) fragment(s *ast.FragmentSpread, path ast.Path) (measure, *gqlerror.Error) {
	if s.Definition == nil {
		return measure{}, nil
	}
	if c, ok := m.frags[s.Name]; ok {
		return c, nil
	}
	c, err := m.set(s.Definition.SelectionSet, path)
	if err != nil {
		return measure{}, err
	}
	m.frags[s.Name] = c
	return c, nil
}

// responseKeys adds to keys the response keys (alias or name) set asks
// for, with those of its fragments, which merge into the same object.
func (m *measurer) responseKeys(set ast.SelectionSet, keys map[string]bool) map[string]bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			keys[s.Alias] = true
		case *ast.InlineFragment:
			m.responseKeys(s.SelectionSet, keys)
		case *ast.FragmentSpread:
			if s.Definition == nil {
				continue
			}
			fk, ok := m.keys[s.Name]
			if !ok {
				fk = map[string]bool{}
				m.keys[s.Name] = fk // before walking: validation has ruled out cycles
				m.responseKeys(s.Definition.SelectionSet, fk)
			}
			for k := range fk {
				keys[k] = true
			}
		}
	}
	return keys
}

func (m *measurer) field(f *ast.Field, parent ast.Path) (measure, *gqlerror.Error) {
	path := append(parent[:len(parent):len(parent)], ast.PathName(f.Alias))
	children, err := m.set(f.SelectionSet, path)
	if err != nil {
		return measure{}, err
	}
	n := 1
	if f.Definition != nil {
		args := f.ArgumentMap(m.vars)
		switch {
		case f.ObjectDefinition != nil && strings.HasPrefix(f.ObjectDefinition.Name, "__"):
			// inside introspection: see schemaCost
		case f.Name == "__schema":
			return measure{cost: add(schemaCost, children.cost), depth: 1 + children.depth}, nil
		case strings.HasSuffix(f.Definition.Type.Name(), "Connection"):
			n = m.maxPage
			for _, name := range []string{"first", "last"} {
				if v, ok := args[name].(int64); ok {
					if err := m.pageSize(name, v, path); err != nil {
						return measure{}, err
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
				if err := m.pageSize("first", v, path); err != nil {
					return measure{}, err
				}
				n = int(v)
			}
		}
	}
	return measure{cost: add(1, mul(n, children.cost)), depth: 1 + children.depth}, nil
}

// pageSize refuses a first or last outside 0 to maxPage.
func (m *measurer) pageSize(name string, v int64, path ast.Path) *gqlerror.Error {
	if v >= 0 && v <= int64(m.maxPage) {
		return nil
	}
	return &gqlerror.Error{
		Message:    fmt.Sprintf("%s must be between 0 and %d", name, m.maxPage),
		Path:       path,
		Extensions: map[string]any{"code": CodeBadUserInput, "field": name, "limit": m.maxPage},
	}
}

// add is a+b for costs (never negative), stopping at saturated.
func add(a, b int) int {
	if a > saturated-b {
		return saturated
	}
	return a + b
}

// mul is a*b for costs (never negative), stopping at saturated.
func mul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > saturated/b {
		return saturated
	}
	return a * b
}
