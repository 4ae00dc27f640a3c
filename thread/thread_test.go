package thread_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/ent/portalevent"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier/notifiertest"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// family is a practice whose client Alex has an email and two contacts,
// Pat (a parent) and Jo; Pat is also a contact of Kim. Nobody has portal
// access yet. Its queue follows portal messages but never sends.
type family struct {
	env             *notifiertest.Env
	api             *kithtest.API
	p               kithtest.Practice
	alex, kim       string // client IDs
	pat, jo         string // contact IDs
	patAlex, joAlex string // links to Alex
	patKim          string // Pat's link to Kim
}

const (
	alexEmail = "alex@stone.example"
	patEmail  = "pat@family.example"
	joEmail   = "jo@family.example"
)

func setup(t *testing.T) *family {
	t.Helper()
	env := notifiertest.New(t)
	f := &family{env: env, api: env.API, p: env.Practice(t, "practice")}
	f.pat = env.Contact(t, f.p, map[string]any{"firstName": "Pat", "lastName": "Stone", "email": patEmail})
	f.jo = env.Contact(t, f.p, map[string]any{"firstName": "Jo", "lastName": "Stone", "email": joEmail})
	var alex struct {
		CreateClient struct {
			ID           string
			ContactLinks []struct{ ID string }
		}
	}
	f.api.OK(f.p.Token, `mutation($cs: [ClientContactLinkInput!]) {
		createClient(input: {firstName: "Alex", lastName: "Stone", email: "alex@stone.example"}, contacts: $cs) { id contactLinks { id } } }`,
		map[string]any{"cs": []map[string]any{
			{"contactID": f.pat, "relationship": "PARENT"},
			{"contactID": f.jo, "relationship": "OTHER", "relationshipLabel": "aunt"},
		}}, &alex)
	f.alex, f.patAlex, f.joAlex = alex.CreateClient.ID, alex.CreateClient.ContactLinks[0].ID, alex.CreateClient.ContactLinks[1].ID
	var kim struct {
		CreateClient struct {
			ID           string
			ContactLinks []struct{ ID string }
		}
	}
	f.api.OK(f.p.Token, `mutation($cs: [ClientContactLinkInput!]) {
		createClient(input: {firstName: "Kim", lastName: "Stone"}, contacts: $cs) { id contactLinks { id } } }`,
		map[string]any{"cs": []map[string]any{{"contactID": f.pat, "relationship": "PARENT"}}}, &kim)
	f.kim, f.patKim = kim.CreateClient.ID, kim.CreateClient.ContactLinks[0].ID
	return f
}

// inviteContact gives link's contact portal access with scopes and returns
// its session token.
func (f *family) inviteContact(t *testing.T, link, email string, scopes ...string) string {
	t.Helper()
	f.api.OK(f.p.Token, `mutation($id: ID!, $s: [PortalScope!]) { inviteContactToPortal(linkId: $id, scopes: $s) { id } }`,
		map[string]any{"id": link, "s": scopes}, nil)
	return f.claim(t, email)
}

// inviteAlex gives Alex its own portal access and returns its session token.
func (f *family) inviteAlex(t *testing.T) string {
	t.Helper()
	f.api.OK(f.p.Token, `mutation($id: ID!) { inviteClientToPortal(clientId: $id) { id } }`, map[string]any{"id": f.alex}, nil)
	return f.claim(t, alexEmail)
}

// claim claims the last invitation sent to email and returns the session token.
func (f *family) claim(t *testing.T, email string) string {
	t.Helper()
	_, tok, ok := strings.Cut(f.api.Outbox.Last(t, email).Link, "token=")
	require.True(t, ok)
	var out struct{ ClaimPortalInvitation struct{ Token string } }
	f.api.OK("", `mutation($t: String!) { claimPortalInvitation(token: $t) { token } }`, map[string]any{"t": tok}, &out)
	return out.ClaimPortalInvitation.Token
}

type portalMessage struct {
	ID, Direction, Body string
	AuthorName          *string
	ReadAt              *string
}

// portalMessages reads the portal user's own thread about client.
func (f *family) portalMessages(t *testing.T, session, client string) []portalMessage {
	t.Helper()
	var out struct{ PortalMessages []portalMessage }
	f.api.Acting(client).OK(session, `{ portalMessages { id direction body authorName readAt } }`, nil, &out)
	return out.PortalMessages
}

// write sends body to the practice as the portal user, acting for client.
func (f *family) write(t *testing.T, session, client, body string) string {
	t.Helper()
	var out struct{ SendMessageToPractice struct{ ID string } }
	f.api.Acting(client).OK(session, `mutation($b: String!) { sendMessageToPractice(body: $b) { id } }`, map[string]any{"b": body}, &out)
	return out.SendMessageToPractice.ID
}

