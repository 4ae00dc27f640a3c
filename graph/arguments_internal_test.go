package graph

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestDescribeUnknownScalar: a scalar the presenter has no sentence for
// still gets one naming the field, not its decoder's text.
func TestDescribeUnknownScalar(t *testing.T) {
	t.Parallel()
	require.Equal(t, "price is not valid", describe(ast.NamedType("Money", nil), nil, "price", ""))
	require.Equal(t, "where.status must be one of LEAD, ACTIVE, INACTIVE, ARCHIVED",
		describe(ast.NamedType("ClientWhereInput", nil), []string{"status"}, "where.status", ""))
	require.Equal(t, "tags.0 must be a string", describe(ast.ListType(ast.NonNullNamedType("String", nil), nil), []string{"0"}, "tags.0", ""))
}

// TestEveryOrderFieldHasACursorType: each value of every orderBy of the
// schema names a field of its node whose type cursorValue knows, so that
// the argument gate never refuses a cursor kith gave out; defaultOrder
// names such fields too.
func TestEveryOrderFieldHasACursorType(t *testing.T) {
	t.Parallel()
	seen := 0
	for _, typ := range parsedSchema.Types {
		for _, f := range typ.Fields {
			arg := f.Arguments.ForName("orderBy")
			if arg == nil {
				continue
			}
			require.Nil(t, arg.Type.Elem, "%s.%s: a list orderBy writes cursors cursorValue does not read", typ.Name, f.Name)
			enum := parsedSchema.Types[parsedSchema.Types[arg.Type.Name()].Fields.ForName("field").Type.Name()]
			for _, v := range enum.EnumValues {
				ft := orderFieldType(arg.Type, v.Name)
				require.NotNil(t, ft, "%s %s names no field", arg.Type.Name(), v.Name)
				known := parsedSchema.Types[ft.Name()].Kind == ast.Enum
				switch ft.Name() {
				case "Time", "String", "ID", "Int", "Float", "Boolean":
					known = true
				}
				require.True(t, known, "%s %s is a %s", arg.Type.Name(), v.Name, ft.Name())
				seen++
			}
			if d, ok := defaultOrder[typ.Name+"."+f.Name]; ok {
				require.NotNil(t, enum.EnumValues.ForName(d), "defaultOrder of %s.%s", typ.Name, f.Name)
			}
		}
	}
	require.Greater(t, seen, 20)
	require.Equal(t, "startsAt", lowerCamel("STARTS_AT"))
}

// TestBadVariable: the JSON values the specification's input coercion
// refuses for each built-in scalar, which kith's schema does not all use.
func TestBadVariable(t *testing.T) {
	t.Parallel()
	named := func(n string) *ast.Type { return ast.NamedType(n, nil) }
	for _, tc := range []struct {
		typ  string
		v    any
		want bool
	}{
		{"Int", json.Number("5"), false}, {"Int", int64(5), false}, {"Int", "5", true},
		{"Float", json.Number("1.5"), false}, {"Float", float64(2), false}, {"Float", "1.5", true},
		{"String", "5", false}, {"String", json.Number("5"), true}, {"String", true, true},
		{"Boolean", true, false}, {"Boolean", "true", true}, {"Boolean", json.Number("1"), true},
		{"ID", "cl1", false}, {"ID", json.Number("12"), false}, {"ID", int64(12), false},
		{"ID", json.Number("1.5"), true}, {"ID", true, true},
		{"ClientStatus", "ACTIVE", false}, {"ClientStatus", "active", true}, {"ClientStatus", json.Number("1"), true},
		{"Time", "2026-01-01T00:00:00Z", false}, {"Time", json.Number("1"), true},
	} {
		_, bad := badVariable(tc.v, named(tc.typ), []string{"v"})
		require.Equal(t, tc.want, bad, "%s %#v", tc.typ, tc.v)
	}
	p, bad := badVariable([]any{json.Number("1"), "2"}, ast.ListType(named("Float"), nil), []string{"v"})
	require.True(t, bad)
	require.Equal(t, []string{"v", "1"}, p)
}
