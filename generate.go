package kith

// One `go generate ./...` runs entc (ent + entgql), then gqlgen, in that order.
//go:generate go run -mod=mod ./ent/entc.go
//go:generate go run -mod=mod github.com/99designs/gqlgen
