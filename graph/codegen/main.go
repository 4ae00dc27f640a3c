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
// marshalSlice, in place of graphql.MarshalSliceConcurrently). It also
// skips building the path of every object for deferred fragments when there
// are none (see rewrites), has each field's arguments parsed once per
// operation (argsOnce), builds the map of input unmarshalers once, not for
// every operation (unmarshalersOnce), gives a scalar field's context the one error of
// its type made once, not one made for every field resolved (noChildren),
// with the context's Child made once too (scalarChild),
// has a scalar or enum field that only reads a struct field marshal it
// at once (plainLeaves), without gqlgen's resolver machinery, and has an
// input object's unmarshaller visit only the fields it was given
// (presentFields), and lists the fields' argument parsers for field
// collection (argParsers).
package main

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
	"regexp"
	"slices"

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
	return rewrite(cfg.Exec.Filename)
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

// rewrites are kith's edits of the executor gqlgen writes, each what
// gqlgen writes and what kith writes in its place.
var rewrites = []struct{ old, new string }{
	// Lists of objects marshalled in a loop, with the same arguments.
	{"graphql.MarshalSliceConcurrently(", "marshalSlice("},
	// An input object's unmarshaller visits the fields it was given, in
	// its type's order (graph's presentFields), not every field of the type.
	{"\tfor _, k := range fieldsInOrder {\n", "\tfor _, k := range presentFields(asMap, fieldsInOrder[:]) {\n"},
	// Every object's marshaller hands its deferred fragments (@defer) to
	// gqlgen with the object's path, built for the call and one in ten of
	// a page's allocations, although gqlgen returns at once when there are
	// none; kith calls it only when there are.
	{
		"\tec.ProcessDeferredGroup(graphql.DeferredGroup{\n" +
			"\t\tDefers:   deferLabelToView,\n" +
			"\t\tPath:     graphql.GetPath(ctx),\n" +
			"\t\tFieldSet: deferredFieldSet,\n" +
			"\t\tContext:  ctx,\n" +
			"\t})\n",
		"\tif len(deferLabelToView) > 0 {\n" +
			"\t\tec.ProcessDeferredGroup(graphql.DeferredGroup{\n" +
			"\t\t\tDefers:   deferLabelToView,\n" +
			"\t\t\tPath:     graphql.GetPath(ctx),\n" +
			"\t\t\tFieldSet: deferredFieldSet,\n" +
			"\t\t\tContext:  ctx,\n" +
			"\t\t})\n" +
			"\t}\n",
	},
}

// argsOnce has a field's arguments parsed once per operation (graph's
// fieldArgs), not once for every object the field is asked of.
var argsOnce = regexp.MustCompile(`fc\.Args, err = ec\.(field_\w+_args)\(ctx, field\.ArgumentMap\(ec\.Variables\)\)`)

// noChildren is the error gqlgen makes for each scalar field it resolves,
// which says the field has no child fields, by the scalar's name.
var noChildren = regexp.MustCompile(`errors\.New\("field of type (\w+) does not have child fields"\)`)

// scalarChild is gqlgen's making of a scalar field's context, which makes
// a closure for its Child, returning the error of its type, for every
// field resolved; kith has scalarFieldContext take the Child of the type,
// made once (childOf…).
var scalarChild = regexp.MustCompile(`graphql\.NewScalarFieldContext\(([^\n]*?)errNoChildren(\w+)\)`)

