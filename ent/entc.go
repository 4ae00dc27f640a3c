//go:build ignore

// entc generates the ent client, its GraphQL schema (ent.graphqls) and the
// entgql glue. Run it through `go generate ./...` from the repository root,
// which runs gqlgen right after it.
package main

import (
	"bytes"
	"log"
	"os"
	"regexp"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"

	"github.com/kith-health/kith/ent/effect"
)

func main() {
	ex, err := entgql.NewExtension(
		// entgql's templates, with its mutation inputs' fixed (see the template).
		entgql.WithTemplates(
			entgql.CollectionTemplate, entgql.EnumTemplate, entgql.NodeTemplate, entgql.PaginationTemplate,
			entgql.TransactionTemplate, entgql.EdgeTemplate,
			gen.MustParse(gen.NewTemplate("gql_mutation_input").Funcs(entgql.TemplateFuncs).ParseFiles("./ent/template/gql_mutation_input.tmpl")),
		),
		entgql.WithConfigPath("./gqlgen.yml"),
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("./ent.graphqls"),
		entgql.WithWhereInputs(true),
		entgql.WithRelaySpec(true),
	)
	if err != nil {
		log.Fatalf("creating entgql extension: %v", err)
	}
	templates := []*gen.Template{
		gen.MustParse(gen.NewTemplate("idprefix").ParseFiles("./ent/template/idprefix.tmpl")),
		gen.MustParse(gen.NewTemplate("dialect").ParseFiles("./ent/template/dialect.tmpl")),
		gen.MustParse(gen.NewTemplate("appends").ParseFiles("./ent/template/appends.tmpl")),
	}
	err = entc.Generate("./ent/schema", &gen.Config{
		Features: []gen.Feature{
			gen.FeaturePrivacy,
			gen.FeatureEntQL,
			gen.FeatureIntercept,
			gen.FeatureNamedEdges,
			gen.FeatureVersionedMigration,
			gen.FeatureExecQuery,
		},
		Templates: templates,
		Hooks:     []gen.Hook{describeTypes("./ent.graphqls")},
	}, entc.Extensions(ex),
		// The notifier the schema's hooks reach (package ent/effect), set once per client.
		entc.Dependency(entc.DependencyName("Effects"), entc.DependencyType(&effect.Slot{})),
	)
	if err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
	if err := renameClientType("./ent.graphqls"); err != nil {
		log.Fatalf("renaming ClientProfile: %v", err)
	}
	if err := renameClientImplementors("./ent/gql_node.go"); err != nil {
		log.Fatalf("renaming ClientProfile: %v", err)
	}
}

// clientProfileName matches ClientProfile in the GraphQL names entgql
// derives from the schema, and in the Go paths of @goModel directives.
var clientProfileName = regexp.MustCompile(`(ent\.)?ClientProfile`)

// renameClientType renames ClientProfile to Client in the GraphQL schema.
// ent reserves the Go name Client for its database client, and entgql's
// Type annotation would alias that very name, so the schema is named
// ClientProfile in Go and renamed here; gqlgen.yml maps the names back.
func renameClientType(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	b = clientProfileName.ReplaceAllFunc(b, func(m []byte) []byte {
		if len(m) > len("ClientProfile") {
			return m // a Go path such as ent.ClientProfile stays
		}
		return []byte("Client")
	})
	return os.WriteFile(path, b, 0o644)
}

// renameClientImplementors makes the generated field collection match
// fragments on the GraphQL type Client (`... on Client`), not ClientProfile.
func renameClientImplementors(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	b = bytes.ReplaceAll(b, []byte(`[]string{"ClientProfile", "Node"}`), []byte(`[]string{"Client", "Node"}`))
	return os.WriteFile(path, b, 0o644)
}

// describeTypes gives each GraphQL type the text of its schema's
// schema.Comment annotation as its description, which entgql leaves out. It
// runs after every other generator, once ent.graphqls is written.
func describeTypes(path string) gen.Hook {
	return func(next gen.Generator) gen.Generator {
		return gen.GenerateFunc(func(g *gen.Graph) error {
			if err := next.Generate(g); err != nil {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, n := range g.Nodes {
				ant, ok := n.Annotations["Comment"].(map[string]any)
				if !ok {
					continue
				}
				text, _ := ant["Text"].(string)
				decl := []byte("\ntype " + n.Name + " implements Node")
				b = bytes.Replace(b, decl, []byte("\n\"\"\"\n"+text+"\n\"\"\""+string(decl)), 1)
			}
			return os.WriteFile(path, b, 0o644)
		})
	}
}
