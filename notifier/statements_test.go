package notifier_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/viewer"
)

// createAppointmentStatements is how many SQL statements ent runs for one
// staff createAppointment of a client with email and SMS, the notifier's
// confirmation and reminder included (River's job inserts are not ent's).
// It was 19 on SQLite before the notifier's hook read the appointment, its
// client and its organisation only once; it is one more since the
// appointment's history (AppointmentChange, one insert) is written with it,
// and one more since its appointment.booked event looks for the
// organisation's subscribed webhook endpoints (one indexed SELECT; with
// none, nothing is written).
const createAppointmentStatements = 18

// TestCreateAppointmentStatements counts the statements of createAppointment
// through kith's handler, with the notifier as kith serve attaches it.
func TestCreateAppointmentStatements(t *testing.T) {
	t.Parallel()
	var (
		mu       sync.Mutex
		counting bool
		seen     []string
	)
	db := kithtest.Open(t, kithtest.DBURL(t), database.Options{Log: func(_ context.Context, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if counting {
			s, _ := args[0].(string)
			seen = append(seen, s)
		}
	}})
	kithtest.AttachNotifier(t, db, notifier.Config{NoQuietHours: true})
	api := kithtest.NewAPI(t, db)
	p := kithtest.NewPractice(t, db, "stmt")
	var c struct{ CreateClient struct{ ID string } }
	api.OK(p.Token, `mutation($in: CreateClientInput!){ createClient(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"firstName": "Alex", "lastName": "Rivera", "email": "alex@example.com", "mobilePhone": "+14165550100",
		"emailConsent": true, "smsConsent": true, "preferredContactMethod": "BOTH"}}, &c)
	ctx := viewer.NewContext(context.Background(), viewer.System{OrgID: p.Org.ID})
	st, err := db.Client.Staff.Create().SetName("Pat").SetEmail("pat@stmt.example").SetRole(staff.RolePractitioner).Save(ctx)
	require.NoError(t, err)
	at := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Minute)
	mu.Lock()
	counting = true
	mu.Unlock()
	api.OK(p.Token, `mutation($in: CreateAppointmentInput!){ createAppointment(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"clientID": c.CreateClient.ID, "practitionerID": string(st.ID),
		"startsAt": at.Format(time.RFC3339), "endsAt": at.Add(50 * time.Minute).Format(time.RFC3339)}}, nil)
	mu.Lock()
	defer mu.Unlock()
	t.Logf("%d statements:\n%s", len(seen), strings.Join(seen, "\n"))
	require.LessOrEqual(t, len(seen), createAppointmentStatements+1, "PostgreSQL may run one more (its transaction's isolation)")
}
