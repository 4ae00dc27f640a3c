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

// argumentCheck refuses, before any resolver runs, an operation with an
// argument value kith could not read or store alike on both databases. It
// reads every argument of every field and directive, literal or variable,
// through input objects, lists and fragments, so that no resolver, and no
// eager loading of nested connections, meets a value it cannot decode:
//
//   - a string holding the NUL character (U+0000), which PostgreSQL's text
//     refuses and SQLite keeps, or invalid UTF-8, whatever its type;
//   - an Int outside the 32 bits GraphQL gives it;
//   - a Cursor kith did not give out, a Time that is not RFC 3339, an ID
//     that is not a string.
//
// Each refusal is BAD_USER_INPUT naming the argument in extensions.field.
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
	w := argWalker{vars: oc.Variables, seen: map[string]bool{}}
	if err := w.directives(oc.Operation.Directives, nil); err != nil {
		return err
	}
	return w.set(oc.Operation.SelectionSet, nil)
}

// scalarChecks decode the scalars whose decoding can fail on a string or
// number that passed validation; the presenter words the failure.
var scalarChecks = map[string]func(any) error{
	"Cursor": func(v any) error { var c ent.Cursor; return c.UnmarshalGQL(v) },
	"Time":   func(v any) error { _, err := graphql.UnmarshalTime(v); return err },
	"ID":     func(v any) error { var id pulid.ID; return id.UnmarshalGQL(v) },
	"Int":    checkInt32,
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
	vars map[string]any
	seen map[string]bool // fragments already read: their arguments do not change
}

func (w argWalker) set(set ast.SelectionSet, path ast.Path) *gqlerror.Error {
	for _, sel := range set {
		var err *gqlerror.Error
		switch s := sel.(type) {
		case *ast.Field:
			p := append(path[:len(path):len(path)], ast.PathName(s.Alias))
			var defs ast.ArgumentDefinitionList
			if s.Definition != nil {
				defs = s.Definition.Arguments
			}
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

func (w argWalker) directives(list ast.DirectiveList, path ast.Path) *gqlerror.Error {
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

func (w argWalker) arguments(args ast.ArgumentList, defs ast.ArgumentDefinitionList, path ast.Path) *gqlerror.Error {
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
		if field, msg := badValue(v, typ, []string{a.Name}); msg != "" {
			return &gqlerror.Error{
				Message:    msg,
				Path:       path,
				Extensions: map[string]any{"code": CodeBadUserInput, "field": fieldName(field)},
			}
		}
	}
	return nil
}

// badValue finds a value in v, of type typ (nil when unknown) at path,
// that kith refuses, and returns its path and why.
func badValue(v any, typ *ast.Type, path []string) ([]string, string) {
	at := func(k string) []string { return append(path[:len(path):len(path)], k) }
	switch v := v.(type) {
	case nil:
		return nil, ""
	case string:
		switch {
		case strings.IndexByte(v, 0) >= 0:
			return path, fieldName(path) + " contains the NUL character (U+0000), which is not text kith can store; remove it"
		case !utf8.ValidString(v):
			return path, fieldName(path) + " is not valid UTF-8 text"
		}
	case []any:
		var elem *ast.Type
		if typ != nil {
			elem = typ.Elem
		}
		for i, e := range v {
			if p, msg := badValue(e, elem, at(strconv.Itoa(i))); msg != "" {
				return p, msg
			}
		}
		return nil, ""
	case map[string]any:
		var def *ast.Definition
		if typ != nil {
			def = parsedSchema.Types[typ.Name()]
		}
		for k, e := range v {
			if p, msg := badValue(k, nil, at(k)); msg != "" {
				return p, msg
			}
			var ft *ast.Type
			if def != nil {
				if f := def.Fields.ForName(k); f != nil {
					ft = f.Type
				}
			}
			if p, msg := badValue(e, ft, at(k)); msg != "" {
				return p, msg
			}
		}
		return nil, ""
	}
	if typ == nil {
		return nil, ""
	}
	if typ.Elem != nil { // one value given for a list
		return badValue(v, typ.Elem, path)
	}
	if check := scalarChecks[typ.Name()]; check != nil && check(v) != nil {
		return path, describe(typ, nil, fieldName(path), "")
	}
	return nil, ""
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
