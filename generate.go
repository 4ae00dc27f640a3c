package kith

// One `go generate ./...` runs entc (ent + entgql), then gqlgen, in that order.
//go:generate go run ./ent/entc.go
//go:generate go tool gqlgen