// rewrite applies rewrites to the executor in file, and fails when gqlgen
// no longer writes what one of them replaces.
func rewrite(file string) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	for _, r := range rewrites {
		if !bytes.Contains(src, []byte(r.old)) {
			return fmt.Errorf("%s has no %q: gqlgen's executor changed, see graph/codegen", file, r.old)
		}
		src = bytes.ReplaceAll(src, []byte(r.old), []byte(r.new))
	}
	if !argsOnce.Match(src) {
		return fmt.Errorf("%s has no %s: gqlgen's executor changed, see graph/codegen", file, argsOnce)
	}
	src = argsOnce.ReplaceAll(src, []byte("fc.Args, err = fieldArgs(ctx, field, ec.Variables, ec.$1)"))
	var types []string
	for _, m := range noChildren.FindAllSubmatch(src, -1) {
		types = append(types, string(m[1]))
	}
	if len(types) == 0 {
		return fmt.Errorf("%s has no %s: gqlgen's executor changed, see graph/codegen", file, noChildren)
	}
	src = noChildren.ReplaceAll(src, []byte("errNoChildren$1"))
	if src, err = plainLeaves(src); err != nil {
		return fmt.Errorf("%s: %w: gqlgen's executor changed, see graph/codegen", file, err)
	}
	if !scalarChild.Match(src) {
		return fmt.Errorf("%s has no %s: gqlgen's executor changed, see graph/codegen", file, scalarChild)
	}
	src = scalarChild.ReplaceAll(src, []byte("scalarFieldContext(${1}childOf$2)"))
	if src, err = unmarshalersOnce(src); err != nil {
		return fmt.Errorf("%s: %w: gqlgen's executor changed, see graph/codegen", file, err)
	}
	if src, err = argParsers(src); err != nil {
		return fmt.Errorf("%s: %w: gqlgen's executor changed, see graph/codegen", file, err)
	}
	types = slices.Compact(slices.Sorted(slices.Values(types)))
	src = append(src, "\n// errNoChildren… are the errors of scalar fields' contexts, one per scalar\n// type (graph/codegen).\nvar (\n"...)
	for _, t := range types {
		src = fmt.Appendf(src, "\terrNoChildren%s = errors.New(%q)\n", t, "field of type "+t+" does not have child fields")
	}
	src = append(src, ")\n\n// childOf… are the Child functions of scalar fields' contexts, one per\n// scalar type (graph/codegen).\nvar (\n"...)
	for _, t := range types {
		src = fmt.Appendf(src, "\tchildOf%s = childless(errNoChildren%s)\n", t, t)
	}
	src = append(src, ")\n"...)
	if src, err = format.Source(src); err != nil {
		return err
	}
	return os.WriteFile(file, src, 0o644)
}

// unmarshalersOnce moves the map of input unmarshalers Exec builds for
// every operation (about a hundred method values and a map, for entgql's
// where arguments) into inputUnmarshalers, built once on an empty
// execution context: the unmarshalers read nothing of it but one another.
func unmarshalersOnce(src []byte) ([]byte, error) {
	const build = "\tinputUnmarshalMap := graphql.BuildUnmarshalerMap(\n"
	start := bytes.Index(src, []byte(build))
	if start < 0 {
		return nil, fmt.Errorf("no %q", build)
	}
	end := bytes.Index(src[start:], []byte("\n\t)\n"))
	if end < 0 {
		return nil, fmt.Errorf("no end to %q", build)
	}
	args := src[start+len(build) : start+end+1]
	for _, line := range bytes.Split(bytes.TrimSpace(args), []byte("\n")) {
		if !bytes.HasPrefix(bytes.TrimSpace(line), []byte("ec.unmarshalInput")) {
			return nil, fmt.Errorf("BuildUnmarshalerMap is given %q", line)
		}
	}
	imports := []byte("import (\n")
	if !bytes.Contains(src, imports) {
		return nil, fmt.Errorf("no %q", imports)
	}
	out := slices.Concat(src[:start], []byte("\tinputUnmarshalMap := inputUnmarshalers()\n"), src[start+end+len("\n\t)\n"):],
		[]byte("\n// inputUnmarshalers is the map of input unmarshalers Exec gives every\n"+
			"// operation, built once: they read nothing of the execution context (graph/codegen).\n"+
			"var inputUnmarshalers = sync.OnceValue(func() map[reflect.Type]reflect.Value {\n"+
			"\tec := &executionContext{}\n\treturn graphql.BuildUnmarshalerMap(\n"), args, []byte("\t)\n})\n"))
	for _, pkg := range []string{"reflect", "sync"} {
		if imp := []byte("\t\"" + pkg + "\"\n"); !bytes.Contains(out, imp) {
			out = bytes.Replace(out, imports, append(append([]byte(nil), imports...), imp...), 1)
		}
	}
	return out, nil
}

