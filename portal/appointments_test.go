package portal_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// book books an appointment of client with the practice's owner, starting
// at (rounded to the minute), and returns its ID.
func (f *family) book(t *testing.T, client string, at time.Time) string {
	t.Helper()
	at = at.UTC().Truncate(time.Minute)
	var out struct{ CreateAppointment struct{ ID string } }
	f.api.OK(f.p.Token, `mutation($in: CreateAppointmentInput!) { createAppointment(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"clientID": client, "practitionerID": string(f.p.Owner.ID), "location": "Room 2",
		"startsAt": at.Format(time.RFC3339), "endsAt": at.Add(50 * time.Minute).Format(time.RFC3339),
	}}, &out)
	return out.CreateAppointment.ID
}

func TestPortalShowsTheActingClientsAppointments(t *testing.T) {
	t.Parallel()
	f := setup(t)
	session := f.claim(t, f.inviteContact(t, f.samLink, nil, false))
	now := time.Now()
	soon := f.book(t, f.sam, now.Add(24*time.Hour))
	later := f.book(t, f.sam, now.Add(48*time.Hour))
	past := f.book(t, f.sam, now.Add(-48*time.Hour))
	f.book(t, f.kim, now.Add(30*time.Hour)) // Pat has no access to Kim yet

	type appt struct{ ID, Status, PractitionerName, Location, StartsAtLocal string }
	var out struct {
		PortalClient struct {
			Upcoming []appt
			Past     []appt
		}
	}
	f.api.Acting(f.sam).OK(session, `{ portalClient {
		upcoming: appointments { id status practitionerName location startsAtLocal }
		past: appointments(past: true) { id }
	} }`, nil, &out)
	require.Len(t, out.PortalClient.Upcoming, 2)
	require.Equal(t, soon, out.PortalClient.Upcoming[0].ID)
	require.Equal(t, later, out.PortalClient.Upcoming[1].ID)
	require.Equal(t, "Room 2", out.PortalClient.Upcoming[0].Location)
	require.NotEmpty(t, out.PortalClient.Upcoming[0].PractitionerName)
	require.Contains(t, out.PortalClient.Upcoming[0].StartsAtLocal, "-0") // America/Toronto
	require.Len(t, out.PortalClient.Past, 1)
	require.Equal(t, past, out.PortalClient.Past[0].ID)

	// The portal client type has no staff fields at all.
	e := f.api.Acting(f.sam).Fail(session, `{ portalClient { alert } }`, nil)
	require.Equal(t, "GRAPHQL_VALIDATION_FAILED", e.Code())
}
