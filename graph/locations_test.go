package graph_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/kithtest"
)

// places is a practice with two locations, one of them archived, a client
// with an address and a contact linked as an additional address, and
// another practice with a location of its own.
type places struct {
	api              *kithtest.API
	p, other         kithtest.Practice
	downtown         string // active, with an address and a phone
	closed           string // archived
	otherLoc         string // the other practice's
	client           string // has an address
	extra            string // link to Jordan, ADDITIONAL_ADDRESS
	plain            string // link to Casey, no ADDITIONAL_ADDRESS
	start            time.Time
	nextStartMinutes int
}

const createLocation = `mutation($in: CreateLocationInput!) { createLocation(input: $in) { id name timeZone phone active address { line1 city } } }`

type locationOut struct {
	ID, Name, TimeZone string
	Phone              *string
	Active             bool
	Address            *struct{ Line1, City string }
}

func setupPlaces(t *testing.T) *places {
	t.Helper()
	db := kithtest.DB(t, nil)
	s := &places{api: kithtest.NewAPI(t, db), p: kithtest.NewPractice(t, db, "maple"), other: kithtest.NewPractice(t, db, "birch"),
		start: time.Date(2031, 3, 11, 14, 0, 0, 0, time.UTC)}
	s.downtown = s.location(t, s.p, map[string]any{"name": " Downtown clinic ", "phone": "416 555 0100",
		"address": map[string]any{"line1": "40 King Street West", "city": "Toronto", "region": "ON", "postalCode": "M5H 3Y2"}})
	s.closed = s.location(t, s.p, map[string]any{"name": "Old office"})
	s.api.OK(s.p.Token, `mutation($id: ID!) { updateLocation(id: $id, input: {active: false}) { id } }`, map[string]any{"id": s.closed}, nil)
	s.otherLoc = s.location(t, s.other, map[string]any{"name": "Birch clinic"})
	var c struct {
		CreateClient struct {
			ID           string
			ContactLinks []struct{ ID string }
		}
	}
	s.api.OK(s.p.Token, `mutation($cs: [ClientContactLinkInput!]) { createClient(input: {firstName: "Mia", lastName: "Chen", email: "mia@example.com",
		address: {line1: "12 Elm Street", city: "Toronto"}}, contacts: $cs) { id contactLinks { id } } }`,
		map[string]any{"cs": []map[string]any{
			{"contact": map[string]any{"firstName": "Jordan", "lastName": "Chen", "email": "jordan@example.com",
				"address": map[string]any{"line1": "8 Oak Avenue", "city": "Oakville"}}, "relationship": "PARENT", "contactTypes": []string{"ADDITIONAL_ADDRESS"}},
			{"contact": map[string]any{"firstName": "Casey", "lastName": "Chen", "email": "casey@example.com",
				"address": map[string]any{"line1": "3 Pine Road", "city": "Milton"}}, "relationship": "SIBLING"},
		}}, &c)
	s.client, s.extra, s.plain = c.CreateClient.ID, c.CreateClient.ContactLinks[0].ID, c.CreateClient.ContactLinks[1].ID
	return s
}

func (s *places) location(t *testing.T, p kithtest.Practice, in map[string]any) string {
	t.Helper()
	var out struct{ CreateLocation locationOut }
	s.api.OK(p.Token, createLocation, map[string]any{"in": in}, &out)
	return out.CreateLocation.ID
}

const bookAt = `mutation($in: CreateAppointmentInput!, $h: ID) { createAppointment(input: $in, heldAtContactLinkID: $h) {
	id location addressSource heldAt practiceLocation { id name } heldAtContactLink { id } } }`

type placed struct {
	ID                string
	Location          *string
	AddressSource     *string
	HeldAt            *string
	PracticeLocation  *struct{ ID, Name string }
	HeldAtContactLink *struct{ ID string }
}

