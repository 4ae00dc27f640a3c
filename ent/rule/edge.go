package rule

import (
	"context"
	"fmt"
	"strings"

	"entgo.io/ent"

	"github.com/kith-health/kith"
	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/pulid"
)

// EdgesInOrganization refuses a mutation that links a record to another one
// the viewer cannot see: a record of another organisation, one that does not
// exist, or one of the wrong kind. Each reads as NOT_FOUND on the input field.
func EdgesInOrganization() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			cm, ok := m.(interface{ Client() *gen.Client })
			if !ok {
				return nil, fmt.Errorf("rule: %T has no client", m)
			}
			for _, edge := range m.AddedEdges() {
				if edge == "organization" {
					continue // set from the viewer by AssignOrganization
				}
				want := gen.EdgeTable(m.Type(), edge)
				for _, v := range m.AddedIDs(edge) {
					id, _ := v.(pulid.ID)
					if err := visible(ctx, cm.Client(), id, want); err != nil {
						return nil, &kith.NotFoundError{Field: edgeField(m.Op(), edge), ID: id}
					}
				}
			}
			return next.Mutate(ctx, m)
		})
	}
}

// visible returns an error unless id names a row of table that the viewer can see.
// A memo in ctx (WithEdgeMemo) answers for records already seen.
func visible(ctx context.Context, c *gen.Client, id pulid.ID, table string) error {
	if got, err := gen.TableOf(ctx, id); err != nil || got != table {
		return kith.ErrNotFound
	}
	memo, entry, ok := memoFor(ctx, id)
	if ok && memo.has(entry) {
		return nil
	}
	if _, err := c.Noder(ctx, id, gen.WithNodeType(gen.TableOf)); err != nil {
		return err
	}
	if ok {
		memo.add(entry)
	}
	return nil
}

// edgeField names the GraphQL input field that sets edge: "client" is
// "clientID"; "practitioners" is "practitionerIDs" on create and
// "addPractitionerIDs" on update.
func edgeField(op ent.Op, edge string) string {
	name := kith.CamelCase(edge)
	if !strings.HasSuffix(name, "s") {
		return name + "ID"
	}
	name = strings.TrimSuffix(name, "s") + "IDs"
	if op.Is(ent.OpCreate) {
		return name
	}
	return "add" + strings.ToUpper(name[:1]) + name[1:]
}
