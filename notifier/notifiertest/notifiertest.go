// Package notifiertest gives the tests of the notifier and its webhooks a
// database with a notifier queue that is not started (what it queues stays
// QUEUED), practices, clients and appointments made through the GraphQL
// API, and notification rows written as the system.
package notifiertest

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/notifier/fake"
	"github.com/kith-health/kith/notifier/inbound"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// PublicURL is the public address the queue is configured with.
const PublicURL = kithtest.PublicURL

// Env is a database with a queue that follows its appointments, and the API.
type Env struct {
	// DB is the test's database.
	DB *database.DB
	// Queue follows DB's appointments; it is not started.
	Queue *notifier.Queue
	// Email and SMS record what Queue hands to the providers, once started.
	Email, SMS *fake.Sender
	// Inbound acts on what the providers report about DB's messages.
	Inbound *inbound.Service
	// API is kith's HTTP handler over DB.
	API *kithtest.API
}

// New returns an Env on a fresh database (kithtest.DB: SQLite, or
// PostgreSQL with TEST_DATABASE_URL). The queue sends at any hour and is
// never started.
func New(t testing.TB) *Env {
	t.Helper()
	db := kithtest.BareDB(t, nil)
	n := kithtest.AttachNotifier(t, db, notifier.Config{
		NoQuietHours: true,
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	return &Env{DB: db, Queue: n.Queue, Email: n.Email, SMS: n.SMS, Inbound: inbound.New(db.Client), API: kithtest.NewAPI(t, db)}
}

// Practice creates an organisation with slug and its owner (kithtest.NewPractice).
func (e *Env) Practice(t testing.TB, slug string) kithtest.Practice {
	t.Helper()
	return kithtest.NewPractice(t, e.DB, slug)
}

// System is a context acting as the system in p's organisation.
func System(p kithtest.Practice) context.Context {
	return viewer.NewContext(context.Background(), viewer.System{OrgID: p.Org.ID})
}

// Contact creates a contact of p's organisation through the API and returns its ID.
func (e *Env) Contact(t testing.TB, p kithtest.Practice, input map[string]any) string {
	t.Helper()
	var out struct{ CreateContact struct{ ID string } }
	e.API.OK(p.Token, `mutation($in: CreateContactInput!){ createContact(input: $in, allowDuplicate: true) { id } }`,
		map[string]any{"in": input}, &out)
	return out.CreateContact.ID
}

// Client creates a client of p's organisation through the API, with links
// to contacts (ClientContactLinkInput), and returns its ID.
func (e *Env) Client(t testing.TB, p kithtest.Practice, input map[string]any, contacts ...map[string]any) string {
	t.Helper()
	if contacts == nil {
		contacts = []map[string]any{}
	}
	var out struct{ CreateClient struct{ ID string } }
	e.API.OK(p.Token, `mutation($in: CreateClientInput!, $cs: [ClientContactLinkInput!]){ createClient(input: $in, contacts: $cs) { id } }`,
		map[string]any{"in": input, "cs": contacts}, &out)
	return out.CreateClient.ID
}

// Book books an appointment of clientID, starting in from now, with a
// practitioner of its own named like p's owner (a practitioner is never
// booked twice at once), and returns its ID. The queue writes its
// confirmations.
func (e *Env) Book(t testing.TB, p kithtest.Practice, clientID string, in time.Duration) string {
	t.Helper()
	at := time.Now().Add(in).UTC().Truncate(time.Minute)
	practitioner := e.Practitioner(t, p, clientID)
	var out struct{ CreateAppointment struct{ ID string } }
	e.API.OK(p.Token, `mutation($in: CreateAppointmentInput!){ createAppointment(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"clientID": clientID, "practitionerID": string(practitioner),
		"startsAt": at.Format(time.RFC3339), "endsAt": at.Add(50 * time.Minute).Format(time.RFC3339)}}, &out)
	return out.CreateAppointment.ID
}

// Practitioner returns the practitioner Book books clientID's appointments
// with: a staff member of p named like its owner, one per client.
func (e *Env) Practitioner(t testing.TB, p kithtest.Practice, clientID string) pulid.ID {
	t.Helper()
	ctx := System(p)
	email := strings.ToLower(clientID) + "@practitioners." + p.Org.Slug + ".example"
	st, err := e.DB.Client.Staff.Query().Where(staff.Email(email)).Only(ctx)
	if ent.IsNotFound(err) {
		st, err = e.DB.Client.Staff.Create().SetName(p.Owner.Name).SetEmail(email).SetRole(staff.RolePractitioner).Save(ctx)
	}
	require.NoError(t, err)
	return st.ID
}

// Sent writes, as the system, a notification of kind about appointmentID
// that went on channel to address with providerID, status SENT.
func (e *Env) Sent(t testing.TB, p kithtest.Practice, appointmentID string, kind schematype.MessageKind, channel schematype.Channel, address, providerID string) *ent.Notification {
	t.Helper()
	ctx := System(p)
	a, err := e.DB.Client.Appointment.Get(ctx, pulid.ID(appointmentID))
	require.NoError(t, err)
	now := time.Now().UTC()
	n, err := e.DB.Client.Notification.Create().
		SetClientID(a.ClientID).SetAppointmentID(a.ID).SetRecipientName("Someone").
		SetKind(kind).SetChannel(channel).SetAddress(address).SetText("A message").
		SetStatus(notification.StatusSent).SetProviderID(providerID).
		SetSendAfter(now).SetSentAt(now).SetAttempts(1).
		Save(ctx)
	require.NoError(t, err)
	return n
}

// Notification reads a notification as the system.
func (e *Env) Notification(t testing.TB, id pulid.ID) *ent.Notification {
	t.Helper()
	n, err := e.DB.Client.Notification.Get(viewer.SystemContext(context.Background()), id)
	require.NoError(t, err)
	return n
}

// Notifications lists the notifications about appointmentID on channel, as the system.
func (e *Env) Notifications(t testing.TB, appointmentID string, channel schematype.Channel) []*ent.Notification {
	t.Helper()
	ns, err := e.DB.Client.Notification.Query().
		Where(notification.AppointmentID(pulid.ID(appointmentID)), notification.ChannelEQ(channel)).
		Order(notification.ByRecipientName()).
		All(viewer.SystemContext(context.Background()))
	require.NoError(t, err)
	return ns
}

// Appointment reads an appointment as the system.
func (e *Env) Appointment(t testing.TB, id string) *ent.Appointment {
	t.Helper()
	a, err := e.DB.Client.Appointment.Get(viewer.SystemContext(context.Background()), pulid.ID(id))
	require.NoError(t, err)
	return a
}