// appointment is the input of an appointment of s's client, each an hour
// after the last, with extra fields.
func (s *places) appointment(extra map[string]any) map[string]any {
	at := s.start.Add(time.Duration(s.nextStartMinutes) * time.Minute)
	s.nextStartMinutes += 60
	in := map[string]any{"clientID": s.client, "practitionerID": string(s.p.Owner.ID),
		"startsAt": at.Format(time.RFC3339), "endsAt": at.Add(50 * time.Minute).Format(time.RFC3339)}
	for k, v := range extra {
		in[k] = v
	}
	return in
}

func (s *places) book(t *testing.T, extra map[string]any, heldAt any) placed {
	t.Helper()
	var out struct{ CreateAppointment placed }
	s.api.OK(s.p.Token, bookAt, map[string]any{"in": s.appointment(extra), "h": heldAt}, &out)
	return out.CreateAppointment
}

func TestLocations(t *testing.T) {
	t.Parallel()
	s := setupPlaces(t)

	var list struct {
		Locations struct {
			TotalCount int
			Edges      []struct{ Node locationOut }
		}
	}
	s.api.OK(s.p.Token, `{ locations(orderBy: {field: NAME}) { totalCount edges { node { id name timeZone phone active address { line1 city } } } } }`, nil, &list)
	require.Equal(t, 2, list.Locations.TotalCount, "the other practice's location is not listed")
	d := list.Locations.Edges[0].Node
	require.Equal(t, "Downtown clinic", d.Name, "trimmed")
	require.Equal(t, "America/Toronto", d.TimeZone, "the organisation's time zone by default")
	require.Equal(t, "+14165550100", *d.Phone, "E.164, read in the organisation's region")
	require.True(t, d.Active)
	require.Equal(t, "Toronto", d.Address.City)
	require.False(t, list.Locations.Edges[1].Node.Active, "archived, still listed")
	s.api.OK(s.p.Token, `{ locations(where: {active: true}) { totalCount edges { node { id name timeZone phone active address { line1 city } } } } }`, nil, &list)
	require.Equal(t, 1, list.Locations.TotalCount)

	for _, c := range []struct {
		in    map[string]any
		field string
	}{
		{map[string]any{"name": "  "}, "name"},
		{map[string]any{"name": "X", "timeZone": "Mars/Olympus"}, "timeZone"},
		{map[string]any{"name": "X", "phone": "12"}, "phone"},
		{map[string]any{"name": "X", "address": map[string]any{"city": string(make([]byte, 101))}}, "address.city"},
	} {
		e := s.api.Fail(s.p.Token, createLocation, map[string]any{"in": c.in})
		require.Equal(t, "BAD_USER_INPUT", e.Code(), c.field)
		require.Equal(t, c.field, e.Field())
	}
	e := s.api.Fail(s.p.Token, `mutation($id: ID!) { updateLocation(id: $id, input: {name: "Mine"}) { id } }`, map[string]any{"id": s.otherLoc})
	require.Equal(t, "NOT_FOUND", e.Code(), "another practice's location reads as missing")
	s.api.OK(s.p.Token, `mutation($id: ID!) { updateLocation(id: $id, input: {timeZone: "America/Vancouver", clearPhone: true}) { id } }`,
		map[string]any{"id": s.downtown}, nil)
}

