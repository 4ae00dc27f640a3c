// Package kithtest gives tests a fresh database each, a practice with an
// owner to act as, and an in-process client for the HTTP API. With
// TEST_DATABASE_URL set (postgres://…), each database is a schema of its own
// on that server; otherwise it is a SQLite file in the test's temp folder.
package kithtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/billing/cardprocessor/testprovider"
	"github.com/kith-health/kith/communication/callclose"
	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/event"
	"github.com/kith-health/kith/mailbox"
	"github.com/kith-health/kith/mailimport"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/notifier/fake"
	"github.com/kith-health/kith/notifier/provider"
	"github.com/kith-health/kith/portal"
	"github.com/kith-health/kith/practice"
	"github.com/kith-health/kith/ratelimit"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/server"
)

// DB opens a new, migrated, empty database for t with the notifier
// cmd/kith serve attaches (see AttachNotifier: recording senders, not
// started), and closes it at cleanup. Statements, when not nil, counts
// every statement ent runs on it.
func DB(t testing.TB, statements *atomic.Int64) *database.DB {
	t.Helper()
	db := BareDB(t, statements)
	AttachNotifier(t, db, notifier.Config{})
	return db
}

// BareDB is DB without a notifier, for tests that attach their own
// (notifier.NewQueue): until one is attached, its client refuses the
// changes that send messages (effect.ErrNoNotifier).
func BareDB(t testing.TB, statements *atomic.Int64) *database.DB {
	t.Helper()
	opts := database.Options{}
	if statements != nil {
		opts.Log = func(context.Context, ...any) { statements.Add(1) }
	}
	return Open(t, DBURL(t), opts)
}

// PublicURL is kith's public address in tests: the queue's links and the
// portal's.
const PublicURL = "https://kith.example"

// Notifier is the notifier AttachNotifier attached to a test database.
type Notifier struct {
	// Queue is built by notifier.NewQueue, as cmd/kith serve builds it; it
	// is not started, so what it queues stays QUEUED unless a test starts it.
	Queue *notifier.Queue
	// Email and SMS record what the queue hands to the providers.
	Email, SMS *fake.Sender
	// Mail is the mailbox service whose jobs run on Queue (MailConfig),
	// unless the test gave Jobs of its own.
	Mail *mailimport.Service
	// Events writes the database's integrator events and delivers them on
	// Queue (WebhookConfig: loopback receivers allowed), unless the test
	// gave Jobs of its own.
	Events *event.Service
}

// MailboxKey is the key that seals mailbox passwords in tests.
var MailboxKey = bytes.Repeat([]byte{7}, mailbox.KeySize)

// MailConfig is the mailbox service's configuration in tests: MailboxKey,
// security NONE and 127.0.0.1 allowed (go-imap's in-memory server in
// process), no IDLE wait.
func MailConfig() mailimport.Config {
	return mailimport.Config{Key: MailboxKey, AllowInsecure: true, AllowPrivate: true, IdleWait: -1}
}

// WebhookConfig is the webhook deliveries' configuration in tests: plain
// http and loopback receivers allowed (KITH_WEBHOOK_ALLOW_PRIVATE), a
// 5-second timeout, logs to log.
func WebhookConfig(log *slog.Logger) event.Config {
	return event.Config{AllowPrivate: true, Timeout: 5 * time.Second, Logger: log}
}

// notifiers holds the Notifier of each test database AttachNotifier set up.
var notifiers sync.Map // *database.DB → *Notifier

