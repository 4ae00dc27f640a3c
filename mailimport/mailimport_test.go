package mailimport_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	entcommunication "github.com/kith-health/kith/ent/communication"
	entmailbox "github.com/kith-health/kith/ent/mailbox"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/mailbox"
	"github.com/kith-health/kith/mailimport"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/server"
	"github.com/kith-health/kith/viewer"
)

const (
	address  = "frontdesk@maple.example"
	password = "Sup3r-Secret-App-Passw0rd"
)

// bundle is a practice with a client (Robin, robin@example.com), a parent
// contact linked to Robin only (casey@example.com), a practitioner assigned
// to Robin and an admin; an in-process IMAP server (go-imap's in-memory
// one) holding the practice's mailbox; the real HTTP API logging into logs.
type bundle struct {
	db       *database.DB
	p        kithtest.Practice
	api      *kithtest.API
	logs     *kithtest.LogBuffer
	mail     *mailimport.Service
	user     *imapmemserver.User
	port     int
	robin    pulid.ID
	casey    pulid.ID
	prac     string // practitioner's token
	admin    string // admin's token
	ctx      context.Context
	sysCtx   context.Context
	msgCount int
}

func setup(t *testing.T) *bundle {
	t.Helper()
	db := kithtest.DB(t, nil)
	p := kithtest.NewPractice(t, db, "maple")
	logs := &kithtest.LogBuffer{}
	api := kithtest.NewAPIConfig(t, db, server.Config{HandlerConfig: graph.HandlerConfig{Logger: logs.Logger()}}, auth.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	b := &bundle{db: db, p: p, api: api, logs: logs, ctx: ctx, mail: kithtest.NotifierOf(t, db).Mail,
		sysCtx: viewer.NewContext(ctx, viewer.System{OrgID: p.Org.ID})}

	mem := imapmemserver.New()
	b.user = imapmemserver.NewUser(address, password)
	for _, name := range []string{"INBOX", "Sent"} {
		require.NoError(t, b.user.Create(name, nil))
	}
	mem.AddUser(b.user)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIdle: {}},
		InsecureAuth: true,
		Logger:       nopLogger{},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	b.port = ln.Addr().(*net.TCPAddr).Port

	var dr, adm *ent.Staff
	_, err = transaction.Run(b.sysCtx, db.Client, func(ctx context.Context, c *ent.Client) (struct{}, error) {
		var err error
		dr, err = c.Staff.Create().SetName("Dr Lee").SetEmail("lee@maple.example").SetRole(staff.RolePractitioner).Save(ctx)
		require.NoError(t, err)
		adm, err = c.Staff.Create().SetName("Ada Admin").SetEmail("ada@maple.example").SetRole(staff.RoleAdmin).Save(ctx)
		require.NoError(t, err)
		robin, err := c.ClientProfile.Create().SetFirstName("Robin").SetLastName("Hughes").SetEmail("robin@example.com").
			AddPractitionerIDs(dr.ID).Save(ctx)
		require.NoError(t, err)
		casey, err := c.Contact.Create().SetFirstName("Casey").SetEmail("casey@example.com").Save(ctx)
		require.NoError(t, err)
		require.NoError(t, c.ClientContact.Create().SetClientID(robin.ID).SetContactID(casey.ID).Exec(ctx))
		b.robin, b.casey = robin.ID, casey.ID
		return struct{}{}, nil
	})
	require.NoError(t, err)
	authn := kithtest.Auth(db.Client)
	tok, err := authn.Issue(context.Background(), dr)
	require.NoError(t, err)
	b.prac = tok.Secret
	tok, err = authn.Issue(context.Background(), adm)
	require.NoError(t, err)
	b.admin = tok.Secret
	return b
}

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}

// deliver appends a message to folder, as the mail server does on delivery.
func (b *bundle) deliver(t *testing.T, folder, from, to, id, inReplyTo, subject string) {
	t.Helper()
	_, err := b.user.Append(folder, bytes.NewReader(b.message(from, to, id, inReplyTo, subject)), &imap.AppendOptions{})
	require.NoError(t, err)
}

