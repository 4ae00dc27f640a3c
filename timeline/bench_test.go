package timeline_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointmentchange"
	entrule "github.com/kith-health/kith/ent/rule"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/timeline"
	"github.com/kith-health/kith/viewer"
)

// BenchmarkTimelinePage reads the first and a deep page of 20 of a client
// with 4,000 entries (appointment changes and messages), in a practice
// whose other 20 clients have as many:
// TEST_DATABASE_URL=postgres://… go test ./timeline/ -run XXX -bench TimelinePage
func BenchmarkTimelinePage(b *testing.B) {
	db := kithtest.DB(b, nil)
	api := kithtest.NewAPI(b, db)
	p := kithtest.NewPractice(b, db, "bench")
	ctx := viewer.NewContext(context.Background(), viewer.System{OrgID: p.Org.ID})
	var target pulid.ID
	for c := range 21 {
		cl, err := db.Client.ClientProfile.Create().SetOrganizationID(p.Org.ID).SetFirstName("C").SetLastName("L").SetEmail("c@example.com").Save(ctx)
		require.NoError(b, err)
		if c == 0 {
			target = cl.ID
		}
		appt, err := transaction.Run(ctx, db.Client, func(ctx context.Context, tx *ent.Client) (*ent.Appointment, error) {
			return tx.Appointment.Create().SetOrganizationID(p.Org.ID).SetClientID(cl.ID).SetPractitionerID(p.Owner.ID).
				SetStartsAt(time.Now().Add(time.Duration(c+1) * time.Hour)).SetEndsAt(time.Now().Add(time.Duration(c+1)*time.Hour + 30*time.Minute)).
				Save(ctx)
		})
		require.NoError(b, err)
		changes := make([]*ent.AppointmentChangeCreate, 2000)
		messages := make([]*ent.NotificationCreate, 2000)
		for i := range changes {
			at := time.Now().Add(-time.Duration(i) * time.Minute).UTC()
			changes[i] = db.Client.AppointmentChange.Create().SetOrganizationID(p.Org.ID).SetClientID(cl.ID).SetAppointmentID(appt.ID).
				SetAction(appointmentchange.ActionConfirmed).SetStartsAt(appt.StartsAt).SetActor(appointmentchange.ActorKith).SetCreatedAt(at)
			messages[i] = db.Client.Notification.Create().SetOrganizationID(p.Org.ID).SetClientID(cl.ID).SetAppointmentID(appt.ID).
				SetRecipientName("C L").SetKind(schematype.MessageKindReminder).SetChannel(schematype.ChannelEmail).
				SetSendAfter(at).SetCreatedAt(at)
		}
		for i := 0; i < len(changes); i += 500 {
			require.NoError(b, db.Client.AppointmentChange.CreateBulk(changes[i:i+500]...).Exec(entrule.WithEdgeMemo(ctx, cl.ID, appt.ID)))
			require.NoError(b, db.Client.Notification.CreateBulk(messages[i:i+500]...).Exec(entrule.WithEdgeMemo(ctx, cl.ID, appt.ID)))
		}
	}
	var args []any
	for range timeline.Sources {
		args = append(args, p.Org.ID, target, 21)
	}
	rs, err := db.Client.QueryContext(ctx, db.Client.Rebind("EXPLAIN "+map[bool]string{true: "QUERY PLAN ", false: ""}[db.Dialect == "sqlite3"]+timeline.Statement(false)), append(args, 21)...)
	require.NoError(b, err)
	cols, _ := rs.Columns()
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(b, rs.Scan(ptrs...))
		b.Log(vals[len(vals)-1])
	}
	rs.Close()
	bb := &bundle{db: db, api: api, p: p, client: string(target)}
	var deep *string
	for range 50 { // 50 pages in
		pg := bb.timeline(b, 20, deep)
		deep = pg.PageInfo.EndCursor
	}
	b.Run("first", func(b *testing.B) {
		for b.Loop() {
			bb.timeline(b, 20, nil)
		}
	})
	b.Run("page51", func(b *testing.B) {
		for b.Loop() {
			bb.timeline(b, 20, deep)
		}
	})
}