func TestClientLocationVeteranIDAndQualified(t *testing.T) {
	t.Parallel()
	s := setupPlaces(t)
	const create = `mutation($in: CreateClientInput!) { createClient(input: $in) { id veteranID qualified defaultLocation { id name } } }`
	var out struct {
		CreateClient struct {
			ID              string
			VeteranID       *string
			Qualified       *bool
			DefaultLocation *struct{ ID, Name string }
		}
	}
	s.api.OK(s.p.Token, create, map[string]any{"in": map[string]any{"firstName": "Lee", "lastName": "Park", "email": "lee@example.com",
		"veteranID": "K-1234567", "qualified": true, "defaultLocationID": s.downtown}}, &out)
	require.Equal(t, "K-1234567", *out.CreateClient.VeteranID)
	require.True(t, *out.CreateClient.Qualified)
	require.Equal(t, s.downtown, out.CreateClient.DefaultLocation.ID)

	var found struct{ Clients struct{ TotalCount int } }
	s.api.OK(s.p.Token, `query($l: ID!) { clients(where: {qualified: true, hasDefaultLocationWith: {id: $l}}) { totalCount } }`, map[string]any{"l": s.downtown}, &found)
	require.Equal(t, 1, found.Clients.TotalCount)
	s.api.OK(s.p.Token, `{ clients(where: {veteranIDNotNil: true}) { totalCount } }`, nil, &found)
	require.Equal(t, 1, found.Clients.TotalCount)

	bad := func(in map[string]any, code, field string) {
		t.Helper()
		in["firstName"], in["lastName"], in["email"] = "Bad", "Input", "bad@example.com"
		e := s.api.Fail(s.p.Token, create, map[string]any{"in": in})
		require.Equal(t, code, e.Code(), field)
		require.Equal(t, field, e.Field())
	}
	bad(map[string]any{"veteranID": string(make([]rune, 65))}, "BAD_USER_INPUT", "veteranID")
	bad(map[string]any{"defaultLocationID": s.closed}, "BAD_USER_INPUT", "defaultLocationID")
	bad(map[string]any{"defaultLocationID": s.otherLoc}, "NOT_FOUND", "defaultLocationID")
	e := s.api.Fail(s.p.Token, `mutation($id: ID!, $l: ID!) { updateClient(id: $id, input: {defaultLocationID: $l}) { id } }`,
		map[string]any{"id": out.CreateClient.ID, "l": s.closed})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Contains(t, e.Message, "archived")
	s.api.OK(s.p.Token, `mutation($id: ID!) { updateClient(id: $id, input: {clearDefaultLocation: true, clearQualified: true, clearVeteranID: true}) { id } }`,
		map[string]any{"id": out.CreateClient.ID}, nil)
	s.api.OK(s.p.Token, `{ clients(where: {qualified: true}) { totalCount } }`, nil, &found)
	require.Zero(t, found.Clients.TotalCount)
}

func TestAppointmentsTakeALocation(t *testing.T) {
	t.Parallel()
	s := setupPlaces(t)
	var svc struct{ CreateService struct{ ID string } }
	s.api.OK(s.p.Token, `mutation($l: ID!) { createService(input: {name: "Counselling", durationMinutes: 50, practiceLocationID: $l}) { id } }`,
		map[string]any{"l": s.downtown}, &svc)
	e := s.api.Fail(s.p.Token, `mutation($l: ID!) { createService(input: {name: "Old", durationMinutes: 50, practiceLocationID: $l}) { id } }`,
		map[string]any{"l": s.closed})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "practiceLocationID", e.Field())

	// Named, taken from the service, from the client's default, or none.
	a := s.book(t, map[string]any{"practiceLocationID": s.downtown, "location": "Room 2"}, nil)
	require.Equal(t, s.downtown, a.PracticeLocation.ID)
	require.Equal(t, "Downtown clinic, 40 King Street West, Toronto, ON M5H 3Y2", *a.HeldAt, "the location wins over the text")
	a = s.book(t, map[string]any{"serviceID": svc.CreateService.ID}, nil)
	require.Equal(t, s.downtown, a.PracticeLocation.ID, "the service's location")
	a = s.book(t, map[string]any{"location": "Community hall"}, nil)
	require.Nil(t, a.PracticeLocation, "a one-off place")
	require.Equal(t, "Community hall", *a.HeldAt)
	a = s.book(t, map[string]any{"telehealthURL": "https://video.example/r/1"}, nil)
	require.Nil(t, a.PracticeLocation)
	require.Nil(t, a.HeldAt)

	second := s.location(t, s.p, map[string]any{"name": "Uptown"})
	s.api.OK(s.p.Token, `mutation($id: ID!, $l: ID!) { updateClient(id: $id, input: {defaultLocationID: $l}) { id } }`,
		map[string]any{"id": s.client, "l": second}, nil)
	a = s.book(t, nil, nil)
	require.Equal(t, second, a.PracticeLocation.ID, "the client's default location")
	a = s.book(t, map[string]any{"serviceID": svc.CreateService.ID}, nil)
	require.Equal(t, s.downtown, a.PracticeLocation.ID, "the service's location before the client's")

	// An archived location stays on what names it; nothing new takes it.
	s.api.OK(s.p.Token, `mutation($id: ID!) { updateLocation(id: $id, input: {active: false}) { id } }`, map[string]any{"id": second}, nil)
	var kept struct {
		Node struct{ PracticeLocation struct{ ID string } }
	}
	s.api.OK(s.p.Token, `query($id: ID!) { node(id: $id) { ... on Appointment { practiceLocation { id } } } }`, map[string]any{"id": a.ID}, &kept)
	require.Equal(t, s.downtown, kept.Node.PracticeLocation.ID)
	a = s.book(t, nil, nil)
	require.Nil(t, a.PracticeLocation, "the client's default is archived: not taken")

	for _, c := range []struct {
		loc, code string
	}{{s.closed, "BAD_USER_INPUT"}, {second, "BAD_USER_INPUT"}, {s.otherLoc, "NOT_FOUND"}} {
		e := s.api.Fail(s.p.Token, bookAt, map[string]any{"in": s.appointment(map[string]any{"practiceLocationID": c.loc})})
		require.Equal(t, c.code, e.Code())
		require.Equal(t, "practiceLocationID", e.Field())
	}
	var count struct{ Appointments struct{ TotalCount int } }
	s.api.OK(s.p.Token, `{ appointments { totalCount } }`, nil, &count)
	require.Equal(t, 7, count.Appointments.TotalCount, "a refused booking writes nothing")
}

