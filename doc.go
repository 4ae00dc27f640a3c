// Package kith holds the errors every layer of kith shares: the sentinel and
// typed errors the data layer returns (ErrNotFound, ValidationError,
// ConflictError, …) and graph maps to GraphQL codes in one place. Code
// generation starts here too (generate.go). Value types and the checks of
// values live in package schematype; the rest in the domain packages.
package kith
