package notifier_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/effect"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/notifier/notifiertest"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// TestJobsAreWrittenInTheTransaction: a change that sends messages writes
// their jobs in its own transaction, however the transaction was opened
// (here as any package would, with nothing in its context), so that a crash
// after the commit cannot leave messages without a job; the same change
// outside a transaction fails with ErrNoTransaction and writes nothing.
func TestJobsAreWrittenInTheTransaction(t *testing.T) {
	t.Parallel()
	env := notifiertest.New(t)
	p := env.Practice(t, "maple")
	clientID := env.Client(t, p, map[string]any{"firstName": "Sam", "lastName": "Lee", "email": "sam@example.com", "notifyConfirmations": true})
	ctx := viewer.NewContext(context.Background(), viewer.System{OrgID: p.Org.ID})
	start := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)
	create := func(c *ent.Client, at time.Time) *ent.AppointmentCreate {
		return c.Appointment.Create().SetClientID(pulid.ID(clientID)).SetPractitionerID(p.Owner.ID).
			SetStartsAt(at).SetEndsAt(at.Add(50 * time.Minute))
	}
	jobs := func(c *ent.Client) int {
		rows, err := c.QueryContext(ctx, "SELECT count(*) FROM river_job WHERE kind = 'kith_send'")
		require.NoError(t, err)
		defer rows.Close()
		require.True(t, rows.Next())
		var n int
		require.NoError(t, rows.Scan(&n))
		return n
	}

	tx, err := env.DB.Client.Tx(ctx)
	require.NoError(t, err)
	_, err = create(tx.Client(), start).Save(transaction.With(ctx, tx))
	require.NoError(t, err)
	require.Equal(t, 1, jobs(tx.Client()), "the confirmation's job is in the appointment's transaction, before it commits")
	require.NoError(t, tx.Rollback())
	require.Zero(t, jobs(env.DB.Client), "and goes with it")

	_, err = create(env.DB.Client, start.Add(2*time.Hour)).Save(ctx)
	require.ErrorIs(t, err, effect.ErrNoTransaction)
	require.Zero(t, jobs(env.DB.Client))
	n, err := env.DB.Client.Appointment.Query().Count(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "the change is refused whole")
}

// TestOneNotifierPerClient: the queue attaches itself once to its
// database's client; a second queue is refused rather than stacked (which
// would send every message twice), and a client with none refuses the
// changes that send messages instead of writing them silently.
func TestOneNotifierPerClient(t *testing.T) {
	t.Parallel()
	env := notifiertest.New(t)
	_, err := notifier.NewQueue(context.Background(), env.DB, notifier.Config{})
	require.ErrorIs(t, err, effect.ErrAttached)

	bare := kithtest.BareDB(t, nil)
	p := kithtest.NewPractice(t, bare, "bare")
	ctx := viewer.NewContext(context.Background(), viewer.System{OrgID: p.Org.ID})
	c, err := bare.Client.ClientProfile.Create().SetFirstName("Sam").SetLastName("Lee").SetEmail("sam@example.com").Save(ctx)
	require.NoError(t, err)
	_, err = transaction.Run(ctx, bare.Client, func(ctx context.Context, db *ent.Client) (*ent.Appointment, error) {
		at := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)
		return db.Appointment.Create().SetClientID(c.ID).SetPractitionerID(p.Owner.ID).
			SetStartsAt(at).SetEndsAt(at.Add(50 * time.Minute)).Save(ctx)
	})
	require.ErrorIs(t, err, effect.ErrNoNotifier)
}

// TestQueueReady: the queue is ready once started, and not once stopping.
func TestQueueReady(t *testing.T) {
	t.Parallel()
	env := notifiertest.New(t)
	ctx := context.Background()
	require.ErrorIs(t, env.Queue.Ready(ctx), notifier.ErrNotRunning)
	require.NoError(t, env.Queue.Start(ctx))
	require.NoError(t, env.Queue.Ready(ctx))
	stop, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	require.NoError(t, env.Queue.Stop(stop))
	require.ErrorIs(t, env.Queue.Ready(ctx), notifier.ErrNotRunning)
}
