package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/pulid"
)

// Limits on the values of an operation's arguments. Each is checked before
// any resolver runs, so that no filter reaches a database's own limits:
// the parameters of one statement (SQLite 32,766, PostgreSQL 65,535) or
// the depth of an expression (SQLite 1,000), which the two would answer
// differently.
const (
	// MaxListItems is the most items one list may hold, at any depth of
	// input objects (a where's firstNameIn, ids, tags…).
	MaxListItems = 1000
	// MaxArgumentValues is the most values (strings, numbers, booleans,
	// enums and IDs, each item of a list counted) all the arguments of one
	// operation may hold together. A 1 MiB body can carry some 250,000.
	MaxArgumentValues = 10_000
	// MaxInputDepth is the deepest an argument may nest input objects and
	// lists (where: {or: [{not: …}]} is 4 deep).
	MaxInputDepth = 20
)

// argumentCheck refuses, before any resolver runs, an operation with an
// argument value kith could not read or store alike on both databases. It
// reads every variable, and every argument of every field and directive,
// literal or variable, through input objects, lists and fragments, so that
// no resolver, and no eager loading of nested connections, meets a value it
// cannot decode:
//
//   - a variable whose JSON value is not of its type: a string for an Int or
//     Float, a number for a String, anything but true or false for a
//     Boolean, anything but a string or an integer for an ID, an enum not
//     spelt as one of its values (gqlparser coerces the first and last);
//   - a string holding the NUL character (U+0000), which PostgreSQL's text
//     refuses and SQLite keeps, or invalid UTF-8, whatever its type;
//   - an Int outside the 32 bits GraphQL gives it;
//   - a Time that is not RFC 3339, an ID that is not a string;
//   - a Cursor kith did not give out: one that does not decode, or whose
//     ID is not a kith ID, or whose value does not fit the field the
//     connection is ordered by (see cursorValue);
//   - a list of more than MaxListItems, more than MaxArgumentValues values
//     in all, input nested deeper than MaxInputDepth;
//   - a where filter nested in another (in not, and, or, has…With) that
//     sets no condition, which ent cannot turn into SQL.
//
// Each refusal is BAD_USER_INPUT naming the argument, or the variable, in
// extensions.field.
type argumentCheck struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = argumentCheck{}

// ExtensionName implements graphql.HandlerExtension.
func (argumentCheck) ExtensionName() string { return "KithArgumentCheck" }

// Validate implements graphql.HandlerExtension.
func (argumentCheck) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator.
func (argumentCheck) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if err := checkVariables(oc); err != nil {
		return err
	}
	w := &argWalker{vars: oc.Variables, seen: map[string]bool{}}
	if err := w.directives(oc.Operation.Directives, nil); err != nil {
		return err
	}
	return w.set(oc.Operation.SelectionSet, nil)
}

// checkVariables refuses a variable whose JSON value GraphQL does not
// coerce to its type, on the variable's path, as gqlparser's own errors.
func checkVariables(oc *graphql.OperationContext) *gqlerror.Error {
	for _, def := range oc.Operation.VariableDefinitions {
		v, ok := oc.Variables[def.Variable]
		if !ok {
			continue
		}
		parts, bad := badVariable(v, def.Type, []string{def.Variable})
		if !bad {
			continue
		}
		path := ast.Path{ast.PathName("variable")}
		for _, p := range parts {
			if n, err := strconv.Atoi(p); err == nil {
				path = append(path, ast.PathIndex(n))
			} else {
				path = append(path, ast.PathName(p))
			}
		}
		field := fieldName(parts)
		return &gqlerror.Error{
			Message:    describe(def.Type, parts[1:], field, ""),
			Path:       path,
			Extensions: map[string]any{"code": CodeBadUserInput, "field": field},
		}
	}
	return nil
}

// badVariable finds in v, the JSON value of a variable of type typ at path,
// a value the GraphQL specification's input coercion refuses and gqlparser
// lets through, and returns its path.
func badVariable(v any, typ *ast.Type, path []string) ([]string, bool) {
	if v == nil {
		return nil, false
	}
	if typ.Elem != nil {
		list, ok := v.([]any)
		if !ok { // one value given for a list
			return badVariable(v, typ.Elem, path)
		}
		for i, e := range list {
			if p, bad := badVariable(e, typ.Elem, append(path[:len(path):len(path)], strconv.Itoa(i))); bad {
				return p, true
			}
		}
		return nil, false
	}
	def := parsedSchema.Types[typ.Name()]
	if def == nil {
		return nil, false
	}
	switch def.Kind {
	case ast.InputObject:
		m, _ := v.(map[string]any)
		for k, e := range m {
			if f := def.Fields.ForName(k); f != nil {
				if p, bad := badVariable(e, f.Type, append(path[:len(path):len(path)], k)); bad {
					return p, true
				}
			}
		}
		return nil, false
	case ast.Enum:
		s, ok := v.(string)
		return path, !ok || def.EnumValues.ForName(s) == nil
	}
	ok := true
	switch typ.Name() {
	case "Int", "Float":
		_, isString := v.(string)
		ok = !isString
	case "String", "Cursor", "Time", "Date":
		_, ok = v.(string)
	case "Boolean":
		_, ok = v.(bool)
	case "ID":
		switch n := v.(type) {
		case string, int, int64:
		case json.Number:
			_, err := n.Int64()
			ok = err == nil
		default:
			ok = false
		}
	}
	return path, !ok
}