// message is a plain-text email.
func (b *bundle) message(from, to, id, inReplyTo, subject string) []byte {
	var h strings.Builder
	fmt.Fprintf(&h, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: Mon, 30 Nov 2026 10:%02d:00 -0500\r\n", from, to, subject, b.msgCount)
	b.msgCount++
	if id != "" {
		fmt.Fprintf(&h, "Message-ID: <%s>\r\n", id)
	}
	if inReplyTo != "" {
		fmt.Fprintf(&h, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n", inReplyTo, inReplyTo)
	}
	h.WriteString("Content-Type: text/plain; charset=utf-8\r\n\r\nHello about " + subject + "\r\n")
	return []byte(h.String())
}

const connectMutation = `mutation($in: ConnectMailboxInput!) { connectMailbox(input: $in) {
  id address host port security username inboxFolder sentFolder active lastError } }`

type mailboxOut struct {
	ID, Address, Host, Security, Username, InboxFolder, SentFolder, LastError string
	Port                                                                      int
	Active                                                                    bool
}

func (b *bundle) input(extra map[string]any) map[string]any {
	in := map[string]any{"address": address, "host": "127.0.0.1", "port": b.port, "security": "NONE", "password": password}
	for k, v := range extra {
		in[k] = v
	}
	return in
}

// connect connects the mailbox as the owner.
func (b *bundle) connect(t *testing.T) mailboxOut {
	t.Helper()
	var out struct{ ConnectMailbox mailboxOut }
	b.api.OK(b.p.Token, connectMutation, map[string]any{"in": b.input(nil)}, &out)
	return out.ConnectMailbox
}

// importNow runs one import of the mailbox with svc.
func (b *bundle) importNow(t *testing.T, svc *mailimport.Service, id string) mailimport.Result {
	t.Helper()
	res, err := svc.Import(b.ctx, pulid.ID(id))
	require.NoError(t, err)
	return res
}

func (b *bundle) stored(t *testing.T, id string) *ent.Mailbox {
	t.Helper()
	m, err := b.db.Client.Mailbox.Get(b.sysCtx, pulid.ID(id))
	require.NoError(t, err)
	return m
}

func (b *bundle) emails(t *testing.T) []*ent.Communication {
	t.Helper()
	cs, err := b.db.Client.Communication.Query().Where(entcommunication.KindEQ(entcommunication.KindEmail)).
		Order(ent.Asc(entcommunication.FieldOccurredAt)).All(b.sysCtx)
	require.NoError(t, err)
	return cs
}

func TestConnectMailbox(t *testing.T) {
	t.Parallel()
	b := setup(t)
	m := b.connect(t)
	require.Equal(t, mailboxOut{ID: m.ID, Address: address, Host: "127.0.0.1", Port: b.port, Security: "NONE",
		Username: address, InboxFolder: "INBOX", SentFolder: "Sent", Active: true}, m)
	stored := b.stored(t, m.ID)
	require.NotEmpty(t, stored.Secret)
	require.NotContains(t, string(stored.Secret), password, "sealed at rest")
	opened, err := mailbox.Open(kithtest.MailboxKey, stored.Secret)
	require.NoError(t, err)
	require.Equal(t, password, opened)
	require.Equal(t, b.p.Owner.ID, stored.ConnectedByID)

	// A wrong password: BAD_USER_INPUT on password, never echoing it.
	e := b.api.Fail(b.p.Token, connectMutation, map[string]any{"in": b.input(map[string]any{"password": "wrong-" + password})})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "password", e.Field())
	require.Contains(t, e.Message, "refused the username or password")
	require.NotContains(t, e.Message, password)

	// Nothing listening: BAD_USER_INPUT on host.
	e = b.api.Fail(b.p.Token, connectMutation, map[string]any{"in": b.input(map[string]any{"port": 1})})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "host", e.Field())

	for field, in := range map[string]map[string]any{
		"address":  {"address": "not an address"},
		"host":     {"host": "imap://example.com"},
		"port":     {"port": 70000},
		"password": {"password": ""},
	} {
		e := b.api.Fail(b.p.Token, connectMutation, map[string]any{"in": b.input(in)})
		require.Equal(t, "BAD_USER_INPUT", e.Code(), field)
		require.Equal(t, field, e.Field())
	}

	// Connecting the same address again updates that mailbox.
	again := b.connect(t)
	require.Equal(t, m.ID, again.ID)
	n, err := b.db.Client.Mailbox.Query().Count(b.sysCtx)
	require.NoError(t, err)
	require.Equal(t, 1, n)

	var list struct{ Mailboxes []mailboxOut }
	b.api.OK(b.p.Token, `{ mailboxes { id address active } }`, nil, &list)
	require.Len(t, list.Mailboxes, 1)

	rsp := b.api.Do(b.p.Token, `{ mailboxes { id address host port security username inboxFolder sentFolder active lastImportAt lastError lastErrorAt } }`, nil)
	require.Empty(t, rsp.Errors)
	require.NotContains(t, string(rsp.Data), password)
	require.NotContains(t, b.logs.String(), password)
}

