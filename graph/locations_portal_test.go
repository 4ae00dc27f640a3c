package graph_test

import (
	"testing"
	"time"

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

// TestPortalSaysWhereAnAppointmentIsHeld reads PortalAppointment.location
// as the client and as two of its contacts: a location and a one-off place
// read alike for all; an address's street shows only to the client and to
// the contact whose address it is, the others read whose it is.
func TestPortalSaysWhereAnAppointmentIsHeld(t *testing.T) {
	t.Parallel()
	b := setupBookings(t)
	tok := b.p.Token
	var links struct {
		Node struct {
			ContactLinks []struct {
				ID      string
				Contact struct{ ID, FirstName string }
			}
		}
	}
	b.api.OK(tok, `query($id: ID!) { node(id: $id) { ... on Client { contactLinks { id contact { id firstName } } } } }`, map[string]any{"id": b.sam}, &links)
	var pat string
	for _, l := range links.Node.ContactLinks {
		if l.Contact.FirstName == "Pat" {
			pat = l.ID
			b.api.OK(tok, `mutation($id: ID!) { updateContact(id: $id, input: {address: {line1: "8 Oak Avenue", city: "Oakville"}}) { id } }`,
				map[string]any{"id": l.Contact.ID}, nil)
			b.api.OK(tok, `mutation($id: ID!) { updateClientContact(id: $id, input: {appendContactTypes: [ADDITIONAL_ADDRESS]}) { id } }`,
				map[string]any{"id": l.ID}, nil)
		}
	}
	require.NotEmpty(t, pat)
	b.api.OK(tok, `mutation($id: ID!) { updateClient(id: $id, input: {address: {line1: "12 Elm Street", city: "Toronto"}}) { id } }`,
		map[string]any{"id": b.sam}, nil)
	var loc struct{ CreateLocation struct{ ID string } }
	b.api.OK(tok, `mutation { createLocation(input: {name: "Downtown clinic", address: {line1: "40 King Street West", city: "Toronto"}}) { id } }`, nil, &loc)

	book := func(hour int, extra map[string]any, heldAt any) string {
		t.Helper()
		at := b.at(hour, 0)
		in := map[string]any{"clientID": b.sam, "practitionerID": b.practitioner,
			"startsAt": at.Format(time.RFC3339), "endsAt": at.Add(time.Hour).Format(time.RFC3339)}
		for k, v := range extra {
			in[k] = v
		}
		var out struct{ CreateAppointment struct{ ID string } }
		b.api.OK(tok, `mutation($in: CreateAppointmentInput!, $h: ID) { createAppointment(input: $in, heldAtContactLinkID: $h) { id } }`,
			map[string]any{"in": in, "h": heldAt}, &out)
		return out.CreateAppointment.ID
	}
	clinic := book(9, map[string]any{"practiceLocationID": loc.CreateLocation.ID}, nil)
	home := book(11, map[string]any{"addressSource": "CLIENT"}, nil)
	atPat := book(13, nil, pat)
	hall := book(15, map[string]any{"location": "Community hall"}, nil)
	video := book(16, map[string]any{"telehealthURL": "https://video.example/r/1"}, nil)

	read := func(session string) map[string]*string {
		t.Helper()
		var out struct {
			PortalClient struct {
				Appointments []struct {
					ID       string
					Location *string
				}
			}
		}
		b.api.Acting(b.sam).OK(session, `{ portalClient { appointments { id location } } }`, nil, &out)
		got := map[string]*string{}
		for _, a := range out.PortalClient.Appointments {
			got[a.ID] = a.Location
		}
		require.Len(t, got, 5)
		return got
	}
	for _, c := range []struct {
		who           string
		session       string
		home, contact string
	}{
		{"the client", b.samS, "12 Elm Street, Toronto", "8 Oak Avenue, Oakville"},
		{"the contact whose address it is", b.patS, "At Sam's address", "8 Oak Avenue, Oakville"},
		{"another contact", b.kimS, "At Sam's address", "At Pat's address"},
	} {
		got := read(c.session)
		require.Equal(t, "Downtown clinic, 40 King Street West, Toronto", *got[clinic], c.who)
		require.Equal(t, c.home, *got[home], c.who)
		require.Equal(t, c.contact, *got[atPat], c.who)
		require.Equal(t, "Community hall", *got[hall], c.who)
		require.Nil(t, got[video], c.who)
	}
}