// answer writes body from the practice in the thread of client and contact ("" for the client's own).
func (f *family) answer(t *testing.T, client, contact, body string) string {
	t.Helper()
	var out struct{ SendPortalMessage struct{ ID string } }
	f.api.OK(f.p.Token, `mutation($c: ID!, $co: ID, $b: String!) { sendPortalMessage(clientId: $c, contactId: $co, body: $b) { id } }`,
		map[string]any{"c": client, "co": nilIfEmpty(contact), "b": body}, &out)
	return out.SendPortalMessage.ID
}

// staffMessages reads a thread as staff: the bodies, newest first.
func (f *family) staffMessages(t *testing.T, client, contact string) []string {
	t.Helper()
	var out struct{ ThreadMessages []struct{ Body string } }
	f.api.OK(f.p.Token, `query($c: ID!, $co: ID) { threadMessages(clientId: $c, contactId: $co) { body } }`,
		map[string]any{"c": client, "co": nilIfEmpty(contact)}, &out)
	bodies := make([]string, len(out.ThreadMessages))
	for i, m := range out.ThreadMessages {
		bodies[i] = m.Body
	}
	return bodies
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func bodies(ms []portalMessage) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Body
	}
	return out
}

func TestEachPersonHasItsOwnThread(t *testing.T) {
	t.Parallel()
	f := setup(t)
	alex := f.inviteAlex(t)
	pat := f.inviteContact(t, f.patAlex, patEmail, "MESSAGING")
	f.api.OK(f.p.Token, `mutation($id: ID!) { inviteContactToPortal(linkId: $id, scopes: [MESSAGING]) { id } }`, map[string]any{"id": f.patKim}, nil)
	f.claim(t, patEmail)

	f.write(t, alex, f.alex, "from Alex")
	f.write(t, pat, f.alex, "from Pat about Alex")
	f.write(t, pat, f.kim, "from Pat about Kim")
	f.answer(t, f.alex, "", "to Alex")
	f.answer(t, f.alex, f.pat, "to Pat about Alex")

	// The client's thread shows only the client's messages; each contact sees its own.
	require.Equal(t, []string{"to Alex", "from Alex"}, bodies(f.portalMessages(t, alex, f.alex)))
	require.Equal(t, []string{"to Pat about Alex", "from Pat about Alex"}, bodies(f.portalMessages(t, pat, f.alex)))
	require.Equal(t, []string{"from Pat about Kim"}, bodies(f.portalMessages(t, pat, f.kim)))
	require.Equal(t, []string{"to Alex", "from Alex"}, f.staffMessages(t, f.alex, ""))
	require.Equal(t, []string{"to Pat about Alex", "from Pat about Alex"}, f.staffMessages(t, f.alex, f.pat))
	require.Equal(t, []string{"from Pat about Kim"}, f.staffMessages(t, f.kim, f.pat))

	ms := f.portalMessages(t, pat, f.alex)
	require.Equal(t, "FROM_PRACTICE", ms[0].Direction)
	require.Equal(t, "Owner of practice", *ms[0].AuthorName)
	require.Equal(t, "FROM_PORTAL", ms[1].Direction)
	require.Nil(t, ms[1].AuthorName)

	// Staff list the threads: the client's own first, then Pat's with the relationship; Jo has none.
	type thread struct {
		Contact         *struct{ FirstName string }
		Relationship    *string
		LastMessage     *struct{ Body, AuthorEmail string }
		UnreadCount     int
		CanReadInPortal bool
	}
	threads := func() []thread {
		var out struct {
			Node struct{ MessageThreads []thread }
		}
		f.api.OK(f.p.Token, `query($id: ID!) { node(id: $id) { ... on Client { messageThreads {
			contact { firstName } relationship lastMessage { body authorEmail } unreadCount canReadInPortal } } } }`,
			map[string]any{"id": f.alex}, &out)
		return out.Node.MessageThreads
	}
	ts := threads()
	require.Len(t, ts, 2)
	require.Nil(t, ts[0].Contact)
	require.Nil(t, ts[0].Relationship)
	require.Equal(t, "to Alex", ts[0].LastMessage.Body)
	require.Equal(t, 1, ts[0].UnreadCount)
	require.True(t, ts[0].CanReadInPortal)
	require.Equal(t, "Pat", ts[1].Contact.FirstName)
	require.Equal(t, "PARENT", *ts[1].Relationship)
	require.Equal(t, 1, ts[1].UnreadCount)

	// Staff mark Pat's thread read; Pat marks the practice's message read.
	var read struct{ MarkThreadRead struct{ UnreadCount int } }
	f.api.OK(f.p.Token, `mutation($c: ID!, $co: ID) { markThreadRead(clientId: $c, contactId: $co) { unreadCount } }`,
		map[string]any{"c": f.alex, "co": f.pat}, &read)
	require.Zero(t, read.MarkThreadRead.UnreadCount)
	require.Equal(t, 1, threads()[0].UnreadCount, "Alex's own thread is untouched")
	require.NotNil(t, f.portalMessages(t, pat, f.alex)[1].ReadAt, "the practice read Pat's message")
	var marked struct{ MarkPortalMessagesRead int }
	f.api.Acting(f.alex).OK(pat, `mutation { markPortalMessagesRead }`, nil, &marked)
	require.Equal(t, 1, marked.MarkPortalMessagesRead)
	require.NotNil(t, f.portalMessages(t, pat, f.alex)[0].ReadAt)
	require.Nil(t, f.portalMessages(t, alex, f.alex)[0].ReadAt, "Alex has not read the practice's message")

	// Each portal message is in the client's portal activity.
	sys := viewer.NewContext(context.Background(), viewer.System{OrgID: f.p.Org.ID})
	events := f.env.DB.Client.PortalEvent.Query().Where(portalevent.Action("MESSAGE_SENT")).AllX(sys)
	require.Len(t, events, 3)
}

