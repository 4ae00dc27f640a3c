package timeline

// Statement is statement, for the benchmark's query plan.
var Statement = statement

// Sources is how many sources the statement has.
var Sources = len(sources)
