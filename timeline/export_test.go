package timeline

// Statement is statement as an owner or admin reads it, for the
// benchmark's query plan.
func Statement(after bool) string { return statement(after, false) }

// Sources is how many sources the statement has.
var Sources = len(sources)