// plainLeaf is how gqlgen writes a field that reads a struct field
// (obj.Name: no resolver, no method, no directive), each group what
// plainLeaves keeps: the function's name and object, the field's context
// function, the struct field read, its Go type and its marshaller (whose
// name spells package paths in letters outside ASCII, such as ᚗ).
var plainLeaf = regexp.MustCompile(`func \(ec \*executionContext\) (_\w+)\(ctx context\.Context, field graphql\.CollectedField, obj (\S+)\) \(ret graphql\.Marshaler\) \{
	return graphql\.ResolveField\(
		ctx,
		ec\.OperationContext,
		field,
		func\(ctx context\.Context, field graphql\.CollectedField\) \(\*graphql\.FieldContext, error\) \{
			return ec\.(fieldContext_\w+)\(ctx, field\)
		\},
		func\(ctx context\.Context\) \(any, error\) \{
			return (obj\.\w+), nil
		\},
		nil,
		func\(ctx context\.Context, selections ast\.SelectionSet, v ([^\n]+)\) graphql\.Marshaler \{
			return ec\.(marshal[^(]+)\(ctx, selections, v\)
		\},
		true,
		(?:true|false),
	\)
\}
`)

// scalarContext is the field context function gqlgen writes for a scalar
// or enum field (a leaf: no child fields), the group its name.
var scalarContext = regexp.MustCompile(`func \(ec \*executionContext\) (fieldContext_\w+)\(_ context\.Context, field graphql\.CollectedField\) \(fc \*graphql\.FieldContext, err error\) \{\n\treturn graphql\.NewScalarFieldContext\(`)

// marshaller is a marshaller gqlgen writes for a type, the groups its name
// and its body.
var marshaller = regexp.MustCompile(`(?s)\nfunc \(ec \*executionContext\) (marshal[^(]+)\(ctx context\.Context, sel ast\.SelectionSet, v [^\n]+\) graphql\.Marshaler \{\n(.*?)\n\}\n`)

// neverNull are the marshallers of gqlgen's scalars that never answer
// graphql.Null, whatever the value: after them, a marshaller's check for a
// null, the only place where it reads its context, never runs.
var neverNull = []string{"graphql.MarshalString(", "graphql.MarshalBoolean(", "graphql.MarshalInt(", "graphql.MarshalInt32(", "graphql.MarshalInt64("}

// nullCheck is the check a marshaller of a non-null scalar makes of what
// its scalar's marshaller answered: its only use of its context.
const nullCheck = `
	if res == graphql.Null {
		if !graphql.HasFieldError(ctx, graphql.GetFieldContext(ctx)) {
			graphql.AddErrorf(ctx, "the requested element is null which the schema does not allow")
		}
	}`

// readsNoContext reports whether a marshaller's body never reads its
// context: it names it only to ignore it, or only in nullCheck after one of
// neverNull. Such a marshaller answers the same with its field's context
// or its parent's.
func readsNoContext(body []byte) bool {
	body = bytes.ReplaceAll(body, []byte("\t_ = ctx\n"), nil)
	if bytes.Contains(body, []byte(nullCheck)) && bytes.Count(body, []byte("res := ")) == 1 &&
		slices.ContainsFunc(neverNull, func(f string) bool { return bytes.Contains(body, []byte("res := "+f)) }) {
		body = bytes.ReplaceAll(body, []byte(nullCheck), nil)
	}
	return !regexp.MustCompile(`\bctx\b`).Match(body)
}