func TestAppointmentAtAnAddressOfTheClient(t *testing.T) {
	t.Parallel()
	s := setupPlaces(t)

	type address struct {
		Source      string
		Label       string
		ContactLink *struct{ ID string }
		Address     struct{ Line1 string }
	}
	var list struct {
		Node struct{ AppointmentAddresses []address }
	}
	s.api.OK(s.p.Token, `query($id: ID!) { node(id: $id) { ... on Client { appointmentAddresses { source label contactLink { id } address { line1 } } } } }`,
		map[string]any{"id": s.client}, &list)
	got := list.Node.AppointmentAddresses
	require.Len(t, got, 2, "the client's own and Jordan's; Casey is no additional address")
	require.Equal(t, "CLIENT", got[0].Source)
	require.Nil(t, got[0].ContactLink)
	require.Equal(t, "12 Elm Street", got[0].Address.Line1)
	require.Equal(t, "CONTACT", got[1].Source)
	require.Equal(t, s.extra, got[1].ContactLink.ID)
	require.Equal(t, "Jordan Chen", got[1].Label)

	home := s.book(t, map[string]any{"addressSource": "CLIENT"}, nil)
	require.Equal(t, "CLIENT", *home.AddressSource)
	require.Equal(t, "12 Elm Street, Toronto", *home.HeldAt)
	require.Nil(t, home.PracticeLocation, "an address is not a location: no default is taken")
	at := s.book(t, nil, s.extra)
	require.Equal(t, "CONTACT", *at.AddressSource, "a link alone means the contact's address")
	require.Equal(t, "8 Oak Avenue, Oakville", *at.HeldAt)

	for _, c := range []struct {
		extra   map[string]any
		heldAt  any
		field   string
		message string
	}{
		{nil, s.plain, "heldAtContactLinkID", "not an additional address"},
		{map[string]any{"addressSource": "CONTACT"}, nil, "heldAtContactLinkID", "needs heldAtContactLinkID"},
		{map[string]any{"addressSource": "CLIENT"}, s.extra, "heldAtContactLinkID", "names no contact"},
		{map[string]any{"practiceLocationID": s.downtown}, s.extra, "addressSource", "not both"},
	} {
		e := s.api.Fail(s.p.Token, bookAt, map[string]any{"in": s.appointment(c.extra), "h": c.heldAt})
		require.Equal(t, "BAD_USER_INPUT", e.Code(), c.message)
		require.Equal(t, c.field, e.Field())
		require.Contains(t, e.Message, c.message)
	}
	// Another client's link reads as no link of this client.
	var other struct {
		CreateClient struct{ ContactLinks []struct{ ID string } }
	}
	s.api.OK(s.p.Token, `mutation { createClient(input: {firstName: "Ola", lastName: "Nor", email: "ola@example.com"},
		contacts: [{contact: {firstName: "Per", email: "per@example.com", address: {line1: "1 Fjord Way", city: "Bergen"}}, relationship: PARENT, contactTypes: [ADDITIONAL_ADDRESS]}]) {
		contactLinks { id } } }`, nil, &other)
	e := s.api.Fail(s.p.Token, bookAt, map[string]any{"in": s.appointment(nil), "h": other.CreateClient.ContactLinks[0].ID})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "heldAtContactLinkID", e.Field())
	in := s.appointment(nil)
	in["practitionerID"] = string(s.other.Owner.ID)
	e = s.api.Fail(s.other.Token, bookAt, map[string]any{"in": in, "h": s.extra})
	require.Equal(t, "NOT_FOUND", e.Code(), "another practice's client and link read as missing")

	// A client without an address cannot be visited at it.
	var bare struct{ CreateClient struct{ ID string } }
	s.api.OK(s.p.Token, `mutation { createClient(input: {firstName: "No", lastName: "Home", email: "nohome@example.com"}) { id } }`, nil, &bare)
	in = s.appointment(map[string]any{"addressSource": "CLIENT"})
	in["clientID"] = bare.CreateClient.ID
	e = s.api.Fail(s.p.Token, bookAt, map[string]any{"in": in})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "addressSource", e.Field())

	// The contact's address follows the contact; when the link stops being
	// an additional address, the appointment keeps the address as text.
	var jordan struct {
		Node struct{ Contact struct{ ID string } }
	}
	s.api.OK(s.p.Token, `query($id: ID!) { node(id: $id) { ... on ClientContact { contact { id } } } }`, map[string]any{"id": s.extra}, &jordan)
	s.api.OK(s.p.Token, `mutation($id: ID!) { updateContact(id: $id, input: {address: {line1: "9 Oak Avenue", city: "Oakville"}}) { id } }`,
		map[string]any{"id": jordan.Node.Contact.ID}, nil)
	read := func(id string) placed {
		var out struct{ Node placed }
		s.api.OK(s.p.Token, `query($id: ID!) { node(id: $id) { ... on Appointment { id location addressSource heldAt practiceLocation { id name } heldAtContactLink { id } } } }`,
			map[string]any{"id": id}, &out)
		return out.Node
	}
	require.Equal(t, "9 Oak Avenue, Oakville", *read(at.ID).HeldAt)
	var only struct{ Node struct{ HeldAt string } }
	s.api.OK(s.p.Token, `query($id: ID!) { node(id: $id) { ... on Appointment { heldAt } } }`, map[string]any{"id": at.ID}, &only)
	require.Equal(t, "9 Oak Avenue, Oakville", only.Node.HeldAt, "asked alone")
	s.api.OK(s.p.Token, `mutation($id: ID!) { updateClientContact(id: $id, input: {contactTypes: [EMERGENCY]}) { id } }`, map[string]any{"id": s.extra}, nil)
	released := read(at.ID)
	require.Nil(t, released.AddressSource)
	require.Nil(t, released.HeldAtContactLink)
	require.Equal(t, "9 Oak Avenue, Oakville", *released.Location, "the address stays as the text location")
	require.Equal(t, "9 Oak Avenue, Oakville", *released.HeldAt)

	// Removing the link does the same.
	s.api.OK(s.p.Token, `mutation($id: ID!) { updateClientContact(id: $id, input: {appendContactTypes: [ADDITIONAL_ADDRESS]}) { id } }`, map[string]any{"id": s.extra}, nil)
	again := s.book(t, nil, s.extra)
	s.api.OK(s.p.Token, `mutation($id: ID!) { removeClientContact(id: $id) }`, map[string]any{"id": s.extra}, nil)
	released = read(again.ID)
	require.Nil(t, released.AddressSource)
	require.Nil(t, released.HeldAtContactLink)
	require.Equal(t, "9 Oak Avenue, Oakville", *released.Location)
}