func TestConnectMailboxRefusals(t *testing.T) {
	t.Parallel()
	b := setup(t)
	with := func(cfg mailimport.Config) *kithtest.API {
		return kithtest.NewAPIConfig(t, b.db, server.Config{HandlerConfig: graph.HandlerConfig{
			Logger: b.logs.Logger(), Mailboxes: mailimport.New(b.db.Client, cfg),
		}}, auth.Config{})
	}

	// Without KITH_MAILBOX_KEY: a clear sentence, whatever the input.
	e := with(mailimport.Config{}).Fail(b.p.Token, connectMutation, map[string]any{"in": b.input(nil)})
	require.Equal(t, "FORBIDDEN", e.Code())
	require.Contains(t, e.Message, "KITH_MAILBOX_KEY")

	// Security NONE needs KITH_MAILBOX_ALLOW_INSECURE.
	e = with(mailimport.Config{Key: kithtest.MailboxKey, AllowPrivate: true}).Fail(b.p.Token, connectMutation, map[string]any{"in": b.input(nil)})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "security", e.Field())

	// A host on loopback needs KITH_MAILBOX_ALLOW_PRIVATE, also by a name
	// that resolves there (checked at dial time, after DNS).
	strict := with(mailimport.Config{Key: kithtest.MailboxKey, AllowInsecure: true})
	for _, host := range []string{"127.0.0.1", "localhost", "169.254.169.254"} {
		e = strict.Fail(b.p.Token, connectMutation, map[string]any{"in": b.input(map[string]any{"host": host})})
		require.Equal(t, "BAD_USER_INPUT", e.Code(), host)
		require.Equal(t, "host", e.Field())
		require.Contains(t, e.Message, "private or internal network address", host)
	}

	n, err := b.db.Client.Mailbox.Query().Count(b.sysCtx)
	require.NoError(t, err)
	require.Zero(t, n)
	require.NotContains(t, b.logs.String(), password)
}