// AttachNotifier builds db's queue with notifier.NewQueue, the constructor
// cmd/kith serve uses, and returns it. cfg's Senders default to recording
// ones (fake), its Links to PublicURL, its Logger to warnings on stderr,
// its Jobs to those kith serve runs (callclose).
// A database takes one: DB has attached one already (see NotifierOf).
func AttachNotifier(t testing.TB, db *database.DB, cfg notifier.Config) *Notifier {
	t.Helper()
	n := &Notifier{Email: fake.New(schematype.ChannelEmail), SMS: fake.New(schematype.ChannelSMS)}
	if cfg.Senders == nil {
		cfg.Senders = []provider.Sender{n.Email, n.SMS}
	}
	if cfg.Links.PortalURL == "" {
		cfg.Links.PortalURL = PublicURL
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	if cfg.Jobs == nil { // as kith serve has them
		n.Mail = mailimport.New(db.Client, MailConfig())
		n.Events = event.New(db.Client, WebhookConfig(cfg.Logger))
		cfg.Jobs = []notifier.Jobs{callclose.New(db.Client), n.Mail, n.Events}
	}
	q, err := notifier.NewQueue(context.Background(), db, cfg)
	require.NoError(t, err)
	n.Queue = q
	if n.Events != nil {
		n.Events.Attach(q)
	}
	notifiers.Store(db, n)
	t.Cleanup(func() {
		notifiers.Delete(db)
		stop, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = q.Stop(stop) // a queue a test started
	})
	return n
}

// NotifierOf is the Notifier AttachNotifier attached to db, attaching a
// default one to a BareDB that has none; nil when the test attached its own
// queue with notifier.NewQueue.
func NotifierOf(t testing.TB, db *database.DB) *Notifier {
	t.Helper()
	if n, ok := notifiers.Load(db); ok {
		return n.(*Notifier)
	}
	if _, err := db.Client.Effects.Notifier(); err == nil {
		return nil // the test's own
	}
	return AttachNotifier(t, db, notifier.Config{})
}

// DBURL returns the address of a new, empty database for t, dropped at
// cleanup: a SQLite file, or a PostgreSQL schema of its own when
// TEST_DATABASE_URL is set. Another process may open it too.
func DBURL(t testing.TB) string {
	t.Helper()
	if base := os.Getenv("TEST_DATABASE_URL"); base != "" {
		return schemaURL(t, base)
	}
	return t.TempDir() + "/kith.db"
}

// Open opens and migrates the database at dbURL, and closes it at cleanup.
func Open(t testing.TB, dbURL string, opts database.Options) *database.DB {
	t.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, dbURL, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	require.NoError(t, db.Migrate(ctx))
	return db
}

// schemaURL creates a schema of its own for t on the PostgreSQL server at
// base, drops it at cleanup, and returns a URL whose search_path is it.
func schemaURL(t testing.TB, base string) string {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	require.NoError(t, err)
	_, err = admin.Exec("CREATE SCHEMA " + schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		_ = admin.Close()
	})
	u, err := url.Parse(base)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Auth returns an auth service with the cheapest bcrypt cost, for speed.
func Auth(client *ent.Client) *auth.Service {
	return AuthWith(client, auth.Config{})
}

// AuthWith is Auth configured by cfg; its BcryptCost defaults to the cheapest.
func AuthWith(client *ent.Client, cfg auth.Config) *auth.Service {
	if cfg.BcryptCost == 0 {
		cfg.BcryptCost = bcrypt.MinCost
	}
	return auth.New(client, cfg)
}

// Practice is an organisation with its owner and the owner's bearer token.
type Practice struct {
	Org   *ent.Organization
	Owner *ent.Staff
	Token string
}

// NewPractice creates an organisation with slug in region "CA", time zone
// America/Toronto, and an owner whose password is "correct horse battery".
func NewPractice(t testing.TB, db *database.DB, slug string) Practice {
	t.Helper()
	ctx := context.Background()
	authn := Auth(db.Client)
	org, owner, err := practice.Create(ctx, db.Client, authn, practice.Practice{
		Name: strings.ToUpper(slug[:1]) + slug[1:] + " Practice", Slug: slug,
		TimeZone: "America/Toronto", PhoneRegion: "CA",
		OwnerName: "Owner of " + slug, OwnerEmail: "owner@" + slug + ".example",
		OwnerPassword: "correct horse battery",
	})
	require.NoError(t, err)
	tok, err := authn.Issue(ctx, owner)
	require.NoError(t, err)
	return Practice{Org: org, Owner: owner, Token: tok.Secret}
}

// API drives kith's real HTTP handler in process, built by server.New as
// kith serve builds it. It reports failures to the test that created it:
// a subtest that calls it must make its own with NewAPI, or its failures
// stop the parent from the wrong goroutine.
type API struct {
	t       testing.TB
	acting  string
	Handler http.Handler
	// Portal is the portal service behind Handler.
	Portal *portal.Service
	// Outbox records the portal's emails (unless NewAPIWith was given a mailer).
	Outbox *Outbox
	// Payments is the test payment provider behind Handler.
	Payments *testprovider.Provider
	// Auth is the staff sign-in service behind Handler.
	Auth *auth.Service
	// Notifier is the notifier of the database behind Handler (NotifierOf);
	// nil when the test attached its own queue.
	Notifier *Notifier

	server *apiServer // shared by the copies Acting makes
}

// apiServer is an API's Handler on a local address, started once.
type apiServer struct {
	once sync.Once
	srv  *httptest.Server
}

// Acting returns a copy of the API whose requests act for client (the
// X-Kith-Client header of portal requests).
func (a *API) Acting(client string) *API {
	c := *a
	c.acting = client
	return &c
}

// NewAPI returns an API over db with GraphiQL and introspection on.
func NewAPI(t testing.TB, db *database.DB) *API {
	return NewAPIWith(t, db, portal.Config{}, nil)
}

// NewAPIWith is NewAPI with the portal configured by cfg (its PublicURL
// defaults to https://kith.example) and sending its emails through mail;
// nil mail records them in the API's Outbox instead.
func NewAPIWith(t testing.TB, db *database.DB, cfg portal.Config, mail portal.Mailer) *API {
	return newAPI(t, db, cfg, mail, server.Config{}, auth.Config{})
}

// NewAPIConfig is NewAPI with the handler configured by handler (NewAPI's
// settings fill what it leaves out) and staff sign-in by authCfg (see AuthWith).
func NewAPIConfig(t testing.TB, db *database.DB, handler server.Config, authCfg auth.Config) *API {
	return newAPI(t, db, portal.Config{}, nil, handler, authCfg)
}

func newAPI(t testing.TB, db *database.DB, cfg portal.Config, mail portal.Mailer, hc server.Config, ac auth.Config) *API {
	a := &API{t: t, Outbox: &Outbox{}, Payments: testprovider.New(), Notifier: NotifierOf(t, db), server: &apiServer{}}
	if mail == nil {
		mail = a.Outbox
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = PublicURL
	}
	if hc.Limits == nil { // the database's, as kith serve has
		limits, err := ratelimit.Open(db)
		require.NoError(t, err)
		t.Cleanup(func() { _ = limits.Close() })
		hc.Limits = limits
	}
	if cfg.Limits == nil {
		cfg.Limits = hc.Limits
	}
	if ac.Limits == nil {
		ac.Limits = hc.Limits
	}
	a.Portal = portal.New(db.Client, mail, cfg)
	hc.Introspection, hc.GraphiQL = true, true
	if hc.Logger == nil { // warnings and errors, not the access log's line per request
		hc.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	if hc.Ready == nil {
		hc.Ready = db.Ping
	}
	hc.Portal, hc.Payments = a.Portal, a.Payments
	if hc.Mailboxes == nil {
		if a.Notifier != nil && a.Notifier.Mail != nil {
			hc.Mailboxes = a.Notifier.Mail
		} else {
			hc.Mailboxes = mailimport.New(db.Client, MailConfig())
		}
	}
	if hc.Events == nil && a.Notifier != nil {
		hc.Events = a.Notifier.Events
	}
	if hc.BodyLimit == nil {
		hc.BodyLimit = mailimport.BodyLimit
	}
	a.Auth = AuthWith(db.Client, ac)
	a.Handler = server.New(db.Client, a.Auth, hc)
	return a
}

// Outbox is a recording portal.Mailer: it keeps the messages it is given.
type Outbox struct {
	mu   sync.Mutex
	sent []notifier.Secret
}

// SendSecret implements portal.Mailer.
func (o *Outbox) SendSecret(_ context.Context, m notifier.Secret) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, m)
	return nil
}

