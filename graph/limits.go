package graph

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
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
//
// Introspection (__schema, __type) is costed apart, against maxIntro: its
// cost is the exact size of its answer, measured on the schema (see
// introspector), so that neither aliases nor lists of types and fields
// inside it can make an answer of hundreds of megabytes.
//
// The fields are also counted before validation, repeats included (see
// MutateOperationParameters).
type limits struct {
	maxPage   int
	maxCost   int
	maxDepth  int
	maxFields int
	maxTokens int
	maxIntro  int
	schema    *ast.Schema
	// parsed is the executor's cache of valid documents: those in it have
	// passed the count before validation already.
	parsed graphql.Cache[*ast.QueryDocument]
}

// listGuess is the assumed length of lists that take no size, such as
// recipients. Introspection is costed apart (see introspector).
const listGuess = 10

// exact is where costs stop being told as numbers: beyond it a JSON
// number may not keep its digits (and the cost may have saturated).
const exact = 1 << 53

// saturated is where cost stops counting: any cost this high is far over every limit.
const saturated = math.MaxInt64

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
} = limits{}

// ExtensionName implements graphql.HandlerExtension.
func (limits) ExtensionName() string { return "KithLimits" }

// Validate implements graphql.HandlerExtension.
func (limits) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters implements graphql.OperationParameterMutator:
// before gqlgen parses and validates a document it has not seen, it counts
// the fields of each selection set as the executor will merge them (the
// fields of one response key and of the fragments spread there together),
// repeats included, at most twice maxFields, and how many that makes in
// all, at most expandBudget. gqlparser compares the fields of a merged set
// that share a response key pairwise: 5,000 repeats of __typename, or 50
// aliases s: __schema { queryType { … 90 fields … } }, took seconds to
// validate.
func (l limits) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if l.parsed != nil {
		if _, ok := l.parsed.Get(ctx, p.Query); ok {
			return nil
		}
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, l.maxTokens)
	if err != nil {
		return nil // the executor parses it again and says what is wrong
	}
	pc := precount{limits: l, frags: map[string]*ast.FragmentDefinition{}, budget: expandBudget}
	for _, f := range doc.Fragments {
		pc.frags[f.Name] = f
	}
	for _, op := range doc.Operations {
		if err := pc.set(pc.flatten(op.SelectionSet, nil, map[string]bool{}), nil); err != nil {
			return err
		}
	}
	return nil
}

// expandBudget caps the fields a document may expand to through its
// fragments, before validation; each costs at least 1 unless in an empty
// page, so no document within the cost limit comes near it.
const expandBudget = 100_000

// precount counts fields before validation: fragments are not yet
// checked, so it follows them by name, once per selection set, and stops
// below maxDepth (deeper is refused after validation).
type precount struct {
	limits
	frags  map[string]*ast.FragmentDefinition
	budget int
}

// set refuses fields, one merged selection set, when they are too many,
// then does the same for the merged selection set of each response key.
func (pc *precount) set(fields []*ast.Field, path ast.Path) *gqlerror.Error {
	if len(fields) > 2*pc.maxFields {
		return tooManyFields(path, len(fields), 2*pc.maxFields)
	}
	if pc.budget -= len(fields); pc.budget < 0 {
		return &gqlerror.Error{
			Message:    fmt.Sprintf("the query expands to more than %d fields through its fragments; ask for fewer", expandBudget),
			Extensions: map[string]any{"code": CodeBadUserInput, "limit": expandBudget},
		}
	}
	if len(path) >= pc.maxDepth {
		return nil
	}
	var keys []string
	merged := map[string][]*ast.Field{}
	for _, f := range fields {
		key := cmp.Or(f.Alias, f.Name)
		if _, ok := merged[key]; !ok {
			keys = append(keys, key)
		}
		merged[key] = pc.flatten(f.SelectionSet, merged[key], map[string]bool{})
	}
	for _, key := range keys {
		if err := pc.set(merged[key], append(path[:len(path):len(path)], ast.PathName(key))); err != nil {
			return err
		}
	}
	return nil
}

