// Package kith holds the errors every layer of kith shares: the sentinel and
// typed errors the data layer returns (ErrNotFound, ValidationError,
// ConflictError, …) that graph maps to GraphQL codes in one place, and
// CamelCase, which names the GraphQL field an error points at. Code
// generation starts here too (generate.go). Value types and the checks of
// values live in package schematype; the rest in the domain packages.
package kith
