package schema

// Collects names, for each GraphQL field of a node that a resolver of ours
// answers (not ent), the columns its resolver reads, so field collection
// (ent/template/gql_collection.tmpl) selects those rather than every
// column. An empty list reads no column beyond the ID.
type Collects map[string][]string

// Name implements schema.Annotation.
func (Collects) Name() string { return "Collects" }

// Join on a unique edge through a field of the schema's own table has ent
// write AllJoin<Edge> (ent/template/joins.tmpl): the nodes with that
// neighbour in one statement, the neighbour's policy applied to the join.
type Join struct{}

// Name implements schema.Annotation.
func (Join) Name() string { return "Join" }