func TestMessagesSayWhereTheAppointmentIsHeld(t *testing.T) {
	t.Parallel()
	s := setupPlaces(t)
	preview := func(id string) string {
		t.Helper()
		var out struct{ PreviewMessage struct{ Text string } }
		s.api.OK(s.p.Token, `query($a: ID!) { previewMessage(appointmentID: $a, kind: CONFIRMATION, channel: EMAIL) { text } }`,
			map[string]any{"a": id}, &out)
		return out.PreviewMessage.Text
	}
	text := preview(s.book(t, map[string]any{"practiceLocationID": s.downtown, "location": "typed"}, nil).ID)
	require.Contains(t, text, "Downtown clinic, 40 King Street West, Toronto, ON M5H 3Y2")
	require.NotContains(t, text, "typed")
	require.Contains(t, preview(s.book(t, nil, s.extra).ID), "8 Oak Avenue, Oakville")
	require.Contains(t, preview(s.book(t, map[string]any{"addressSource": "CLIENT"}, nil).ID), "12 Elm Street, Toronto")
	require.Contains(t, preview(s.book(t, map[string]any{"location": "Community hall"}, nil).ID), "Community hall")
}

func TestWidgetShowsAServicesLocation(t *testing.T) {
	t.Parallel()
	s := setupPlaces(t)
	s.api.OK(s.p.Token, `mutation($l: ID!, $p: [ID!]) { createService(input: {name: "Counselling", durationMinutes: 50, bookableOnline: true, practiceLocationID: $l}, practitionerIds: $p) { id } }`,
		map[string]any{"l": s.downtown, "p": []string{string(s.p.Owner.ID)}}, nil)
	type public struct {
		Name, TimeZone string
		Phone          *string
		Address        struct{ Line1 string }
	}
	var out struct {
		BookableServices []struct {
			Name             string
			PracticeLocation *public
		}
	}
	s.api.OK("", `{ bookableServices(organization: "maple") { name practiceLocation { name timeZone phone address { line1 } } } }`, nil, &out)
	require.Len(t, out.BookableServices, 1)
	l := out.BookableServices[0].PracticeLocation
	require.Equal(t, "Downtown clinic", l.Name)
	require.Equal(t, "America/Toronto", l.TimeZone)
	require.Equal(t, "+14165550100", *l.Phone)
	require.Equal(t, "40 King Street West", l.Address.Line1)
	// PublicLocation has nothing else to ask for.
	e := s.api.Fail("", `{ bookableServices(organization: "maple") { practiceLocation { active } } }`, nil)
	require.Equal(t, "GRAPHQL_VALIDATION_FAILED", e.Code())

	s.api.OK(s.p.Token, `mutation($id: ID!) { updateLocation(id: $id, input: {active: false}) { id } }`, map[string]any{"id": s.downtown}, nil)
	s.api.OK("", `{ bookableServices(organization: "maple") { name practiceLocation { name timeZone phone address { line1 } } } }`, nil, &out)
	require.Nil(t, out.BookableServices[0].PracticeLocation, "an archived location is not shown")
}