// SendVisitorCode implements portal.VisitorMailer: it records a sign-in
// code message.
func (o *Outbox) SendVisitorCode(_ context.Context, m notifier.VisitorCode) error {
	return o.SendSecret(context.Background(), notifier.Secret{Kind: schematype.MessageKindSignInCode, To: m.To, FirstName: m.FirstName, LastName: m.LastName, Code: m.Code})
}

// Last returns the last message sent to address, failing the test when
// there is none.
func (o *Outbox) Last(t testing.TB, address string) notifier.Secret {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := len(o.sent) - 1; i >= 0; i-- {
		if o.sent[i].To == address {
			return o.sent[i]
		}
	}
	require.FailNow(t, "no portal email was sent", "to %s", address)
	return notifier.Secret{}
}

// Count is how many messages went to address.
func (o *Outbox) Count(address string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, m := range o.sent {
		if m.To == address {
			n++
		}
	}
	return n
}

// Response is a GraphQL response.
type Response struct {
	Data   json.RawMessage `json:"data"`
	Errors []Error         `json:"errors"`
	// Extensions are the response's extensions, such as warnings.
	Extensions map[string]any `json:"extensions"`
	// Status is the HTTP status code.
	Status int `json:"-"`
}

// Error is one GraphQL error.
type Error struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// Code is the error's extensions.code.
func (e Error) Code() string { s, _ := e.Extensions["code"].(string); return s }

// Field is the error's extensions.field.
func (e Error) Field() string { s, _ := e.Extensions["field"].(string); return s }

// Do posts query with vars as token's bearer ("" for none).
func (a *API) Do(token, query string, vars map[string]any) Response {
	a.t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(a.t, err)
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if a.acting != "" {
		req.Header.Set("X-Kith-Client", a.acting)
	}
	rec := httptest.NewRecorder()
	a.Handler.ServeHTTP(rec, req)
	var rsp Response
	require.NoError(a.t, json.Unmarshal(rec.Body.Bytes(), &rsp), rec.Body.String())
	rsp.Status = rec.Code
	return rsp
}

// OK is Do that fails the test on any error and decodes data into out.
func (a *API) OK(token, query string, vars map[string]any, out any) {
	a.t.Helper()
	rsp := a.Do(token, query, vars)
	require.Empty(a.t, rsp.Errors, "query failed: %s", query)
	if out != nil {
		require.NoError(a.t, json.Unmarshal(rsp.Data, out))
	}
}

// Fail is Do that expects exactly one error and returns it.
func (a *API) Fail(token, query string, vars map[string]any) Error {
	a.t.Helper()
	rsp := a.Do(token, query, vars)
	require.Len(a.t, rsp.Errors, 1, "expected one error, got data %s", rsp.Data)
	return rsp.Errors[0]
}
