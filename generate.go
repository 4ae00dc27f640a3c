package kith

// One `go generate ./...` runs entc (ent + entgql), then gqlgen through
// graph/codegen (which has list and object fields resolve sequentially), in that order.
//go:generate go run ./ent/entc.go
//go:generate go run ./graph/codegen