func TestWhatThePortalMayNotSeeReadsAsMissing(t *testing.T) {
	t.Parallel()
	f := setup(t)
	pat := f.inviteContact(t, f.patAlex, patEmail, "MESSAGING")
	jo := f.inviteContact(t, f.joAlex, joEmail, "VIEW_FORMS")
	f.answer(t, f.alex, f.jo, "to Jo")
	f.answer(t, f.alex, "", "to Alex")
	f.answer(t, f.alex, f.pat, "to Pat")

	// Jo, without MESSAGING, sees no thread and cannot write or mark read.
	require.Empty(t, f.portalMessages(t, jo, f.alex))
	e := f.api.Acting(f.alex).Fail(jo, `mutation { sendMessageToPractice(body: "hello") { id } }`, nil)
	require.Equal(t, "NOT_FOUND", e.Code())
	e = f.api.Acting(f.alex).Fail(jo, `mutation { markPortalMessagesRead }`, nil)
	require.Equal(t, "NOT_FOUND", e.Code())

	// Pat acting for Kim, where Pat has no messaging, sees nothing of Alex's threads.
	f.api.OK(f.p.Token, `mutation($id: ID!) { inviteContactToPortal(linkId: $id) { id } }`, map[string]any{"id": f.patKim}, nil)
	f.claim(t, patEmail)
	require.Empty(t, f.portalMessages(t, pat, f.kim))
	e = f.api.Acting(f.kim).Fail(pat, `mutation { sendMessageToPractice(body: "hello") { id } }`, nil)
	require.Equal(t, "NOT_FOUND", e.Code())

	// A client Jo may not act for reads as missing; no header asks for one.
	e = f.api.Acting(f.kim).Fail(jo, `{ portalMessages { id } }`, nil)
	require.Equal(t, "NOT_FOUND", e.Code())
	require.Equal(t, "X-Kith-Client", e.Field())
	e = f.api.Fail(jo, `mutation { sendMessageToPractice(body: "hello") { id } }`, nil)
	require.Equal(t, "BAD_USER_INPUT", e.Code())

	// Revoked: Pat's thread about Alex is gone from the very next request.
	require.Equal(t, []string{"to Pat"}, bodies(f.portalMessages(t, pat, f.alex)))
	f.api.OK(f.p.Token, `mutation($id: ID!) { revokeContactPortal(linkId: $id) { id } }`, map[string]any{"id": f.patAlex}, nil)
	for _, q := range []string{`{ portalMessages { id } }`, `mutation { sendMessageToPractice(body: "hello") { id } }`} {
		e = f.api.Acting(f.alex).Fail(pat, q, nil)
		require.Equal(t, "NOT_FOUND", e.Code(), q)
	}
	// Staff still read the thread.
	require.Equal(t, []string{"to Pat"}, f.staffMessages(t, f.alex, f.pat))
}

