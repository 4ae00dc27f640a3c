package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/schematype"
)

// TestPortalBookingTakesTheServicesLocation books through the portal a
// service given at a location: the appointment is held there, and the
// portal shows the location's public details on it, nothing more.
func TestPortalBookingTakesTheServicesLocation(t *testing.T) {
	t.Parallel()
	b := setupBookings(t)
	var loc struct{ CreateLocation struct{ ID string } }
	b.api.OK(b.p.Token, `mutation { createLocation(input: {name: "Downtown clinic", phone: "416 555 0100", address: {line1: "40 King Street West", city: "Toronto"}}) { id } }`, nil, &loc)
	b.api.OK(b.p.Token, `mutation($id: ID!, $l: ID!) { updateService(id: $id, input: {practiceLocationID: $l}) { id } }`,
		map[string]any{"id": b.service, "l": loc.CreateLocation.ID}, nil)

	booked := b.book(t, b.samS, b.sam, b.at(10, 0), "sam-loc")
	var staff struct {
		Node struct {
			PracticeLocation struct{ ID string }
			HeldAt           string
		}
	}
	b.api.OK(b.p.Token, `query($id: ID!) { node(id: $id) { ... on Appointment { practiceLocation { id } heldAt } } }`, map[string]any{"id": booked.ID}, &staff)
	require.Equal(t, loc.CreateLocation.ID, staff.Node.PracticeLocation.ID, "the service's location")
	require.Equal(t, "Downtown clinic, 40 King Street West, Toronto", staff.Node.HeldAt)
	sent := b.env.Notifications(t, booked.ID, schematype.ChannelEmail)
	require.NotEmpty(t, sent)
	for _, n := range sent {
		require.Contains(t, n.Text, "Downtown clinic, 40 King Street West, Toronto", "the confirmation says where")
	}

	type public struct {
		Name    string
		Phone   string
		Address struct{ Line1 string }
	}
	var portal struct {
		PortalClient struct {
			Appointments []struct {
				ID               string
				PracticeLocation *public
			}
		}
	}
	b.api.Acting(b.sam).OK(b.patS, `{ portalClient { appointments { id practiceLocation { name phone address { line1 } } } } }`, nil, &portal)
	require.Len(t, portal.PortalClient.Appointments, 1)
	p := portal.PortalClient.Appointments[0].PracticeLocation
	require.Equal(t, "Downtown clinic", p.Name)
	require.Equal(t, "40 King Street West", p.Address.Line1)
	e := b.api.Acting(b.sam).Fail(b.patS, `{ portalClient { appointments { practiceLocation { active } } } }`, nil)
	require.Equal(t, "GRAPHQL_VALIDATION_FAILED", e.Code(), "the portal sees the public details only")
	e = b.api.Acting(b.sam).Fail(b.patS, `{ locations { totalCount } }`, nil)
	require.Equal(t, "FORBIDDEN", e.Code(), "a portal session lists no locations")
	e = b.api.Acting(b.sam).Fail(b.patS, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": loc.CreateLocation.ID})
	require.Equal(t, "FORBIDDEN", e.Code(), "nor reads one by its ID")
}
