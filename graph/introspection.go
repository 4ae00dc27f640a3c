package graph

import (
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// DefaultMaxIntrospectionCost is the largest answer an operation's
// introspection (__schema and __type) may make, in fields (see
// introspector), unless HandlerConfig.MaxIntrospectionCost says otherwise.
// GraphiQL's introspection query of kith's schema costs about a third of
// it (see TestIntrospectionCost).
const DefaultMaxIntrospectionCost = 100_000

// introspector measures what introspection would answer, exactly, from
// the schema itself: every field in the answer costs 1, and a description
// 1 more per 64 bytes; a list costs what its elements cost, and a list of
// enums (a directive's locations) 1 per element. Introspection reads no records but its answer is as large
// as the schema makes it: types times fields times aliases soon makes
// hundreds of megabytes, so the measure is the answer's real size rather
// than a guess.
//
// A selection set is measured once per schema element it is asked of (a
// type, a field, an argument…), so fragments spread on every field cost
// their measure, not their walk. The walk stops once it has taken more
// steps than twice the budget: each step adds at least one element to the
// answer, so its cost is over the budget by then, and no document can make
// the measuring itself costly.
type introspector struct {
	schema *ast.Schema
	vars   map[string]any
	memo   map[inspected]int
	steps  int
	limit  int // steps allowed
}

// inode is one object of an introspection answer: the schema, a type (a
// named one, or a list or non-null wrapper around one), a field, an input
// value (an argument or an input field), an enum value or a directive.
type inode struct {
	kind     inodeKind
	def      *ast.Definition          // a named type
	typ      *ast.Type                // a wrapper type
	stripped bool                     // typ, without its non-null (the ofType of a NON_NULL)
	field    *ast.FieldDefinition     // a field or an input field
	arg      *ast.ArgumentDefinition  // an argument
	value    *ast.EnumValueDefinition // an enum value
	dir      *ast.DirectiveDefinition // a directive
}

type inodeKind uint8

const (
	iSchema inodeKind = iota
	iType
	iField
	iInput
	iEnumValue
	iDirective
)

// inspected is a selection set asked of one schema element.
type inspected struct {
	set  *ast.Selection
	node inode
}

func newIntrospector(schema *ast.Schema, vars map[string]any, budget int) *introspector {
	return &introspector{schema: schema, vars: vars, memo: map[inspected]int{}, limit: mul(2, budget)}
}

// root measures __schema or __type, a field of the query type, with its
// answer; over reports that the walk was cut short, the cost being over
// the budget.
func (in *introspector) root(f *ast.Field) (cost int, over bool) {
	switch f.Name {
	case "__schema":
		cost = in.set(f.SelectionSet, inode{kind: iSchema})
	case "__type":
		name, _ := f.ArgumentMap(in.vars)["name"].(string)
		if def := in.schema.Types[name]; def != nil {
			cost = in.set(f.SelectionSet, inode{kind: iType, def: def})
		}
	}
	return add(1, cost), in.steps > in.limit
}

// set is the cost of set's answer on node: the fields it asks for, with
// those of its fragments (introspection has no abstract types, so every
// fragment applies).
func (in *introspector) set(set ast.SelectionSet, node inode) int {
	if len(set) == 0 || in.steps > in.limit {
		return 0
	}
	key := inspected{set: &set[0], node: node}
	if c, ok := in.memo[key]; ok {
		return c
	}
	total := 0
	for _, sel := range set {
		if in.steps++; in.steps > in.limit {
			return saturated
		}
		switch s := sel.(type) {
		case *ast.Field:
			total = add(total, in.field(s, node))
		case *ast.InlineFragment:
			total = add(total, in.set(s.SelectionSet, node))
		case *ast.FragmentSpread:
			if s.Definition != nil {
				total = add(total, in.set(s.Definition.SelectionSet, node))
			}
		}
	}
	in.memo[key] = total
	return total
}

// field is the cost of one field of node's answer.
func (in *introspector) field(f *ast.Field, node inode) int {
	if len(f.SelectionSet) == 0 {
		switch {
		case node.kind == iDirective && f.Name == "locations":
			return add(1, len(node.dir.Locations))
		case f.Name == "description":
			return 1 + len(node.description())/descriptionBytes
		}
		return 1 // a scalar or enum
	}
	children, ok := in.children(node, f.Name)
	if !ok {
		return saturated // an object field this measure does not know: refused rather than guessed
	}
	total := 1
	for _, c := range children {
		if in.steps++; in.steps > in.limit {
			return saturated
		}
		total = add(total, in.set(f.SelectionSet, c))
	}
	return total
}

// children is what field name of node holds, as gqlgen's introspection
// answers it (a single object as a list of one or none); deprecated
// fields and values are counted whether asked for or not. ok is false for
// a field that holds no introspection object.
func (in *introspector) children(node inode, name string) (_ []inode, ok bool) {
	s := in.schema
	named := func(def *ast.Definition) []inode {
		if def == nil {
			return nil
		}
		return []inode{{kind: iType, def: def}}
	}
	switch node.kind {
	case iSchema:
		switch name {
		case "types":
			out := make([]inode, 0, len(s.Types))
			for _, def := range s.Types {
				out = append(out, inode{kind: iType, def: def})
			}
			return out, true
		case "queryType":
			return named(s.Query), true
		case "mutationType":
			return named(s.Mutation), true
		case "subscriptionType":
			return named(s.Subscription), true
		case "directives":
			out := make([]inode, 0, len(s.Directives))
			for _, d := range s.Directives {
				out = append(out, inode{kind: iDirective, dir: d})
			}
			return out, true
		}
	case iType:
		return in.typeChildren(node, name)
	case iField:
		switch name {
		case "args":
			out := make([]inode, len(node.field.Arguments))
			for i, a := range node.field.Arguments {
				out[i] = inode{kind: iInput, arg: a}
			}
			return out, true
		case "type":
			return []inode{in.typeOf(node.field.Type, false)}, true
		}
	case iInput:
		if name == "type" {
			if node.arg != nil {
				return []inode{in.typeOf(node.arg.Type, false)}, true
			}
			return []inode{in.typeOf(node.field.Type, false)}, true
		}
	case iDirective:
		if name == "args" {
			out := make([]inode, len(node.dir.Arguments))
			for i, a := range node.dir.Arguments {
				out[i] = inode{kind: iInput, arg: a}
			}
			return out, true
		}
	}
	return nil, false
}

// typeChildren is children for a type.
func (in *introspector) typeChildren(node inode, name string) ([]inode, bool) {
	def := node.def
	switch name {
	case "ofType":
		switch {
		case node.typ == nil:
			return nil, true
		case node.typ.NonNull && !node.stripped:
			return []inode{in.typeOf(node.typ, true)}, true
		default:
			return []inode{in.typeOf(node.typ.Elem, false)}, true
		}
	case "fields":
		var out []inode
		if def != nil && (def.Kind == ast.Object || def.Kind == ast.Interface) {
			for _, f := range def.Fields {
				if !strings.HasPrefix(f.Name, "__") {
					out = append(out, inode{kind: iField, field: f})
				}
			}
		}
		return out, true
	case "inputFields":
		var out []inode
		if def != nil && def.Kind == ast.InputObject {
			for _, f := range def.Fields {
				out = append(out, inode{kind: iInput, field: f})
			}
		}
		return out, true
	case "interfaces":
		var out []inode
		if def != nil && (def.Kind == ast.Object || def.Kind == ast.Interface) {
			for _, name := range def.Interfaces {
				if d := in.schema.Types[name]; d != nil {
					out = append(out, inode{kind: iType, def: d})
				}
			}
		}
		return out, true
	case "possibleTypes":
		var out []inode
		if def != nil && (def.Kind == ast.Interface || def.Kind == ast.Union) {
			for _, d := range in.schema.GetPossibleTypes(def) {
				out = append(out, inode{kind: iType, def: d})
			}
		}
		return out, true
	case "enumValues":
		var out []inode
		if def != nil && def.Kind == ast.Enum {
			for _, v := range def.EnumValues {
				out = append(out, inode{kind: iEnumValue, value: v})
			}
		}
		return out, true
	}
	return nil, false
}

// descriptionBytes is how much of a description costs as much as a field:
// descriptions are the only long text introspection answers (up to 849
// bytes in kith's schema), so each costs 1 more per descriptionBytes.
const descriptionBytes = 64

// description is node's description.
func (n inode) description() string {
	switch {
	case n.def != nil:
		return n.def.Description
	case n.field != nil:
		return n.field.Description
	case n.arg != nil:
		return n.arg.Description
	case n.value != nil:
		return n.value.Description
	case n.dir != nil:
		return n.dir.Description
	}
	return ""
}

// typeOf is the type node of a type reference, as gqlgen wraps it: a
// nullable named type is the named type itself.
func (in *introspector) typeOf(t *ast.Type, stripped bool) inode {
	if t == nil {
		return inode{kind: iType}
	}
	if (!t.NonNull || stripped) && t.NamedType != "" {
		return inode{kind: iType, def: in.schema.Types[t.NamedType]}
	}
	return inode{kind: iType, typ: t, stripped: stripped}
}
