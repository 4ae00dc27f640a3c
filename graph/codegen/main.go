// Command codegen is kith's gqlgen run (go generate, after entc): gqlgen's
// own generation over gqlgen.yml, with the one change kith makes to the
// executor it writes, that every object's fields resolve one after another
// on the request's goroutine. Only the root Query's fields still resolve side
// by side.
//
// gqlgen resolves a field with a resolver (or a method taking a context) on
// a goroutine of its own, and each element of a list of objects on another,
// so that fields waiting on I/O wait together. kith's fields below the root
// do no I/O of their own: entgql loads the edges a query asks for with the
// query (field collection), and a mutation's fields share one transaction,
// one connection, anyway. The goroutines only cost: a practitioner's page of
// 50 clients started about 500 of them, and growing their stacks was 15% of
// its CPU. So codegen marks every object but Query (and Subscription, whose fields stream) as not concurrent (gqlgen
// does this for Mutation) and has lists marshalled in a loop (graph's
// marshalSlice, in place of graphql.MarshalSliceConcurrently).
package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "codegen:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := config.LoadConfigFromDefaultLocations()
	if err != nil {
		return fmt.Errorf("loading gqlgen.yml: %w", err)
	}
	if err := api.Generate(cfg, api.AddPlugin(sequential{})); err != nil {
		return fmt.Errorf("generating: %w", err)
	}
	return sequentialLists(cfg.Exec.Filename)
}

// sequential is the gqlgen plugin that marks every object but Query (and Subscription, whose fields stream) as not
// concurrent, before gqlgen writes the executor.
type sequential struct{}

// Name implements plugin.Plugin.
func (sequential) Name() string { return "kith-sequential" }

// GenerateCode implements plugin.CodeGenerator: gqlgen calls it with the
// data it then writes the executor from.
func (sequential) GenerateCode(data *codegen.Data) error {
	for _, o := range data.Objects {
		if o.Definition != data.Schema.Query && o.Definition != data.Schema.Subscription {
			o.DisableConcurrency = true
		}
	}
	return nil
}

// concurrentSlice is what gqlgen writes to marshal a list of objects, and
// sequentialSlice kith's loop with the same arguments.
var concurrentSlice, sequentialSlice = []byte("graphql.MarshalSliceConcurrently("), []byte("marshalSlice(")

// sequentialLists has the executor in file marshal lists with marshalSlice.
func sequentialLists(file string) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if !bytes.Contains(src, concurrentSlice) {
		return fmt.Errorf("%s has no %s: gqlgen's executor changed, see graph/codegen", file, concurrentSlice)
	}
	return os.WriteFile(file, bytes.ReplaceAll(src, concurrentSlice, sequentialSlice), 0o644)
}