// scalarChecks decode the scalars whose decoding can fail on a string or
// number that passed validation; the presenter words the failure. Cursors
// are checked by argWalker.cursor.
var scalarChecks = map[string]func(any) error{
	"Time": func(v any) error { _, err := graphql.UnmarshalTime(v); return err },
	"ID":   func(v any) error { var id pulid.ID; return id.UnmarshalGQL(v) },
	"Int":  checkInt32,
}

// checkInt32 refuses an Int that does not fit in 32 bits.
func checkInt32(v any) error {
	var n int64
	switch v := v.(type) {
	case int64:
		n = v
	case int:
		n = int64(v)
	case json.Number:
		i, err := v.Int64()
		if err != nil {
			return err
		}
		n = i
	case float64:
		if v != math.Trunc(v) || v < math.MinInt32 || v > math.MaxInt32 {
			return errors.New("not a 32-bit integer")
		}
		n = int64(v)
	default:
		return nil // gqlparser has checked the kind
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		return errors.New("not a 32-bit integer")
	}
	return nil
}

type argWalker struct {
	vars   map[string]any
	seen   map[string]bool // fragments already read: their arguments do not change
	values int             // values read so far, in every argument
	// cursor reports whether a cursor's value fits the field whose
	// arguments are being read (see cursorValue).
	cursor func(any) bool
}

// refusal is a value argWalker refuses: where, why, and the limit it
// passed (0 for none).
type refusal struct {
	path  []string
	msg   string
	limit int
}