func TestMailboxRoles(t *testing.T) {
	t.Parallel()
	b := setup(t)
	m := b.connect(t)
	in := map[string]any{"in": b.input(nil)}
	disconnect := `mutation($id: ID!) { disconnectMailbox(id: $id) { id active } }`

	for name, token := range map[string]string{"practitioner": b.prac, "admin": b.admin} {
		e := b.api.Fail(token, connectMutation, in)
		require.Equal(t, "FORBIDDEN", e.Code(), name)
		e = b.api.Fail(token, disconnect, map[string]any{"id": m.ID})
		require.Equal(t, "FORBIDDEN", e.Code(), name)
	}
	e := b.api.Fail(b.prac, `{ mailboxes { id } }`, nil)
	require.Equal(t, "FORBIDDEN", e.Code())

	var list struct{ Mailboxes []mailboxOut }
	b.api.OK(b.admin, `{ mailboxes { id address } }`, nil, &list)
	require.Len(t, list.Mailboxes, 1)
	require.Equal(t, m.ID, list.Mailboxes[0].ID)

	// The portal: refused, whoever signs in there.
	b.api.OK(b.p.Token, `mutation($id: ID!) { inviteClientToPortal(clientId: $id) { id } }`, map[string]any{"id": string(b.robin)}, nil)
	link := b.api.Outbox.Last(t, "robin@example.com").Link
	_, invite, ok := strings.Cut(link, "token=")
	require.True(t, ok, link)
	var claimed struct{ ClaimPortalInvitation struct{ Token string } }
	b.api.OK("", `mutation($t: String!) { claimPortalInvitation(token: $t) { token } }`, map[string]any{"t": invite}, &claimed)
	portal := claimed.ClaimPortalInvitation.Token
	for _, q := range []string{connectMutation, `{ mailboxes { id } }`} {
		e := b.api.Fail(portal, q, in)
		require.Equal(t, "FORBIDDEN", e.Code(), q)
	}
	e = b.api.Fail(portal, disconnect, map[string]any{"id": m.ID})
	require.Equal(t, "FORBIDDEN", e.Code())

	// Another practice's owner reads nothing of it.
	other := kithtest.NewPractice(t, b.db, "birch")
	b.api.OK(other.Token, `{ mailboxes { id } }`, nil, &list)
	require.Empty(t, list.Mailboxes)
	e = b.api.Fail(other.Token, disconnect, map[string]any{"id": m.ID})
	require.Equal(t, "NOT_FOUND", e.Code())
	require.True(t, b.stored(t, m.ID).Active)
}

const threadQuery = `query($id: ID!) { node(id: $id) { ... on Communication {
  id direction source subject fromAddress
  relatedTo { __typename ... on Client { id } ... on Contact { id } }
  thread { id subject } } } }`

type threadOut struct {
	Node struct {
		ID, Direction, Source, Subject, FromAddress string
		RelatedTo                                   []struct{ Typename, ID string }
		Thread                                      []struct{ ID, Subject string }
	}
}

func TestImportMatchesThreadsAndRecordsOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	m := b.connect(t)
	b.deliver(t, "INBOX", "Casey <casey@example.com>", address, "q1@casey.example", "", "Robin's next session")
	b.deliver(t, "Sent", "Front desk <"+address+">", "casey@example.com", "r1@maple.example", "q1@casey.example", "Re: Robin's next session")

	res := b.importNow(t, b.mail, m.ID)
	require.Equal(t, 2, res.Recorded)
	emails := b.emails(t)
	require.Len(t, emails, 2)
	in, out := emails[0], emails[1]
	require.Equal(t, entcommunication.DirectionInbound, in.Direction)
	require.Equal(t, entcommunication.DirectionOutbound, out.Direction)
	require.Equal(t, entcommunication.SourceIMAP, in.Source)
	require.Equal(t, "q1@casey.example", *in.ProviderID)
	require.Equal(t, pulid.ID(m.ID), in.MailboxID)

	// Matched to Casey and, Casey being linked to Robin only, to Robin;
	// threaded with the reply. Robin's practitioner reads it too.
	for _, token := range []string{b.p.Token, b.prac} {
		var got threadOut
		b.api.OK(token, threadQuery, map[string]any{"id": string(in.ID)}, &got)
		related := map[string]bool{}
		for _, r := range got.Node.RelatedTo {
			related[r.ID] = true
		}
		require.True(t, related[string(b.robin)], "Robin")
		require.True(t, related[string(b.casey)], "Casey")
		require.Len(t, got.Node.Thread, 2)
		require.Equal(t, string(in.ID), got.Node.Thread[0].ID)
		require.Equal(t, string(out.ID), got.Node.Thread[1].ID)
	}

	stored := b.stored(t, m.ID)
	require.NotNil(t, stored.LastImportAt)
	require.Empty(t, stored.LastError)
	require.Equal(t, uint32(1), stored.Cursors["INBOX"].UID)
	require.Equal(t, uint32(1), stored.Cursors["Sent"].UID)

	// Again, and with a fresh service (a restart): nothing twice.
	require.Zero(t, b.importNow(t, b.mail, m.ID).Recorded)
	require.Zero(t, b.importNow(t, mailimport.New(b.db.Client, kithtest.MailConfig()), m.ID).Recorded)
	// Even from scratch (cursors lost): Record is idempotent by Message-ID.
	require.NoError(t, b.db.Client.Mailbox.UpdateOneID(pulid.ID(m.ID)).ClearCursors().Exec(b.sysCtx))
	require.Zero(t, b.importNow(t, b.mail, m.ID).Recorded)
	require.Len(t, b.emails(t), 2)

	// A new message, and one without Message-ID (a synthetic key, once).
	b.deliver(t, "INBOX", "robin@example.com", address, "q2@robin.example", "", "Thanks")
	b.deliver(t, "INBOX", "stranger@example.net", address, "", "", "No ID")
	require.Equal(t, 2, b.importNow(t, b.mail, m.ID).Recorded)
	require.Zero(t, b.importNow(t, b.mail, m.ID).Recorded)
	emails = b.emails(t)
	require.Len(t, emails, 4)
	var synthetic string
	for _, c := range emails {
		if c.Subject == "No ID" {
			synthetic = *c.ProviderID
		}
	}
	require.Regexp(t, `^imap:`+m.ID+`:INBOX:\d+:3$`, synthetic)
	require.NotContains(t, b.logs.String(), password)
}

