// Package schematype holds the value types ent/schema stores in fields (the
// enums of a client–contact link, invoice lines, form questions, message
// channels and kinds, booking limits, …) and the checks of their values. It
// is what the schema may import besides ent itself: it imports no domain
// package of kith, so `go list -deps ./ent/schema` names none. Domain
// packages use these types; the rules that act on them stay in the domains.
package schematype
