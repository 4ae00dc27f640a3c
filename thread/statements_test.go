package thread_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/kithtest"
)

// TestThreadListStatementsDoNotGrow proves Client.messageThreads has no N+1:
// a client's threads, each with its latest message and unread count, cost
// the same number of SQL statements for 2 contacts' threads as for 8,
// including a thread of a contact no longer linked.
func TestThreadListStatementsDoNotGrow(t *testing.T) {
	t.Parallel()
	statements := func(n int) int64 {
		var counter atomic.Int64
		db := kithtest.DB(t, &counter)
		p := kithtest.NewPractice(t, db, fmt.Sprintf("n%d", n))
		api := kithtest.NewAPI(t, db)
		var links []map[string]any
		for i := range n + 1 {
			links = append(links, map[string]any{"contact": map[string]any{"firstName": fmt.Sprintf("C%d", i), "email": fmt.Sprintf("c%d@family.example", i)}, "relationship": "PARENT"})
		}
		var c struct {
			CreateClient struct {
				ID           string
				ContactLinks []struct {
					ID      string
					Contact struct{ ID string }
				}
			}
		}
		api.OK(p.Token, `mutation($cs: [ClientContactLinkInput!]) { createClient(input: {firstName: "Sam", lastName: "Rivera"}, contacts: $cs) {
			id contactLinks { id contact { id } } } }`, map[string]any{"cs": links}, &c)
		client := c.CreateClient.ID
		send := `mutation($c: ID!, $co: ID, $b: String!) { sendPortalMessage(clientId: $c, contactId: $co, body: $b) { id } }`
		api.OK(p.Token, send, map[string]any{"c": client, "b": "to Sam"}, nil)
		for _, l := range c.CreateClient.ContactLinks {
			for i := range 2 {
				api.OK(p.Token, send, map[string]any{"c": client, "co": l.Contact.ID, "b": fmt.Sprintf("message %d", i)}, nil)
			}
		}
		// The last contact is unlinked: its thread stays.
		unlinked := c.CreateClient.ContactLinks[n]
		api.OK(p.Token, `mutation($id: ID!) { removeClientContact(id: $id) }`, map[string]any{"id": unlinked.ID}, nil)

		q := `query($id: ID!) { node(id: $id) { ... on Client { messageThreads {
			contact { id firstName } relationship lastMessage { body } unreadCount canReadInPortal } } } }`
		var out struct {
			Node struct {
				MessageThreads []struct {
					Contact     *struct{ ID, FirstName string }
					LastMessage *struct{ Body string }
				}
			}
		}
		api.OK(p.Token, q, map[string]any{"id": client}, nil) // warm the token and query caches
		counter.Store(0)
		api.OK(p.Token, q, map[string]any{"id": client}, &out)
		ts := out.Node.MessageThreads
		require.Len(t, ts, n+2, "the client's own, one per linked contact, the unlinked contact's")
		require.Nil(t, ts[0].Contact)
		require.Equal(t, "to Sam", ts[0].LastMessage.Body)
		for _, th := range ts[1:] {
			require.NotNil(t, th.Contact)
			require.Equal(t, "message 1", th.LastMessage.Body, th.Contact.FirstName)
		}
		return counter.Load()
	}
	two, eight := statements(2), statements(8)
	require.Equal(t, two, eight, "statements for 2 contacts' threads vs 8")
	t.Logf("%d statements for 2 contacts' threads and for 8", two)
}