// TestAOneOffPlaceIsKept books a service given at a location at a place
// staff typed: the appointment keeps the typed place, and its messages say it.
func TestAOneOffPlaceIsKept(t *testing.T) {
	t.Parallel()
	s := setupPlaces(t)
	var svc struct{ CreateService struct{ ID string } }
	s.api.OK(s.p.Token, `mutation($l: ID!) { createService(input: {name: "Counselling", durationMinutes: 50, practiceLocationID: $l}) { id } }`,
		map[string]any{"l": s.downtown}, &svc)
	s.api.OK(s.p.Token, `mutation($id: ID!, $l: ID!) { updateClient(id: $id, input: {defaultLocationID: $l}) { id } }`,
		map[string]any{"id": s.client, "l": s.downtown}, nil)
	a := s.book(t, map[string]any{"serviceID": svc.CreateService.ID, "location": "Community hall"}, nil)
	require.Nil(t, a.PracticeLocation, "the typed place, not the service's location")
	require.Equal(t, "Community hall", *a.HeldAt)
	var out struct{ PreviewMessage struct{ Text string } }
	s.api.OK(s.p.Token, `query($a: ID!) { previewMessage(appointmentID: $a, kind: CONFIRMATION, channel: EMAIL) { text } }`,
		map[string]any{"a": a.ID}, &out)
	require.Contains(t, out.PreviewMessage.Text, "Community hall")
	require.NotContains(t, out.PreviewMessage.Text, "Downtown clinic")
	a = s.book(t, map[string]any{"location": "Park pavilion"}, nil)
	require.Nil(t, a.PracticeLocation, "the typed place, not the client's default location")
	a = s.book(t, map[string]any{"serviceID": svc.CreateService.ID, "location": "  "}, nil)
	require.Equal(t, s.downtown, a.PracticeLocation.ID, "blank text names no place")
}

