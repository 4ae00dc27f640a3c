package event_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/effect"
	"github.com/kith-health/kith/ent/webhookdelivery"
	"github.com/kith-health/kith/ent/webhookendpoint"
	"github.com/kith-health/kith/event"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// bundle is a database whose events a Service writes, its queue not
// started (the tests make the attempts), a practice, and a receiver that
// answers status (and Retry-After when set).
type bundle struct {
	db       *database.DB
	svc      *event.Service
	p        kithtest.Practice
	sys      context.Context
	url      string
	status   atomic.Int64
	after    atomic.Value
	hits     atomic.Int64
	stmts    atomic.Int64 // the statements ent runs
	now      time.Time
	endpoint *ent.WebhookEndpoint
}

func setup(t *testing.T) *bundle {
	t.Helper()
	b := &bundle{now: time.Now().UTC()}
	b.db = kithtest.BareDB(t, &b.stmts)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	b.svc = event.New(b.db.Client, event.Config{AllowPrivate: true, Timeout: 5 * time.Second, Logger: quiet, Now: func() time.Time { return b.now }})
	n := kithtest.AttachNotifier(t, b.db, notifier.Config{NoQuietHours: true, Logger: quiet, Jobs: []notifier.Jobs{b.svc}})
	b.svc.Attach(n.Queue)
	b.p = kithtest.NewPractice(t, b.db, "maple")
	b.sys = viewer.NewContext(context.Background(), viewer.System{OrgID: b.p.Org.ID})
	b.status.Store(http.StatusNoContent)
	b.after.Store("")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		b.hits.Add(1)
		if a := b.after.Load().(string); a != "" {
			w.Header().Set("Retry-After", a)
		}
		w.WriteHeader(int(b.status.Load()))
	}))
	t.Cleanup(srv.Close)
	b.url = srv.URL
	var err error
	b.endpoint, err = b.db.Client.WebhookEndpoint.Create().SetOrganizationID(b.p.Org.ID).SetURL(b.url).
		SetEventTypes([]string{"client.created"}).SetSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").Save(b.sys)
	require.NoError(t, err)
	return b
}

// emit emits a client.created event in a transaction and returns its
// deliveries.
func (b *bundle) emit(t *testing.T) []*ent.WebhookDelivery {
	t.Helper()
	_, err := transaction.Run(b.sys, b.db.Client, func(ctx context.Context, _ *ent.Client) (struct{}, error) {
		return struct{}{}, b.svc.Emit(ctx, effect.Event{Type: schematype.EventClientCreated, OrganizationID: b.p.Org.ID, ObjectID: pulid.New("cl")})
	})
	require.NoError(t, err)
	ds, err := b.db.Client.WebhookDelivery.Query().Order(ent.Asc(webhookdelivery.FieldID)).All(b.sys)
	require.NoError(t, err)
	return ds
}

func (b *bundle) delivery(t *testing.T, id pulid.ID) *ent.WebhookDelivery {
	t.Helper()
	d, err := b.db.Client.WebhookDelivery.Get(b.sys, id)
	require.NoError(t, err)
	return d
}

func (b *bundle) jobs(t *testing.T, kind string) int {
	t.Helper()
	var n int
	arg := "?"
	if b.db.Dialect == dialect.Postgres {
		arg = "$1"
	}
	require.NoError(t, b.db.SQL.QueryRow(`SELECT count(*) FROM river_job WHERE kind = `+arg, kind).Scan(&n))
	return n
}

func TestEmitNeedsATransactionOnlyWhenSubscribed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	e := effect.Event{Type: schematype.EventClientCreated, OrganizationID: b.p.Org.ID, ObjectID: pulid.New("cl")}
	require.ErrorIs(t, b.svc.Emit(b.sys, e), effect.ErrNoTransaction, "a subscribed event outside a transaction could not commit with its change")
	e.Type = schematype.EventAppointmentBooked
	require.NoError(t, b.svc.Emit(b.sys, e), "nobody subscribes: nothing to write")
	ds := b.emit(t)
	require.Len(t, ds, 1)
	require.Equal(t, webhookdelivery.StatusPending, ds[0].Status)
	require.Equal(t, 1, b.jobs(t, event.DeliverArgs{}.Kind()), "the delivery's job is written with it")

	// An endpoint deleted before its delivery runs: the job finds nothing.
	_, err := b.db.Client.WebhookEndpoint.Delete().Exec(b.sys)
	require.NoError(t, err)
	require.NoError(t, b.svc.Attempt(context.Background(), ds[0].ID))
	require.Zero(t, b.hits.Load())
}

