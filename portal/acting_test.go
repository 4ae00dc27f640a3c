package portal_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/graph"
)

// actingFields are the root fields the schema declares
// @portal(acting: true), by "Query.name" or "Mutation.name".
func actingFields(t *testing.T) []string {
	t.Helper()
	schema := graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{}}).Schema()
	var out []string
	for _, typ := range []string{"Query", "Mutation"} {
		for _, f := range schema.Types[typ].Fields {
			d := f.Directives.ForName("portal")
			if d == nil {
				continue
			}
			if a := d.Arguments.ForName("acting"); a != nil && a.Value.Raw == "true" {
				out = append(out, typ+"."+f.Name)
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestActingFieldsCarryTheDirective fails when a root field that works on
// the client a portal request acts for (forActing or forScope in the
// authorisation matrix) lacks @portal(acting: true), or carries it without
// needing it.
func TestActingFieldsCarryTheDirective(t *testing.T) {
	t.Parallel()
	var want []string
	for name, op := range matrixOps {
		if op.who == forActing || op.who == forScope {
			want = append(want, name)
		}
	}
	slices.Sort(want)
	require.Len(t, want, 17)
	require.Equal(t, want, actingFields(t), "fields of the matrix's forActing and forScope rows must be declared @portal(acting: true), and only they")
}

// TestActingClientError: every @portal(acting: true) field answers the one
// acting-client error, before its resolver runs: BAD_USER_INPUT on
// X-Kith-Client without the header, NOT_FOUND on X-Kith-Client for a client
// the person may not act for.
func TestActingClientError(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	byName := map[string]role{}
	for _, r := range fx.roles {
		byName[r.name] = r
	}
	nobody, notTheirs := byName["client acting for nobody"], byName["client acting for Sam"]
	for _, name := range actingFields(t) {
		op := matrixOps[name]
		for _, c := range []struct {
			r       role
			code    string
			message string
		}{
			{nobody, "BAD_USER_INPUT", "name the client you act for in the X-Kith-Client header; portalViewer lists them"},
			{notTheirs, "NOT_FOUND", "was found"},
		} {
			rsp := fx.api.Acting(c.r.acting).Do(c.r.token, op.doc, op.varsFor(fx, c.r))
			require.Len(t, rsp.Errors, 1, "%s as %s: %v", name, c.r.name, rsp.Errors)
			e := rsp.Errors[0]
			require.Equal(t, c.code, e.Code(), "%s as %s", name, c.r.name)
			require.Equal(t, "X-Kith-Client", e.Field(), "%s as %s", name, c.r.name)
			require.True(t, strings.Contains(e.Message, c.message), "%s as %s: %q", name, c.r.name, e.Message)
		}
	}
}