func (w *argWalker) set(set ast.SelectionSet, path ast.Path) *gqlerror.Error {
	for _, sel := range set {
		var err *gqlerror.Error
		switch s := sel.(type) {
		case *ast.Field:
			if len(s.Arguments) == 0 && len(s.Directives) == 0 && len(s.SelectionSet) == 0 {
				continue // nothing to read
			}
			p := append(path[:len(path):len(path)], ast.PathName(s.Alias))
			var defs ast.ArgumentDefinitionList
			if s.Definition != nil {
				defs = s.Definition.Arguments
			}
			w.cursor = cursorValue(s, w.vars)
			if err = w.arguments(s.Arguments, defs, p); err == nil {
				if err = w.directives(s.Directives, p); err == nil {
					err = w.set(s.SelectionSet, p)
				}
			}
		case *ast.InlineFragment:
			if err = w.directives(s.Directives, path); err == nil {
				err = w.set(s.SelectionSet, path)
			}
		case *ast.FragmentSpread:
			if err = w.directives(s.Directives, path); err == nil && s.Definition != nil && !w.seen[s.Name] {
				w.seen[s.Name] = true
				err = w.set(s.Definition.SelectionSet, path)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (w *argWalker) directives(list ast.DirectiveList, path ast.Path) *gqlerror.Error {
	cursor := w.cursor
	w.cursor = noCursorValue // a directive orders nothing
	defer func() { w.cursor = cursor }()
	for _, d := range list {
		var defs ast.ArgumentDefinitionList
		if d.Definition != nil {
			defs = d.Definition.Arguments
		}
		if err := w.arguments(d.Arguments, defs, path); err != nil {
			return err
		}
	}
	return nil
}

func (w *argWalker) arguments(args ast.ArgumentList, defs ast.ArgumentDefinitionList, path ast.Path) *gqlerror.Error {
	for _, a := range args {
		if a.Value == nil {
			continue
		}
		v, err := a.Value.Value(w.vars)
		if err != nil {
			continue // validation has vouched for the value; nothing to read
		}
		var typ *ast.Type
		if def := defs.ForName(a.Name); def != nil {
			typ = def.Type
		}
		if r := w.value(v, typ, []string{a.Name}); r != nil {
			ext := map[string]any{"code": CodeBadUserInput, "field": fieldName(r.path)}
			if r.limit > 0 {
				ext["limit"] = r.limit
			}
			return &gqlerror.Error{Message: r.msg, Path: path, Extensions: ext}
		}
	}
	return nil
}

// value finds a value in v, of type typ (nil when unknown) at path, that
// kith refuses, and says where and why.
func (w *argWalker) value(v any, typ *ast.Type, path []string) *refusal {
	at := func(k string) []string { return append(path[:len(path):len(path)], k) }
	if _, nested := v.([]any); nested || isMap(v) {
		if len(path) > MaxInputDepth {
			return &refusal{path: path[:1], limit: MaxInputDepth,
				msg: fmt.Sprintf("%s nests input objects and lists more than %d deep; write the filter with fewer levels", fieldName(path[:1]), MaxInputDepth)}
		}
	} else if v != nil {
		if w.values++; w.values > MaxArgumentValues {
			return &refusal{path: path[:1], limit: MaxArgumentValues,
				msg: fmt.Sprintf("the arguments of this operation hold more than %d values; split it into smaller requests", MaxArgumentValues)}
		}
	}
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		if r := badText(v, path); r != nil {
			return r
		}
	case []any:
		if len(v) > MaxListItems {
			return &refusal{path: path, limit: MaxListItems,
				msg: fmt.Sprintf("%s holds %d items, more than the %d a list may hold; split the request", fieldName(path), len(v), MaxListItems)}
		}
		var elem *ast.Type
		if typ != nil {
			elem = typ.Elem
		}
		for i, e := range v {
			if r := w.value(e, elem, at(strconv.Itoa(i))); r != nil {
				return r
			}
		}
		return nil
	case map[string]any:
		var def *ast.Definition
		if typ != nil {
			def = parsedSchema.Types[typ.Name()]
		}
		if def != nil && len(path) > 1 && strings.HasSuffix(def.Name, "WhereInput") && emptyWhere(v) {
			return &refusal{path: path, msg: fieldName(path) + " sets no condition; give it at least one, or leave it out"}
		}
		for k, e := range v {
			if r := badText(k, at(k)); r != nil {
				return r
			}
			var ft *ast.Type
			if def != nil {
				if f := def.Fields.ForName(k); f != nil {
					ft = f.Type
				}
			}
			if r := w.value(e, ft, at(k)); r != nil {
				return r
			}
		}
		return nil
	}
	if typ == nil {
		return nil
	}
	if typ.Elem != nil { // one value given for a list
		w.values-- // counted once
		return w.value(v, typ.Elem, path)
	}
	bad := false
	if typ.Name() == "Cursor" {
		bad = !w.cursorOK(v)
	} else if check := scalarChecks[typ.Name()]; check != nil {
		bad = check(v) != nil
	}
	if bad {
		return &refusal{path: path, msg: describe(typ, nil, fieldName(path), "")}
	}
	return nil
}

// badText refuses a string holding NUL or invalid UTF-8.
func badText(s string, path []string) *refusal {
	switch {
	case strings.IndexByte(s, 0) >= 0:
		return &refusal{path: path, msg: fieldName(path) + " contains the NUL character (U+0000), which is not text kith can store; remove it"}
	case !utf8.ValidString(s):
		return &refusal{path: path, msg: fieldName(path) + " is not valid UTF-8 text"}
	}
	return nil
}

func isMap(v any) bool { _, ok := v.(map[string]any); return ok }

// emptyWhere reports whether a where filter sets no condition: each of its
// fields is null or an empty list. ent refuses such a filter inside
// another (it can write no SQL for it) but ignores it as the argument.
func emptyWhere(m map[string]any) bool {
	for _, v := range m {
		if l, ok := v.([]any); v != nil && (!ok || len(l) > 0) {
			return false
		}
	}
	return true
}

// cursorOK reports whether v is a cursor kith could have given out for the
// field being read: it decodes, its ID is a kith ID, and its value fits
// the field the connection is ordered by.
func (w *argWalker) cursorOK(v any) bool {
	var c ent.Cursor
	if c.UnmarshalGQL(v) != nil || !c.ID.WellFormed() {
		return false
	}
	if w.cursor == nil {
		return c.Value == nil
	}
	return w.cursor(c.Value)
}

// fieldName names an argument path in the style of every other
// extensions.field: dotted, and relative to the argument named input.
func fieldName(parts []string) string {
	if len(parts) > 1 && parts[0] == "input" {
		parts = parts[1:]
	}
	return strings.Join(parts, ".")
}

// argumentMessage is the message for an error gqlgen met reading a
// field's arguments (a malformed cursor, ID, time, enum or number), before
// any resolver ran. It is written from the argument's type in the schema,
// never from the library's text, so a new scalar cannot leak it either.
func argumentMessage(ctx context.Context, gerr *gqlerror.Error) string {
	fc := graphql.GetFieldContext(ctx)
	rest := gerr.Path
	if fieldPath := fc.Path(); len(rest) > len(fieldPath) {
		rest = rest[len(fieldPath):]
	}
	parts := pathParts(rest)
	if len(parts) == 0 || fc.Field.Definition == nil {
		return fmt.Sprintf("an argument of %s is not valid", fc.Field.Name)
	}
	field := fieldName(parts)
	arg := fc.Field.Definition.Arguments.ForName(parts[0])
	if arg == nil {
		return fmt.Sprintf("%s is not valid", field)
	}
	return describe(arg.Type, parts[1:], field, "")
}

// variableError rewrites gqlparser's error for a variable whose value does
// not fit its type ("cannot use Float as Int", "must be defined") as
// BAD_USER_INPUT with the variable's path in extensions.field and a
// sentence from the variable's type; any other error is returned as it is.
func variableError(ctx context.Context, gerr *gqlerror.Error) *gqlerror.Error {
	if len(gerr.Path) < 2 || gerr.Path[0] != ast.PathName("variable") || !graphql.HasOperationContext(ctx) {
		return gerr
	}
	oc := graphql.GetOperationContext(ctx)
	parts := pathParts(gerr.Path[1:])
	if oc.Operation == nil {
		return gerr
	}
	def := oc.Operation.VariableDefinitions.ForName(parts[0])
	if def == nil {
		return gerr
	}
	field := fieldName(parts)
	missing := ""
	if gerr.Message == "must be defined" || gerr.Message == "cannot be null" {
		missing = "%s is required"
	}
	gerr.Message = describe(def.Type, parts[1:], field, missing)
	gerr.Extensions = map[string]any{"code": CodeBadUserInput, "field": field}
	return gerr
}

func pathParts(path ast.Path) []string {
	parts := make([]string, 0, len(path))
	for _, el := range path {
		switch el := el.(type) {
		case ast.PathName:
			parts = append(parts, string(el))
		case ast.PathIndex:
			parts = append(parts, strconv.Itoa(int(el)))
		}
	}
	return parts
}

// describe says what a value at rest inside typ, named field, must be.
// missing, when not empty, is the message for a value that must be given.
func describe(typ *ast.Type, rest []string, field, missing string) string {
	for _, part := range rest {
		if typ.Elem != nil {
			typ = typ.Elem
			continue
		}
		def := parsedSchema.Types[typ.Name()]
		if def == nil || def.Kind != ast.InputObject {
			return fmt.Sprintf("%s is not valid", field)
		}
		f := def.Fields.ForName(part)
		if f == nil {
			return fmt.Sprintf("%s is not a field of %s", part, def.Name)
		}
		typ = f.Type
	}
	if missing != "" {
		return fmt.Sprintf(missing, field)
	}
	if typ.Elem != nil {
		return fmt.Sprintf("%s must be a list", field)
	}
	switch typ.Name() {
	case "Cursor":
		if strings.HasSuffix(field, "before") {
			return fmt.Sprintf("%s is not a cursor this API gave out: pass a page's startCursor", field)
		}
		return fmt.Sprintf("%s is not a cursor this API gave out: pass a page's endCursor", field)
	case "ID":
		return fmt.Sprintf("%s is not an ID this API gave out", field)
	case "Time":
		return fmt.Sprintf("%s must be a date and time with its offset, such as 2026-06-02T09:00:00-04:00", field)
	case "Date":
		return fmt.Sprintf("%s must be a date written as YYYY-MM-DD", field)
	case "Int":
		return fmt.Sprintf("%s must be a whole number from -2147483648 to 2147483647", field)
	case "Float":
		return fmt.Sprintf("%s must be a number", field)
	case "Boolean":
		return fmt.Sprintf("%s must be true or false", field)
	case "String":
		return fmt.Sprintf("%s must be a string", field)
	}
	def := parsedSchema.Types[typ.Name()]
	switch {
	case def == nil:
		return fmt.Sprintf("%s is not valid", field)
	case def.Kind == ast.Enum:
		names := make([]string, len(def.EnumValues))
		for i, v := range def.EnumValues {
			names[i] = v.Name
		}
		return fmt.Sprintf("%s must be one of %s", field, strings.Join(names, ", "))
	case def.Kind == ast.InputObject:
		return fmt.Sprintf("%s must be an object with the fields of %s", field, def.Name)
	}
	return fmt.Sprintf("%s is not a valid %s", field, def.Name)
}
