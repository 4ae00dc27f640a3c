// Package kith holds the vocabulary shared by every part of kith: the errors
// that the data layer returns and the API maps to GraphQL codes, and the small
// value types of a client–contact link. Code generation starts here too
// (generate.go).
package kith