func TestRetryAfterIsHonoured(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d := b.emit(t)[0]
	b.status.Store(http.StatusTooManyRequests)
	b.after.Store("120")
	require.NoError(t, b.svc.Attempt(context.Background(), d.ID))
	got := b.delivery(t, d.ID)
	require.Equal(t, webhookdelivery.StatusPending, got.Status)
	require.Equal(t, 1, got.Attempts)
	require.Equal(t, 429, *got.ResponseCode)
	require.NotNil(t, got.NextAttemptAt)
	require.WithinDuration(t, b.now.Add(120*time.Second), *got.NextAttemptAt, 13*time.Second, "Retry-After, not the 5-second first retry")
	require.Equal(t, 2, b.jobs(t, event.DeliverArgs{}.Kind()), "the next attempt is a job of its own")
}

func TestLastAttemptFails(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d := b.emit(t)[0]
	require.NoError(t, b.db.Client.WebhookDelivery.UpdateOneID(d.ID).SetAttempts(9).Exec(b.sys))
	b.status.Store(http.StatusInternalServerError)
	require.NoError(t, b.svc.Attempt(context.Background(), d.ID))
	got := b.delivery(t, d.ID)
	require.Equal(t, webhookdelivery.StatusFailed, got.Status, "the tenth attempt is the last")
	require.Nil(t, got.NextAttemptAt)
	require.NoError(t, b.svc.Attempt(context.Background(), d.ID), "a finished delivery is not posted again")
	require.EqualValues(t, 1, b.hits.Load())
}

func TestFailingForFiveDaysDisables(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d := b.emit(t)[0]
	b.status.Store(http.StatusServiceUnavailable)
	require.NoError(t, b.svc.Attempt(context.Background(), d.ID))
	ep, err := b.db.Client.WebhookEndpoint.Get(b.sys, b.endpoint.ID)
	require.NoError(t, err)
	require.NotNil(t, ep.FailingSince)
	require.True(t, ep.Enabled, "failing, not yet for 5 days")

	b.now = b.now.Add(event.DefaultFailingFor + time.Hour)
	require.NoError(t, b.svc.Attempt(context.Background(), d.ID))
	ep, err = b.db.Client.WebhookEndpoint.Get(b.sys, b.endpoint.ID)
	require.NoError(t, err)
	require.False(t, ep.Enabled)
	require.Equal(t, webhookendpoint.DisabledReasonFailing, *ep.DisabledReason)
	require.Equal(t, webhookdelivery.StatusFailed, b.delivery(t, d.ID).Status)
	require.Equal(t, 1, b.jobs(t, "kith_owner_notice"), "the owner is emailed, once")

	// Disabled: the next event goes nowhere; enabled again, it starts afresh.
	require.Len(t, b.emit(t), 1, "no new delivery for a disabled endpoint")
	require.NoError(t, b.db.Client.WebhookEndpoint.UpdateOneID(ep.ID).SetEnabled(true).Exec(b.sys))
	ep, err = b.db.Client.WebhookEndpoint.Get(b.sys, b.endpoint.ID)
	require.NoError(t, err)
	require.Nil(t, ep.FailingSince)
	require.Nil(t, ep.DisabledReason)
}

func TestPruneKeepsWhatIsRecentOrPending(t *testing.T) {
	t.Parallel()
	b := setup(t)
	old := b.emit(t)[0]
	require.NoError(t, b.svc.Attempt(context.Background(), old.ID)) // SUCCEEDED
	pending := b.emit(t)[1]
	b.now = b.now.Add(event.DefaultRetention + time.Hour)
	deliveries, events, err := b.svc.Prune(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, deliveries, "the finished delivery goes")
	require.Equal(t, 1, events, "its event, left with none, too")
	_, err = b.db.Client.WebhookDelivery.Get(b.sys, pending.ID)
	require.NoError(t, err, "a pending delivery stays")
}

// TestEmitReadsEndpointsOncePerOrganisation: a bulk change tells its rows'
// events in one call, which reads the organisation's endpoints once.
func TestEmitReadsEndpointsOncePerOrganisation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	events := make([]effect.Event, 5)
	for i := range events {
		events[i] = effect.Event{Type: schematype.EventNotificationSent, OrganizationID: b.p.Org.ID, ObjectID: pulid.New("nt")}
	}
	_, err := transaction.Run(b.sys, b.db.Client, func(ctx context.Context, _ *ent.Client) (struct{}, error) {
		before := b.stmts.Load()
		err := b.svc.Emit(ctx, events...)
		require.EqualValues(t, 1, b.stmts.Load()-before, "one SELECT of the endpoints for five events nobody subscribes to")
		return struct{}{}, err
	})
	require.NoError(t, err)
}