// plainLeaves rewrites every scalar or enum field that reads a struct field
// (plainLeaf, of a leaf type) to make its field context and marshal the
// value, with no call of graphql.ResolveField. That call made four closures,
// boxed the value, and ran the operation's resolver middleware (kith's
// fieldChecks) around a read that cannot fail: about six allocations a
// field, a third of a client profile's. What gqlgen would still do it does:
// the field's context (its path, for an error the marshaller reports) and
// the marshaller, which reports a null in a non-null field. What it skips
// cannot apply to such a field: the middleware's checks decide root fields
// and the children of a field's result (a leaf has none), the transaction's
// lock orders resolvers, a panic cannot come of reading a field of a
// non-nil object, and the "must not be null" of a nil result needs an
// interface (those fields are left to gqlgen). When the marshaller never
// reads its context (readsNoContext: a nullable scalar, an enum, an ID, a
// non-null string, integer or boolean, which cannot be null), the field is marshalled
// in its parent's context, without a context of its own: two allocations
// fewer, and nothing that could read it.
func plainLeaves(src []byte) ([]byte, error) {
	leaves := map[string]bool{}
	for _, m := range scalarContext.FindAllSubmatch(src, -1) {
		leaves[string(m[1])] = true
	}
	contextFree := map[string]bool{}
	for _, m := range marshaller.FindAllSubmatch(src, -1) {
		if readsNoContext(m[2]) {
			contextFree[string(m[1])] = true
		}
	}
	n := 0
	src = plainLeaf.ReplaceAllFunc(src, func(fn []byte) []byte {
		m := plainLeaf.FindSubmatch(fn)
		name, obj, fieldContext, read, typ, marshal := m[1], m[2], m[3], m[4], m[5], m[6]
		if !leaves[string(fieldContext)] || bytes.Equal(typ, []byte("any")) || bytes.Contains(typ, []byte("interface")) {
			return fn
		}
		n++
		if contextFree[string(marshal)] {
			return fmt.Appendf(nil, "func (ec *executionContext) %s(ctx context.Context, field graphql.CollectedField, obj %s) (ret graphql.Marshaler) {\n"+
				"\treturn ec.%s(ctx, field.Selections, %s)\n}\n", name, obj, marshal, read)
		}
		return fmt.Appendf(nil, "func (ec *executionContext) %s(ctx context.Context, field graphql.CollectedField, obj %s) (ret graphql.Marshaler) {\n"+
			"\tfc, err := ec.%s(ctx, field)\n\tif err != nil {\n\t\treturn graphql.Null\n\t}\n"+
			"\treturn ec.%s(graphql.WithFieldContext(ctx, fc), field.Selections, %s)\n}\n", name, obj, fieldContext, marshal, read)
	})
	if n == 0 {
		return nil, fmt.Errorf("no field matches %s", plainLeaf)
	}
	return src, nil
}

// argParser is gqlgen's parser of a field's arguments, the group its name.
var argParser = regexp.MustCompile(`(?m)^func \(ec \*executionContext\) (field_\w+_args)\(ctx context\.Context, rawArgs map\[string\]any\) \(map\[string\]any, error\) \{$`)

// argParsers appends an init that fills fieldArgParsers (declared in
// graph, so that the package gqlgen checks before this rewrite compiles)
// with every parser of a field's arguments by its name, which graph's parsedArgs hands field collection so that an
// edge's arguments are parsed once (ent.WithParsedArgs).
func argParsers(src []byte) ([]byte, error) {
	names := argParser.FindAllSubmatch(src, -1)
	if len(names) == 0 {
		return nil, fmt.Errorf("no %s", argParser)
	}
	src = append(src, "\n// init lists the parsers of fields' arguments in fieldArgParsers (graph/codegen).\n"+
		"func init() {\n\tfieldArgParsers = map[string]func(*executionContext, context.Context, map[string]any) (map[string]any, error){\n"...)
	for _, m := range names {
		src = fmt.Appendf(src, "\t\t%q: (*executionContext).%s,\n", m[1], m[1])
	}
	return append(src, "\t}\n}\n"...), nil
}