// TestRemovingABillingAndAddressLink removes a link that is both the
// billing contact of a coverage record and the address an appointment is
// held at: both let go of it, in one change, and the answer warns of the
// coverage.
func TestRemovingABillingAndAddressLink(t *testing.T) {
	t.Parallel()
	s := setupPlaces(t)
	s.api.OK(s.p.Token, `mutation($id: ID!) { updateClientContact(id: $id, input: {appendContactTypes: [BILLING]}) { id } }`,
		map[string]any{"id": s.extra}, nil)
	var cov struct{ CreateCoverage struct{ ID string } }
	s.api.OK(s.p.Token, `mutation($c: ID!) { createCoverage(input: {clientID: $c}) { id } }`, map[string]any{"c": s.client}, &cov)
	s.api.OK(s.p.Token, `mutation($id: ID!, $l: ID) { setCoverageBillingContact(id: $id, billingContactID: $l) { id } }`,
		map[string]any{"id": cov.CreateCoverage.ID, "l": s.extra}, nil)
	at := s.book(t, nil, s.extra)
	require.Equal(t, "CONTACT", *at.AddressSource)

	rsp := s.api.Do(s.p.Token, `mutation($id: ID!) { removeClientContact(id: $id) }`, map[string]any{"id": s.extra})
	require.Empty(t, rsp.Errors)
	w := warnings(t, rsp)
	require.Len(t, w, 1)
	require.Equal(t, "BILLING_CONTACT_CLEARED", w[0]["code"])
	require.Equal(t, []any{cov.CreateCoverage.ID}, w[0]["ids"])
	var read struct {
		Node struct{ BillingContact *struct{ ID string } }
	}
	s.api.OK(s.p.Token, `query($id: ID!) { node(id: $id) { ... on Coverage { billingContact { id } } } }`,
		map[string]any{"id": cov.CreateCoverage.ID}, &read)
	require.Nil(t, read.Node.BillingContact)
	var appt struct{ Node placed }
	s.api.OK(s.p.Token, `query($id: ID!) { node(id: $id) { ... on Appointment { id location addressSource heldAt practiceLocation { id name } heldAtContactLink { id } } } }`,
		map[string]any{"id": at.ID}, &appt)
	require.Nil(t, appt.Node.AddressSource)
	require.Nil(t, appt.Node.HeldAtContactLink)
	require.Equal(t, "8 Oak Avenue, Oakville", *appt.Node.Location, "the address stays as the text location")
}