func TestImportAfterUIDValidityChange(t *testing.T) {
	t.Parallel()
	b := setup(t)
	m := b.connect(t)
	b.deliver(t, "Sent", address, "casey@example.com", "s1@maple.example", "", "One")
	b.deliver(t, "Sent", address, "casey@example.com", "s2@maple.example", "", "Two")
	require.Equal(t, 2, b.importNow(t, b.mail, m.ID).Recorded)
	before := b.stored(t, m.ID).Cursors["Sent"]

	// The server renumbers the folder (recreated: a new UIDVALIDITY) and
	// holds the same messages and a new one.
	require.NoError(t, b.user.Delete("Sent"))
	require.NoError(t, b.user.Create("Sent", nil))
	b.deliver(t, "Sent", address, "casey@example.com", "s1@maple.example", "", "One")
	b.deliver(t, "Sent", address, "casey@example.com", "s2@maple.example", "", "Two")
	b.deliver(t, "Sent", address, "casey@example.com", "s3@maple.example", "", "Three")
	require.Equal(t, 1, b.importNow(t, b.mail, m.ID).Recorded)
	require.Len(t, b.emails(t), 3)
	after := b.stored(t, m.ID).Cursors["Sent"]
	require.NotEqual(t, before.UIDValidity, after.UIDValidity)
	require.Equal(t, uint32(3), after.UID)
}

func TestDisconnectStopsImports(t *testing.T) {
	t.Parallel()
	b := setup(t)
	m := b.connect(t)
	b.deliver(t, "INBOX", "casey@example.com", address, "a@casey.example", "", "Before")
	require.Equal(t, 1, b.importNow(t, b.mail, m.ID).Recorded)

	var out struct{ DisconnectMailbox mailboxOut }
	b.api.OK(b.p.Token, `mutation($id: ID!) { disconnectMailbox(id: $id) { id active } }`, map[string]any{"id": m.ID}, &out)
	require.False(t, out.DisconnectMailbox.Active)
	stored := b.stored(t, m.ID)
	require.Empty(t, stored.Secret, "the sealed password is wiped")
	require.Equal(t, uint32(1), stored.Cursors["INBOX"].UID, "cursors kept")

	b.deliver(t, "INBOX", "casey@example.com", address, "b@casey.example", "", "After")
	require.Zero(t, b.importNow(t, b.mail, m.ID).Recorded)
	require.Len(t, b.emails(t), 1, "its emails stay")

	// Connected again, it goes on from where it stopped.
	b.connect(t)
	require.Equal(t, 1, b.importNow(t, b.mail, m.ID).Recorded)
}