// flatten appends to out the fields set writes, with those of its inline
// fragments and of the named fragments it spreads (each once: seen).
func (pc *precount) flatten(set ast.SelectionSet, out []*ast.Field, seen map[string]bool) []*ast.Field {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			out = append(out, s)
		case *ast.InlineFragment:
			out = pc.flatten(s.SelectionSet, out, seen)
		case *ast.FragmentSpread:
			if f := pc.frags[s.Name]; f != nil && !seen[s.Name] {
				seen[s.Name] = true
				out = pc.flatten(f.SelectionSet, out, seen)
			}
		}
	}
	return out
}

// tooManyFields is the refusal of a selection set at path with n fields.
func tooManyFields(path ast.Path, n, limit int) *gqlerror.Error {
	where := "the query"
	if len(path) > 0 {
		where = path.String()
	}
	return &gqlerror.Error{
		Message:    fmt.Sprintf("%s asks for %d fields at one level, more than the limit of %d; ask for fewer fields or aliases", where, n, limit),
		Path:       path,
		Extensions: map[string]any{"code": CodeBadUserInput, "fields": n, "limit": limit},
	}
}

// MutateOperationContext implements graphql.OperationContextMutator. gqlgen
// calls it once per operation, before executing any field.
func (l limits) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	m := measurer{limits: l, vars: oc.Variables, frags: map[string]measure{}, keys: map[string]map[string]bool{}}
	got, err := m.set(oc.Operation.SelectionSet, nil)
	if err != nil {
		return err
	}
	if got.intro > l.maxIntro {
		ext := map[string]any{"code": CodeBadUserInput, "limit": l.maxIntro}
		msg := fmt.Sprintf("the query's introspection would answer far more than the limit of %d fields; ask for fewer types, fields or aliases at once", l.maxIntro)
		if got.intro < exact {
			ext["cost"] = got.intro
			msg = fmt.Sprintf("the query's introspection would answer %d fields, more than the limit of %d; ask for fewer types, fields or aliases at once", got.intro, l.maxIntro)
		}
		return &gqlerror.Error{Message: msg, Extensions: ext}
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

// measure is what limits counts in a selection set: its cost, the cost of
// its introspection (see introspector), and how deep its fields nest (1
// for a set of leaves).
type measure struct {
	cost  int
	intro int
	depth int
}

// measurer walks one operation. Fragments are measured once each and
// remembered: a fragment's measure does not depend on where it is spread.
type measurer struct {
	limits
	vars  map[string]any
	frags map[string]measure
	keys  map[string]map[string]bool // the response keys each fragment adds to a set
	in    *introspector              // made at the first introspection field
}

// set measures a selection set, first checking how many fields it asks
// for; path is the response path to it, for errors.
func (m *measurer) set(set ast.SelectionSet, path ast.Path) (measure, *gqlerror.Error) {
	// A set of fields alone has at most as many response keys as fields.
	if len(set) > m.maxFields || slices.ContainsFunc(set, func(s ast.Selection) bool { _, ok := s.(*ast.Field); return !ok }) {
		if n := len(m.responseKeys(set, map[string]bool{})); n > m.maxFields {
			return measure{}, tooManyFields(path, n, m.maxFields)
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
		total.intro = add(total.intro, c.intro)
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
	if len(f.SelectionSet) == 0 && !sized(f) {
		return measure{cost: 1, depth: 1}, nil // a leaf: what the walk below would measure, without its path and arguments
	}
	path := append(parent[:len(parent):len(parent)], ast.PathName(f.Alias))
	children, err := m.set(f.SelectionSet, path)
	if err != nil {
		return measure{}, err
	}
	n := 1
	if f.Definition != nil {
		args := f.ArgumentMap(m.vars)
		switch {
		case f.Name == "__schema" || f.Name == "__type":
			// Introspection: its own cost, the size of its answer. Its
			// fields were measured above only for their depth and width.
			if m.in == nil {
				m.in = newIntrospector(m.schema, m.vars, m.maxIntro)
			}
			cost, over := m.in.root(f)
			if over {
				cost = saturated
			}
			return measure{intro: cost, depth: 1 + children.depth}, nil
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
	return measure{cost: add(1, mul(n, children.cost)), intro: mul(n, children.intro), depth: 1 + children.depth}, nil
}

// sized reports whether measurer.field reads f's arguments or measures it
// otherwise than as one: introspection, a connection, a list.
func sized(f *ast.Field) bool {
	return f.Definition != nil && (f.Name == "__schema" || f.Name == "__type" ||
		f.Definition.Type.Elem != nil || strings.HasSuffix(f.Definition.Type.Name(), "Connection"))
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
