package portal_test

import (
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/kithtest"
)

// TestPortalHomeStatements: authenticating a portal request reads the
// session with every client its person may act for, in one statement, and
// the client switcher (portalViewer.clients, actingFor) answers from
// those: asking for it costs no statement more than asking for the email
// alone, and a session that names no client costs that one statement.
// Revocation still holds on the next request (TestRevokedContactLosesAccess
// and the matrix), because every request reads the accesses anew.
func TestPortalHomeStatements(t *testing.T) {
	t.Parallel()
	var counter atomic.Int64
	db := kithtest.DB(t, &counter)
	api := kithtest.NewAPI(t, db)
	p := kithtest.NewPractice(t, db, "home")
	var pat struct{ CreateContact struct{ ID string } }
	api.OK(p.Token, `mutation { createContact(input: {firstName: "Pat", email: "pat@family.example"}) { id } }`, nil, &pat)
	var session string
	var children []string
	for _, name := range []string{"Sam", "Kim"} {
		var c struct {
			CreateClient struct {
				ID           string
				ContactLinks []struct{ ID string }
			}
		}
		api.OK(p.Token, `mutation($n: String!, $co: ID!) { createClient(input: {firstName: $n, lastName: "Rivera"},
			contacts: [{contactID: $co, relationship: PARENT, portalScopes: [VIEW_FORMS]}]) { id contactLinks { id } } }`,
			map[string]any{"n": name, "co": pat.CreateContact.ID}, &c)
		children = append(children, c.CreateClient.ID)
		session = claimToken(t, api, p.Token, c.CreateClient.ContactLinks[0].ID, "pat@family.example")
	}
	statements := func(acting, query string) int64 {
		t.Helper()
		as := api
		if acting != "" {
			as = api.Acting(acting)
		}
		as.OK(session, query, nil, nil) // warm the query caches
		counter.Store(0)
		var out struct {
			PortalViewer struct {
				Clients   []struct{ ClientID string }
				ActingFor *struct{ ClientID string }
			}
		}
		as.OK(session, query, nil, &out)
		if acting != "" && len(out.PortalViewer.Clients) > 0 {
			require.Len(t, out.PortalViewer.Clients, 2)
			require.Equal(t, acting, out.PortalViewer.ActingFor.ClientID)
		}
		return counter.Load()
	}
	const email = `{ portalViewer { email } }`
	const switcher = `{ portalViewer { email clients { clientId clientFirstName scopes } actingFor { clientId } } }`
	require.EqualValues(t, 1, statements("", email), "authentication alone")
	require.EqualValues(t, 1, statements("", switcher), "the switcher, acting for nobody")
	require.EqualValues(t, 1, statements(children[1], email), "authentication acting for a child")
	require.EqualValues(t, 1, statements(children[1], switcher), "the switcher, acting for a child")
}