func TestImportFailureIsKept(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sealed, err := mailbox.Seal(kithtest.MailboxKey, "not-the-"+password)
	require.NoError(t, err)
	m, err := b.db.Client.Mailbox.Create().SetAddress(address).SetHost("127.0.0.1").SetPort(b.port).
		SetSecurity(entmailbox.SecurityNone).SetUsername(address).SetSecret(sealed).Save(b.sysCtx)
	require.NoError(t, err)
	cfg := kithtest.MailConfig()
	cfg.Logger = b.logs.Logger()
	res, err := mailimport.New(b.db.Client, cfg).Import(b.ctx, m.ID)
	require.NoError(t, err)
	require.Zero(t, res.Recorded)
	require.NotContains(t, b.logs.String(), password)
	stored := b.stored(t, string(m.ID))
	require.Contains(t, stored.LastError, "refused the username or password")
	require.NotNil(t, stored.LastErrorAt)
	require.Nil(t, stored.LastImportAt)
	require.NotContains(t, stored.LastError, password)
}

func TestImportJobRunsEveryMinute(t *testing.T) {
	t.Parallel()
	b := setup(t)
	m := b.connect(t)
	b.deliver(t, "INBOX", "casey@example.com", address, "job@casey.example", "", "Through the queue")
	q := kithtest.NotifierOf(t, b.db).Queue
	require.NoError(t, q.Start(context.Background()))
	require.Eventually(t, func() bool { return len(b.emails(t)) == 1 }, 45*time.Second, 100*time.Millisecond,
		"the periodic job (run on start) queues the import")
	require.NotNil(t, b.stored(t, m.ID).LastImportAt)
}

func TestImportWaitsWithIdle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	m := b.connect(t)
	b.deliver(t, "INBOX", "casey@example.com", address, "i1@casey.example", "", "First")
	cfg := kithtest.MailConfig()
	cfg.IdleWait = time.Minute
	svc := mailimport.New(b.db.Client, cfg)
	// The job's deadline bounds the wait: it ends 10 s before it.
	ctx, cancel := context.WithTimeout(b.ctx, 14*time.Second)
	defer cancel()
	later := b.message("casey@example.com", address, "i2@casey.example", "", "While idle")
	appended := make(chan error, 1)
	go func() {
		time.Sleep(500 * time.Millisecond)
		_, err := b.user.Append("INBOX", bytes.NewReader(later), &imap.AppendOptions{})
		appended <- err
	}()
	res, err := svc.Import(ctx, pulid.ID(m.ID))
	require.NoError(t, err)
	require.NoError(t, <-appended)
	require.Equal(t, 2, res.Recorded, "the message that came while waiting is imported by the same run")
	require.NoError(t, ctx.Err(), "it returned before its deadline")
}

func TestStopEndsIdle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	m := b.connect(t)
	b.deliver(t, "INBOX", "casey@example.com", address, "s1@casey.example", "", "Before stopping")
	cfg := kithtest.MailConfig()
	cfg.IdleWait = time.Hour
	svc := mailimport.New(b.db.Client, cfg)
	done := make(chan error, 1)
	go func() {
		_, err := svc.Import(b.ctx, pulid.ID(m.ID))
		done <- err
	}()
	require.Eventually(t, func() bool { return b.stored(t, m.ID).LastImportAt != nil }, 30*time.Second, 20*time.Millisecond,
		"the import fetches, then waits with IDLE")
	svc.Stop()
	svc.Stop() // twice is harmless
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(30 * time.Second): // IdleWait is an hour: without Stop it waits on
		t.Fatal("Stop did not end the IDLE wait")
	}
	require.Len(t, b.emails(t), 1)
	// A stopped service imports without waiting.
	b.deliver(t, "INBOX", "casey@example.com", address, "s2@casey.example", "", "After stopping")
	require.Equal(t, 1, b.importNow(t, svc, m.ID).Recorded)
}