func TestStaffOnlyAndOtherOrganisations(t *testing.T) {
	t.Parallel()
	f := setup(t)
	alex := f.inviteAlex(t)
	f.write(t, alex, f.alex, "private")
	other := f.env.Practice(t, "other")
	otherClient := f.env.Client(t, other, map[string]any{"firstName": "Oz", "lastName": "Other", "email": "oz@other.example"})

	// Another organisation's staff: the client and its messages read as missing.
	for _, q := range []string{
		`query($c: ID!, $co: ID) { threadMessages(clientId: $c, contactId: $co) { body } }`,
		`mutation($c: ID!, $co: ID) { sendPortalMessage(clientId: $c, contactId: $co, body: "hi") { id } }`,
		`mutation($c: ID!, $co: ID) { markThreadRead(clientId: $c, contactId: $co) { unreadCount } }`,
	} {
		e := f.api.Fail(other.Token, q, map[string]any{"c": f.alex})
		require.Equal(t, "NOT_FOUND", e.Code(), q)
		require.Equal(t, "clientId", e.Field(), q)
	}
	// A contact of another organisation, or one not linked to the client, reads as missing too.
	stranger := f.env.Contact(t, f.p, map[string]any{"firstName": "Lee", "lastName": "Away", "email": "lee@away.example"})
	for _, co := range []string{stranger, f.env.Contact(t, other, map[string]any{"firstName": "Oz", "email": "oz@other.example"})} {
		e := f.api.Fail(f.p.Token, `mutation($c: ID!, $co: ID) { sendPortalMessage(clientId: $c, contactId: $co, body: "hi") { id } }`,
			map[string]any{"c": f.alex, "co": co})
		require.Equal(t, "NOT_FOUND", e.Code(), co)
		require.Equal(t, "contactId", e.Field(), co)
	}
	e := f.api.Fail(f.p.Token, `mutation($c: ID!) { sendPortalMessage(clientId: $c, body: "  ") { id } }`, map[string]any{"c": f.alex})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "body", e.Field())
	var mine struct{ ThreadMessages []struct{ Body string } }
	f.api.OK(other.Token, `query($c: ID!) { threadMessages(clientId: $c) { body } }`, map[string]any{"c": otherClient}, &mine)
	require.Empty(t, mine.ThreadMessages)

	// Visitors are unauthenticated; staff and portal stay on their own side.
	require.Equal(t, "UNAUTHENTICATED", f.api.Fail("", `{ portalMessages { id } }`, nil).Code())
	require.Equal(t, "UNAUTHENTICATED", f.api.Fail("", `query($c: ID!) { threadMessages(clientId: $c) { id } }`, map[string]any{"c": f.alex}).Code())
	require.Equal(t, "FORBIDDEN", f.api.Fail(f.p.Token, `{ portalMessages { id } }`, nil).Code())
	require.Equal(t, "FORBIDDEN", f.api.Acting(f.alex).Fail(alex, `query($c: ID!) { threadMessages(clientId: $c) { id } }`, map[string]any{"c": f.alex}).Code())
	require.Equal(t, "FORBIDDEN", f.api.Acting(f.alex).Fail(alex, `mutation($c: ID!) { sendPortalMessage(clientId: $c, body: "x") { id } }`, map[string]any{"c": f.alex}).Code())
}

func TestTheOtherSideIsEmailedWithoutTheMessage(t *testing.T) {
	t.Parallel()
	f := setup(t)
	alex := f.inviteAlex(t)
	f.inviteContact(t, f.patAlex, patEmail, "MESSAGING")
	f.inviteContact(t, f.joAlex, joEmail, "VIEW_FORMS")
	const secret = "your test results are back"
	f.answer(t, f.alex, f.pat, secret)
	f.answer(t, f.alex, "", secret)
	f.answer(t, f.alex, f.jo, secret)
	f.write(t, alex, f.alex, "a question")

	sys := viewer.NewContext(context.Background(), viewer.System{OrgID: f.p.Org.ID})
	ns := f.env.DB.Client.Notification.Query().
		Where(notification.KindEQ(schematype.MessageKindPortalMessage)).
		Order(notification.ByCreatedAt(), notification.ByID()).AllX(sys)
	require.Len(t, ns, 3, "one per message from the practice, none for the portal's")
	byAddress := map[string]int{}
	for i, n := range ns {
		byAddress[n.Address] = i
		require.Equal(t, schematype.ChannelEmail, n.Channel)
		require.Equal(t, pulid.ID(f.alex), n.ClientID)
		require.NotContains(t, n.Subject+n.HTML+n.Text, secret)
		require.Equal(t, "You have a new message from Practice Practice", n.Subject)
	}
	pat, client, jo := ns[byAddress[patEmail]], ns[byAddress[alexEmail]], ns[byAddress[joEmail]]
	require.Equal(t, notification.StatusQueued, pat.Status)
	require.Equal(t, pulid.ID(f.pat), pat.ContactID)
	require.Equal(t, "Pat Stone", pat.RecipientName)
	require.Contains(t, pat.Text, "Hi Pat,")
	require.Contains(t, pat.Text, notifiertest.PublicURL+"/portal/messages?client="+f.alex)
	require.Equal(t, notification.StatusQueued, client.Status)
	require.Empty(t, client.ContactID)
	require.Contains(t, client.Text, "Hi Alex,")
	// Jo cannot read messages in the portal: the notice is skipped, saying why.
	require.Equal(t, notification.StatusSkipped, jo.Status)
	require.Equal(t, "they cannot read messages in the portal", jo.Reason)
}
