package graph

import (
	"math"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
)

// defaultOrder is the order field of a connection whose resolver orders it
// when the request gives no orderBy ("Type.field" to the order field's
// value), so that its cursors carry that field's value. Every other
// connection is then ordered by ID, and its cursors carry the ID alone.
var defaultOrder = map[string]string{
	"Query.notifications": "CREATED_AT", // newest first: see Notifications
	"Query.exports":       "CREATED_AT", // newest first: see Exports
}

// fixedOrder are the connections ordered by one field whatever the
// request ("Type.field" to that field's type), with no orderBy to choose
// another: their cursors carry that field's value. The communications
// lists are newest first (package communication).
var fixedOrder = map[string]*ast.Type{
	"Query.communications":          ast.NonNullNamedType("Time", nil),
	"Query.unmatchedCommunications": ast.NonNullNamedType("Time", nil),
	"Client.communications":         ast.NonNullNamedType("Time", nil),
	"Staff.communications":          ast.NonNullNamedType("Time", nil),
}

// cursorValue returns what the value of a cursor given to the connection
// f must be: what entgql writes for the field the connection is ordered
// by (its orderBy, else its default order), or nothing when it is ordered
// by ID. A cursor without a value (the ID alone) is always accepted.
func cursorValue(f *ast.Field, vars map[string]any) func(any) bool {
	if f.Definition == nil {
		return noCursorValue
	}
	if f.ObjectDefinition != nil {
		if typ, ok := fixedOrder[f.ObjectDefinition.Name+"."+f.Name]; ok {
			return fits(typ)
		}
	}
	arg := f.Definition.Arguments.ForName("orderBy")
	if arg == nil {
		return noCursorValue
	}
	var order string
	if a := f.Arguments.ForName("orderBy"); a != nil && a.Value != nil {
		if v, err := a.Value.Value(vars); err == nil {
			if m, ok := v.(map[string]any); ok {
				order, _ = m["field"].(string)
			}
		}
	}
	if order == "" && f.ObjectDefinition != nil {
		order = defaultOrder[f.ObjectDefinition.Name+"."+f.Name]
	}
	if order == "" {
		return noCursorValue
	}
	return fits(orderFieldType(arg.Type, order))
}

// noCursorValue accepts a cursor that carries the ID alone.
func noCursorValue(v any) bool { return v == nil }

// orderFieldType is the GraphQL type of the field that order, a value of
// the "field" of the input type orderType (AppointmentOrder's STARTS_AT),
// names on the connection's node (Appointment.startsAt), or nil.
func orderFieldType(orderType *ast.Type, order string) *ast.Type {
	def := parsedSchema.Types[orderType.Name()]
	if orderType.Elem != nil || def == nil {
		return nil
	}
	field := def.Fields.ForName("field")
	if field == nil {
		return nil
	}
	node := parsedSchema.Types[strings.TrimSuffix(field.Type.Name(), "OrderField")]
	if node == nil {
		return nil
	}
	f := node.Fields.ForName(lowerCamel(order))
	if f == nil {
		return nil
	}
	return f.Type
}

// lowerCamel turns an enum value such as STARTS_AT into the name of its
// field, startsAt.
func lowerCamel(s string) string {
	parts := strings.Split(strings.ToLower(s), "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// fits returns whether a cursor's value, as msgpack decodes it, is one
// entgql could have written for a field of type typ: a time for a Time
// (msgpack's timestamp, within RFC 3339's years), text kith stores for a
// String, a kith ID for an ID, one of the values of an enum, an integer,
// a finite number, a boolean. Nothing else (a list, a map, bytes) fits.
func fits(typ *ast.Type) func(any) bool {
	if typ == nil || typ.Elem != nil {
		return noCursorValue
	}
	if def := parsedSchema.Types[typ.Name()]; def != nil && def.Kind == ast.Enum {
		return func(v any) bool {
			s, ok := v.(string)
			return v == nil || ok && def.EnumValues.ForName(s) != nil
		}
	}
	var ok func(any) bool
	switch typ.Name() {
	case "Time":
		ok = func(v any) bool {
			t, ok := v.(time.Time)
			return ok && t.UTC().Year() >= 1 && t.UTC().Year() <= 9999
		}
	case "String":
		ok = func(v any) bool {
			s, ok := v.(string)
			return ok && schematype.CheckText(s, schematype.MaxNoteLength) == nil
		}
	case "ID":
		ok = func(v any) bool { s, ok := v.(string); return ok && pulid.ID(s).WellFormed() }
	case "Int":
		ok = isInteger
	case "Float":
		ok = func(v any) bool {
			switch f := v.(type) {
			case float32:
				return !math.IsNaN(float64(f)) && !math.IsInf(float64(f), 0)
			case float64:
				return !math.IsNaN(f) && !math.IsInf(f, 0)
			}
			return isInteger(v)
		}
	case "Boolean":
		ok = func(v any) bool { _, ok := v.(bool); return ok }
	default:
		return noCursorValue
	}
	return func(v any) bool { return v == nil || ok(v) }
}

// isInteger reports whether v is an integer msgpack decoded that fits an int64.
func isInteger(v any) bool {
	switch n := v.(type) {
	case int8, int16, int32, int64, int, uint8, uint16, uint32:
		return true
	case uint64:
		return n <= math.MaxInt64
	case uint:
		return uint64(n) <= math.MaxInt64
	}
	return false
}
