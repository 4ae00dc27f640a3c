package demo_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/demo"
	"github.com/kith-health/kith/kithtest"
)

// TestDemoTimeline seeds the demo practice and reads Sam's timeline as its
// owner: every kind of entry the demo has shows, newest first.
func TestDemoTimeline(t *testing.T) {
	t.Parallel()
	db := kithtest.DB(t, nil)
	api := kithtest.NewAPI(t, db)
	owner, err := demo.Seed(context.Background(), db.Client, api.Auth)
	require.NoError(t, err)
	tok, err := api.Auth.Issue(context.Background(), owner)
	require.NoError(t, err)
	var out struct {
		Clients struct {
			Edges []struct {
				Node struct {
					FirstName string
					Timeline  struct {
						Edges []struct {
							Node struct{ Kind, Summary, Actor string }
						}
					}
				}
			}
		}
	}
	api.OK(tok.Secret, `{ clients(first: 5, where: {firstName: "Samuel"}) { edges { node { firstName
		timeline(first: 50) { edges { node { kind summary actor } } } } } } }`, nil, &out)
	require.Len(t, out.Clients.Edges, 1)
	kinds := map[string]bool{}
	for _, e := range out.Clients.Edges[0].Node.Timeline.Edges {
		kinds[e.Node.Kind] = true
		t.Logf("%-24s %-8s %s", e.Node.Kind, e.Node.Actor, e.Node.Summary)
	}
	for _, k := range []string{"APPOINTMENT_BOOKED", "APPOINTMENT_COMPLETED", "APPOINTMENT_RESCHEDULED", "MESSAGE",
		"FORM_SENT", "FORM_SUBMITTED", "FORM_WITHDRAWN", "INVOICE_ISSUED", "DOCUMENT_SHARED", "DOCUMENT_VIEWED", "PORTAL_ACTIVITY"} {
		require.True(t, kinds[k], k)
	}
}
