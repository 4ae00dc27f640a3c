package portal_test

// Matrix rows for the audit list of exports (package export; the CSV and
// face-sheet routes themselves are tested in package export).
func init() {
	row("Query.exports", matrixOp{doc: `{ exports(first: 5) { totalCount } }`, vars: noVars, who: forAdmin})
}
