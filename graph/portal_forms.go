package graph

import (
	"github.com/99designs/gqlgen/graphql"
)

// underField reports whether the object field of fc was reached straight
// from the root field named root (not through a list, such as
// portalDocuments).
func underField(fc *graphql.FieldContext, root string) bool {
	if fc == nil || fc.Parent == nil || fc.Parent.Index != nil || fc.Parent.Field.Field == nil {
		return false
	}
	return fc.Parent.Field.Name == root
}
