package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/communication"
	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/ent"
	entcomm "github.com/kith-health/kith/ent/communication"
	"github.com/kith-health/kith/ent/communicationparty"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// comms is a practice with people to match communications to, staff of
// every role and another practice.
type comms struct {
	db         *database.DB
	api        *kithtest.API
	p, other   kithtest.Practice
	statements *atomic.Int64
	// Staff: an admin, the practitioner assigned to Sam, a practitioner
	// assigned to nobody, front desk.
	admin, prac, loner, desk member
	// sam (assigned to prac) and kim are clients; pat is a contact of Sam
	// only, lee a contact of Sam and Kim.
	sam, kim, pat, lee string
	// otherClient is a client of the other practice.
	otherClient string
}

// member is a staff member and its token.
type member struct{ id, token string }

func setupComms(t *testing.T) *comms {
	t.Helper()
	b := &comms{statements: &atomic.Int64{}}
	b.db = kithtest.DB(t, b.statements)
	b.api = kithtest.NewAPI(t, b.db)
	b.p = kithtest.NewPractice(t, b.db, "maple")
	b.other = kithtest.NewPractice(t, b.db, "birch")
	b.admin = b.staff(t, "Ada Admin", "ada@maple.example", "ADMIN", "")
	b.prac = b.staff(t, "Pia Practitioner", "Pia@Maple.example", "PRACTITIONER", "416-555-0199")
	b.loner = b.staff(t, "Lou Loner", "lou@maple.example", "PRACTITIONER", "")
	b.desk = b.staff(t, "Dee Desk", "dee@maple.example", "FRONT_DESK", "")

	var sam struct {
		CreateClient struct {
			ID           string
			ContactLinks []struct {
				Contact struct{ ID, FirstName string }
			}
		}
	}
	b.api.OK(b.p.Token, `mutation($i: CreateClientInput!, $cs: [ClientContactLinkInput!]) { createClient(input: $i, contacts: $cs) { id contactLinks { contact { id firstName } } } }`,
		map[string]any{"i": map[string]any{"firstName": "Sam", "lastName": "Rivera", "email": "Sam@Rivera.example", "mobilePhone": "416 555 0101",
			"otherPhones": []any{map[string]any{"label": "home", "number": "(416) 555-0102"}}, "practitionerIDs": []string{b.prac.id}},
			"cs": []any{
				map[string]any{"contact": map[string]any{"firstName": "Pat", "email": "pat@rivera.example", "phone": "416 555 0103"}, "relationship": "PARENT"},
				map[string]any{"contact": map[string]any{"firstName": "Lee", "phone": "416 555 0104"}, "relationship": "PARENT"},
			}}, &sam)
	b.sam = sam.CreateClient.ID
	for _, l := range sam.CreateClient.ContactLinks {
		switch l.Contact.FirstName {
		case "Pat":
			b.pat = l.Contact.ID
		case "Lee":
			b.lee = l.Contact.ID
		}
	}
	var kim struct{ CreateClient struct{ ID string } }
	b.api.OK(b.p.Token, `mutation($c: ID!) { createClient(input: {firstName: "Kim", lastName: "Rivera"}, contacts: [{contactID: $c, relationship: PARENT}]) { id } }`,
		map[string]any{"c": b.lee}, &kim)
	b.kim = kim.CreateClient.ID
	var other struct{ CreateClient struct{ ID string } }
	b.api.OK(b.other.Token, `mutation { createClient(input: {firstName: "Oda", lastName: "Birch", email: "sam@rivera.example"}) { id } }`, nil, &other)
	b.otherClient = other.CreateClient.ID
	return b
}

// staff creates a staff member of the practice and signs it in.
func (b *comms) staff(t *testing.T, name, email, role, phone string) member {
	t.Helper()
	in := map[string]any{"name": name, "email": email, "role": role}
	if phone != "" {
		in["phone"] = phone
	}
	var out struct{ CreateStaff struct{ ID string } }
	b.api.OK(b.p.Token, `mutation($i: CreateStaffInput!) { createStaff(input: $i) { id } }`, map[string]any{"i": in}, &out)
	ctx := context.Background()
	s, err := b.db.Client.Staff.Get(viewer.NewContext(ctx, viewer.System{OrgID: b.p.Org.ID}), pulid.ID(out.CreateStaff.ID))
	require.NoError(t, err)
	tok, err := b.api.Auth.Issue(ctx, s)
	require.NoError(t, err)
	return member{id: out.CreateStaff.ID, token: tok.Secret}
}

// record records in for the practice as kith does (a webhook, an import).
func (b *comms) record(t *testing.T, in communication.Input) string {
	t.Helper()
	if in.OrganizationID == "" {
		in.OrganizationID = b.p.Org.ID
	}
	if in.Direction == "" {
		in.Direction = entcomm.DirectionInbound
	}
	if in.Source == "" {
		in.Source = map[entcomm.Kind]entcomm.Source{entcomm.KindEmail: entcomm.SourceIMAP, entcomm.KindCall: entcomm.SourceTwilioVoice,
			entcomm.KindSMS: entcomm.SourceTwilioSMS}[in.Kind]
	}
	c, created, err := communication.Record(context.Background(), b.db.Client, in)
	require.NoError(t, err)
	require.True(t, created)
	return string(c.ID)
}

const commSelection = `id kind direction status title unmatched
	relatedTo { __typename ... on Client { id } ... on Contact { id } ... on Staff { id } }
	candidates { id }`

// commOut is a communication as commSelection reads it.
type commOut struct {
	ID, Kind, Direction string
	Status, Title       *string
	Unmatched           bool
	RelatedTo           []struct {
		Typename string `json:"__typename"`
		ID       string
	}
	Candidates []struct{ ID string }
}

// related are the IDs of c's relatedTo.
func (c commOut) related() []string {
	var out []string
	for _, r := range c.RelatedTo {
		out = append(out, r.ID)
	}
	slices.Sort(out)
	return out
}

func (c commOut) candidates() []string {
	var out []string
	for _, r := range c.Candidates {
		out = append(out, r.ID)
	}
	slices.Sort(out)
	return out
}

func sorted(ids ...string) []string { s := slices.Clone(ids); slices.Sort(s); return s }

// get reads communication id as token through node(id:).
func (b *comms) get(t *testing.T, token, id string) commOut {
	t.Helper()
	var out struct{ Node *commOut }
	b.api.OK(token, `query($id: ID!) { node(id: $id) { ... on Communication { `+commSelection+` } } }`, map[string]any{"id": id}, &out)
	require.NotNil(t, out.Node, "communication %s", id)
	return *out.Node
}

type connOut struct {
	TotalCount int
	PageInfo   struct {
		HasNextPage bool
		EndCursor   *string
	}
	Edges []struct {
		Cursor string
		Node   commOut
	}
}

func (c connOut) ids() []string {
	var out []string
	for _, e := range c.Edges {
		out = append(out, e.Node.ID)
	}
	return out
}

const boardQuery = `query($first: Int, $after: Cursor, $where: CommunicationFilter) { communications(first: $first, after: $after, where: $where) {
	totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ` + commSelection + ` } } } }`

func (b *comms) board(t *testing.T, token string, where map[string]any) []string {
	t.Helper()
	var out struct{ Communications connOut }
	b.api.OK(token, boardQuery, map[string]any{"first": 100, "where": where}, &out)
	return sorted(out.Communications.ids()...)
}

func TestCommunicationMatching(t *testing.T) {
	t.Parallel()
	b := setupComms(t)

	t.Run("staff phone is read in E.164 and a bad one refused", func(t *testing.T) {
		var out struct{ Node struct{ Phone, Email string } }
		b.api.OK(b.p.Token, `query($id: ID!) { node(id: $id) { ... on Staff { phone email } } }`, map[string]any{"id": b.prac.id}, &out)
		require.Equal(t, "+14165550199", out.Node.Phone)
		e := b.api.Fail(b.p.Token, `mutation($id: ID!) { updateStaff(id: $id, input: {phone: "call me maybe"}) { id } }`, map[string]any{"id": b.loner.id})
		require.Equal(t, "BAD_USER_INPUT", e.Code(), e.Message)
		require.Contains(t, e.Field(), "phone")
		require.NotContains(t, e.Message, "libphonenumber")
	})

	email := func(from string, to ...string) string {
		return b.record(t, communication.Input{Kind: entcomm.KindEmail, From: from, To: to, Title: "Hello", Subject: "Hello"})
	}
	call := func(from string) string {
		return b.record(t, communication.Input{Kind: entcomm.KindCall, From: from, To: []string{"+14165550000"}})
	}
	for name, tc := range map[string]struct {
		id                  string
		related, candidates []string
	}{
		"client by email, case-insensitive":  {email("SAM@RIVERA.EXAMPLE", "frontdesk@maple.example"), []string{b.sam}, nil},
		"client by mobile in national form":  {b.record(t, communication.Input{Kind: entcomm.KindSMS, From: "(416) 555-0101", Text: "hi"}), []string{b.sam}, nil},
		"client by another phone":            {call("4165550102"), []string{b.sam}, nil},
		"contact of one client: client sure": {call("416 555 0103"), []string{b.pat, b.sam}, nil},
		"contact by email":                   {email("Pat@Rivera.Example"), []string{b.pat, b.sam}, nil},
		"contact of two: clients candidates": {call("416.555.0104"), []string{b.lee}, []string{b.sam, b.kim}},
		"staff by email":                     {email("someone@else.example", "pia@maple.EXAMPLE"), []string{b.prac.id}, nil},
		"staff by phone":                     {call("+1 416 555 0199"), []string{b.prac.id}, nil},
		"client directly and through a contact of two: certain": {
			b.record(t, communication.Input{Kind: entcomm.KindCall, From: "+14165550101", To: []string{"416 555 0104"}}), []string{b.sam, b.lee}, []string{b.kim}},
	} {
		c := b.get(t, b.p.Token, tc.id)
		require.Equal(t, sorted(tc.related...), c.related(), name)
		require.Equal(t, sorted(tc.candidates...), c.candidates(), name)
		require.False(t, c.Unmatched, name)
	}

	t.Run("nothing matched is unmatched", func(t *testing.T) {
		id := email("stranger@nowhere.example", "frontdesk@maple.example")
		c := b.get(t, b.p.Token, id)
		require.True(t, c.Unmatched)
		require.Empty(t, c.RelatedTo)
		var out struct{ UnmatchedCommunications connOut }
		b.api.OK(b.admin.token, `{ unmatchedCommunications(first: 50) { totalCount edges { node { id unmatched } } } }`, nil, &out)
		require.Equal(t, []string{id}, out.UnmatchedCommunications.ids())
		// Matched by nobody of this practice, though another practice's client has the address.
		require.NotContains(t, b.board(t, b.other.Token, nil), id)
	})
}

// commSeed are the communications TestCommunicationVisibility reads.
type commSeed struct {
	email, sms, inCall, outCall, unmatched, foreign string
	at                                              []time.Time
}

func (b *comms) seed(t *testing.T) commSeed {
	t.Helper()
	base := time.Now().Add(-10 * 24 * time.Hour).UTC().Truncate(time.Second)
	s := commSeed{}
	for i := range 5 {
		s.at = append(s.at, base.Add(time.Duration(i)*24*time.Hour))
	}
	s.email = b.record(t, communication.Input{Kind: entcomm.KindEmail, From: "sam@rivera.example", To: []string{"frontdesk@maple.example"},
		Subject: "Rescheduling", Title: "Rescheduling", OccurredAt: s.at[0], ProviderID: "m1@rivera.example"})
	s.sms = b.record(t, communication.Input{Kind: entcomm.KindSMS, From: "+14165550103", Text: "Running late", OccurredAt: s.at[1], ProviderID: "SM1"})
	s.inCall = b.record(t, communication.Input{Kind: entcomm.KindCall, From: "+14165550101", To: []string{"+14165550000"}, OccurredAt: s.at[2], ProviderID: "CA1"})
	// Lou took this call: a party though assigned to nobody.
	s.outCall = b.record(t, communication.Input{Kind: entcomm.KindCall, Direction: entcomm.DirectionOutbound, From: "+14165550000", To: []string{"+14165550101"},
		OccurredAt: s.at[3], ProviderID: "CA2", Extra: []communication.Party{{StaffID: pulid.ID(b.loner.id), MatchedBy: communicationparty.MatchedByStaff}}})
	s.unmatched = b.record(t, communication.Input{Kind: entcomm.KindEmail, From: "stranger@nowhere.example", To: []string{"frontdesk@maple.example"},
		Subject: "Hi", OccurredAt: s.at[4]})
	s.foreign = b.record(t, communication.Input{OrganizationID: b.other.Org.ID, Kind: entcomm.KindEmail, From: "sam@rivera.example", Subject: "Other", OccurredAt: s.at[4]})
	return s
}

func TestCommunicationVisibility(t *testing.T) {
	t.Parallel()
	b := setupComms(t)
	s := b.seed(t)
	mine := sorted(s.email, s.sms, s.inCall, s.outCall, s.unmatched)

	t.Run("owners and admins read the board with every filter", func(t *testing.T) {
		for _, tok := range []string{b.p.Token, b.admin.token} {
			require.Equal(t, mine, b.board(t, tok, nil))
			for _, f := range []struct {
				where map[string]any
				want  []string
			}{
				{map[string]any{"kind": "CALL"}, []string{s.inCall, s.outCall}},
				{map[string]any{"kind": "SMS"}, []string{s.sms}},
				{map[string]any{"direction": "OUTBOUND"}, []string{s.outCall}},
				{map[string]any{"status": "OPEN"}, []string{s.inCall, s.outCall}},
				{map[string]any{"status": "CLOSED"}, nil},
				{map[string]any{"clientID": b.sam}, []string{s.email, s.sms, s.inCall, s.outCall}},
				{map[string]any{"contactID": b.pat}, []string{s.sms}},
				{map[string]any{"staffID": b.loner.id}, []string{s.outCall}},
				{map[string]any{"occurredAfter": s.at[1], "occurredBefore": s.at[3]}, []string{s.sms, s.inCall}},
				{map[string]any{"kind": "CALL", "direction": "INBOUND", "clientID": b.sam}, []string{s.inCall}},
				{map[string]any{"clientID": b.otherClient}, nil},
			} {
				require.Equal(t, sorted(f.want...), b.board(t, tok, f.where), "%v", f.where)
			}
		}
		require.Equal(t, []string{s.foreign}, b.board(t, b.other.Token, nil))
	})

	t.Run("other staff: no board, no unmatched list", func(t *testing.T) {
		for _, tok := range []string{b.prac.token, b.loner.token, b.desk.token} {
			for _, q := range []string{`{ communications(first: 5) { totalCount } }`, `{ unmatchedCommunications(first: 5) { totalCount } }`} {
				e := b.api.Fail(tok, q, nil)
				require.Equal(t, "FORBIDDEN", e.Code(), q)
			}
		}
		e := b.api.Fail("", `{ communications(first: 5) { totalCount } }`, nil)
		require.Equal(t, "UNAUTHENTICATED", e.Code())
	})

	clientComms := func(tok, client string) []string {
		var out struct {
			Node struct{ Communications connOut }
		}
		b.api.OK(tok, `query($id: ID!) { node(id: $id) { ... on Client { communications(first: 50) { totalCount edges { node { id } } } } } }`,
			map[string]any{"id": client}, &out)
		require.Equal(t, len(out.Node.Communications.Edges), out.Node.Communications.TotalCount)
		return sorted(out.Node.Communications.ids()...)
	}
	t.Run("Client.communications: assigned practitioner all, others their own", func(t *testing.T) {
		all := sorted(s.email, s.sms, s.inCall, s.outCall)
		require.Equal(t, all, clientComms(b.p.Token, b.sam))
		require.Equal(t, all, clientComms(b.admin.token, b.sam))
		require.Equal(t, all, clientComms(b.prac.token, b.sam))
		require.Equal(t, []string{s.outCall}, clientComms(b.loner.token, b.sam))
		require.Empty(t, clientComms(b.desk.token, b.sam))
		// Kim is Lee's too, but nothing here concerns Kim.
		require.Empty(t, clientComms(b.prac.token, b.kim))
	})

	staffComms := func(tok, member string) kithtest.Response {
		return b.api.Do(tok, `query($id: ID!) { node(id: $id) { ... on Staff { communications(first: 50) { edges { node { id } } } } } }`,
			map[string]any{"id": member})
	}
	t.Run("Staff.communications: self and admins only", func(t *testing.T) {
		for _, tok := range []string{b.loner.token, b.admin.token, b.p.Token} {
			rsp := staffComms(tok, b.loner.id)
			require.Empty(t, rsp.Errors)
			var out struct {
				Node struct{ Communications connOut }
			}
			require.NoError(t, json.Unmarshal(rsp.Data, &out))
			require.Equal(t, []string{s.outCall}, out.Node.Communications.ids())
		}
		for _, tok := range []string{b.prac.token, b.desk.token} {
			rsp := staffComms(tok, b.loner.id)
			require.Len(t, rsp.Errors, 1)
			require.Equal(t, "FORBIDDEN", rsp.Errors[0].Code())
		}
	})

	node := func(tok, id string) (string, []string) {
		rsp := b.api.Do(tok, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
		var codes []string
		for _, e := range rsp.Errors {
			codes = append(codes, fmt.Sprint(e.Code(), " ", e.Field(), " ", e.Message != ""))
		}
		return string(rsp.Data), codes
	}
	t.Run("an invisible or foreign communication reads like a missing one", func(t *testing.T) {
		missing := string(pulid.New("cm"))
		wantData, wantCodes := node(b.p.Token, missing)
		require.NotEmpty(t, wantCodes)
		for _, c := range []struct{ tok, id string }{
			{b.loner.token, s.email}, {b.desk.token, s.inCall}, {b.prac.token, s.unmatched}, {b.p.Token, s.foreign}, {b.admin.token, s.foreign},
		} {
			data, codes := node(c.tok, c.id)
			require.Equal(t, wantData, data)
			require.Equal(t, wantCodes, codes)
		}
		// As a list, it is simply not there.
		var out struct{ Nodes []*struct{ ID string } }
		rsp := b.api.Do(b.loner.token, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": []string{s.outCall, s.email}})
		require.NoError(t, json.Unmarshal(rsp.Data, &out))
		require.Len(t, out.Nodes, 2)
		require.NotNil(t, out.Nodes[0])
		require.Nil(t, out.Nodes[1])
		// What one may read, one reads.
		require.Equal(t, s.email, b.get(t, b.prac.token, s.email).ID)
		require.Equal(t, s.outCall, b.get(t, b.loner.token, s.outCall).ID)
	})

	t.Run("the parties of a communication read as it does", func(t *testing.T) {
		c := b.get(t, b.loner.token, s.outCall)
		require.Equal(t, sorted(b.sam, b.loner.id), c.related())
	})
}

func TestUpdateCommunication(t *testing.T) {
	t.Parallel()
	b := setupComms(t)
	const update = `mutation($id: ID!, $in: UpdateCommunicationInput!) { updateCommunication(id: $id, input: $in) { ` + commSelection + ` } }`
	lee := b.record(t, communication.Input{Kind: entcomm.KindCall, From: "416 555 0104", ProviderID: "CA-lee"})
	require.Equal(t, sorted(b.sam, b.kim), b.get(t, b.p.Token, lee).candidates())

	t.Run("relatedTo replaces the people and clears the candidates", func(t *testing.T) {
		var out struct{ UpdateCommunication commOut }
		b.api.OK(b.prac.token, update, map[string]any{"id": lee, "in": map[string]any{"relatedTo": []string{b.sam, b.lee}, "title": " Lee about Sam "}}, &out)
		require.Equal(t, sorted(b.sam, b.lee), out.UpdateCommunication.related())
		require.Empty(t, out.UpdateCommunication.Candidates)
		require.Equal(t, "Lee about Sam", *out.UpdateCommunication.Title)
		require.Equal(t, sorted(b.sam, b.lee), b.get(t, b.p.Token, lee).related())
	})

	t.Run("bad relatedTo: nothing changes", func(t *testing.T) {
		var appt struct{ CreateAppointment struct{ ID string } }
		at := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Minute)
		b.api.OK(b.p.Token, `mutation($c: ID!, $p: ID!, $s: Time!, $e: Time!) { createAppointment(input: {clientID: $c, practitionerID: $p, startsAt: $s, endsAt: $e}) { id } }`,
			map[string]any{"c": b.sam, "p": b.prac.id, "s": at, "e": at.Add(time.Hour)}, &appt)
		many := make([]string, 21)
		for i := range many {
			many[i] = b.sam
		}
		for _, tc := range []struct {
			ids   []string
			code  string
			field string
		}{
			{[]string{b.sam, b.otherClient}, "NOT_FOUND", "relatedTo.1"},
			{[]string{appt.CreateAppointment.ID}, "BAD_USER_INPUT", "relatedTo.0"},
			{[]string{"nonsense"}, "BAD_USER_INPUT", ""},
			{many, "BAD_USER_INPUT", "relatedTo"},
		} {
			e := b.api.Fail(b.p.Token, update, map[string]any{"id": lee, "in": map[string]any{"title": "Changed", "relatedTo": tc.ids}})
			require.Equal(t, tc.code, e.Code(), "%v: %s", tc.ids, e.Message)
			if tc.field != "" {
				require.Equal(t, tc.field, e.Field(), e.Message)
			}
			c := b.get(t, b.p.Token, lee)
			require.Equal(t, "Lee about Sam", *c.Title, "all or nothing")
			require.Equal(t, sorted(b.sam, b.lee), c.related(), "all or nothing")
		}
	})

	t.Run("an email is kept as it came", func(t *testing.T) {
		mail := b.record(t, communication.Input{Kind: entcomm.KindEmail, From: "stranger@nowhere.example", Subject: "Hi", Title: "Hi"})
		for _, in := range []map[string]any{{"title": "Mine"}, {"description": "Mine"}} {
			e := b.api.Fail(b.p.Token, update, map[string]any{"id": mail, "in": in})
			require.Equal(t, "BAD_USER_INPUT", e.Code(), e.Message)
		}
		// Its people may be set: it leaves the unmatched list.
		var out struct{ UpdateCommunication commOut }
		b.api.OK(b.admin.token, update, map[string]any{"id": mail, "in": map[string]any{"relatedTo": []string{b.kim}}}, &out)
		require.False(t, out.UpdateCommunication.Unmatched)
		require.Equal(t, "Hi", *out.UpdateCommunication.Title)
	})

	t.Run("who may not read it cannot edit it", func(t *testing.T) {
		e := b.api.Fail(b.loner.token, update, map[string]any{"id": lee, "in": map[string]any{"title": "Mine"}})
		require.Equal(t, "NOT_FOUND", e.Code())
		foreign := b.record(t, communication.Input{OrganizationID: b.other.Org.ID, Kind: entcomm.KindCall, From: "+14165550101"})
		e = b.api.Fail(b.p.Token, update, map[string]any{"id": foreign, "in": map[string]any{"title": "Mine"}})
		require.Equal(t, "NOT_FOUND", e.Code())
	})

	t.Run("a closed call is read-only", func(t *testing.T) {
		var out struct{ EndCall commOut }
		b.api.OK(b.prac.token, `mutation($id: ID!) { endCall(id: $id) { `+commSelection+` } }`, map[string]any{"id": lee}, &out)
		require.Equal(t, "CLOSED", *out.EndCall.Status)
		for _, in := range []map[string]any{{"title": "Late"}, {"description": "Late"}, {"relatedTo": []string{b.kim}}} {
			e := b.api.Fail(b.prac.token, update, map[string]any{"id": lee, "in": in})
			require.Equal(t, "BAD_USER_INPUT", e.Code(), "%v: %s", in, e.Message)
		}
		require.Equal(t, sorted(b.sam, b.lee), b.get(t, b.p.Token, lee).related())
		e := b.api.Fail(b.prac.token, `mutation($id: ID!) { endCall(id: $id) { id } }`, map[string]any{"id": lee})
		require.Equal(t, "BAD_USER_INPUT", e.Code())
	})
}

func TestCommunicationThread(t *testing.T) {
	t.Parallel()
	b := setupComms(t)
	base := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	mail := func(id, inReplyTo string, refs []string, minutes int) string {
		return b.record(t, communication.Input{Kind: entcomm.KindEmail, From: "sam@rivera.example", To: []string{"frontdesk@maple.example"},
			Subject: "Re: times", ProviderID: id, MessageID: id, InReplyTo: inReplyTo, References: refs, ThreadKey: "m1@rivera.example",
			OccurredAt: base.Add(time.Duration(minutes) * time.Minute)})
	}
	// They arrive out of order.
	third := mail("m3@rivera.example", "m2@maple.example", []string{"m1@rivera.example", "m2@maple.example"}, 20)
	first := mail("m1@rivera.example", "", nil, 0)
	second := mail("m2@maple.example", "m1@rivera.example", []string{"m1@rivera.example"}, 10)
	other := b.record(t, communication.Input{Kind: entcomm.KindEmail, From: "sam@rivera.example", Subject: "Else", MessageID: "x@rivera.example", ThreadKey: "x@rivera.example"})
	call := b.record(t, communication.Input{Kind: entcomm.KindCall, From: "+14165550101"})
	thread := func(tok, id string) []string {
		var out struct {
			Node struct{ Thread []struct{ ID string } }
		}
		b.api.OK(tok, `query($id: ID!) { node(id: $id) { ... on Communication { thread { id } } } }`, map[string]any{"id": id}, &out)
		var ids []string
		for _, c := range out.Node.Thread {
			ids = append(ids, c.ID)
		}
		return ids
	}
	for _, id := range []string{first, second, third} {
		require.Equal(t, []string{first, second, third}, thread(b.p.Token, id))
		require.Equal(t, []string{first, second, third}, thread(b.prac.token, id), "Sam's practitioner reads Sam's thread")
	}
	require.Equal(t, []string{other}, thread(b.p.Token, other))
	require.Equal(t, []string{call}, thread(b.p.Token, call))
}

func TestCommunicationPages(t *testing.T) {
	t.Parallel()
	b := setupComms(t)
	base := time.Now().Add(-48 * time.Hour).UTC().Truncate(time.Second)
	var want []string // newest first
	for i := range 45 {
		in := communication.Input{Kind: entcomm.KindSMS, From: "+14165550103", Text: fmt.Sprint("message ", i), OccurredAt: base.Add(time.Duration(i) * time.Minute)}
		if i%3 == 0 {
			in.Kind, in.From, in.To = entcomm.KindCall, "+14165550104", []string{"+14165550199"}
		}
		want = append([]string{b.record(t, in)}, want...)
	}
	read := func(tok string, first int, after *string) connOut {
		var out struct{ Communications connOut }
		b.api.OK(tok, boardQuery, map[string]any{"first": first, "after": after}, &out)
		return out.Communications
	}
	var got []string
	var after *string
	for {
		page := read(b.p.Token, 20, after)
		require.Equal(t, 45, page.TotalCount)
		got = append(got, page.ids()...)
		if !page.PageInfo.HasNextPage {
			break
		}
		require.Len(t, page.Edges, 20)
		after = page.PageInfo.EndCursor
	}
	require.Equal(t, want, got, "newest first, each once")

	t.Run("a page's statements do not grow with its rows", func(t *testing.T) {
		count := func(first int) int64 {
			before := b.statements.Load()
			page := read(b.p.Token, first, nil)
			require.Len(t, page.Edges, first)
			for _, e := range page.Edges {
				require.NotEmpty(t, e.Node.RelatedTo)
			}
			return b.statements.Load() - before
		}
		small, large := count(2), count(20)
		t.Logf("statements: a page of 2: %d, of 20: %d", small, large)
		require.Equal(t, small, large)
		// The same on a client's list, read by its practitioner.
		clientPage := func(first int) int64 {
			before := b.statements.Load()
			var out struct {
				Node struct{ Communications connOut }
			}
			b.api.OK(b.prac.token, `query($id: ID!, $first: Int) { node(id: $id) { ... on Client { communications(first: $first) { edges { node { `+commSelection+` } } } } } }`,
				map[string]any{"id": b.sam, "first": first}, &out)
			require.Len(t, out.Node.Communications.Edges, first)
			return b.statements.Load() - before
		}
		require.Equal(t, clientPage(2), clientPage(20))
	})

	t.Run("a practitioner's page holds only what they may read", func(t *testing.T) {
		var out struct {
			Node struct{ Communications connOut }
		}
		b.api.OK(b.loner.token, `query($id: ID!) { node(id: $id) { ... on Client { communications(first: 50) { totalCount edges { node { id } } } } } }`,
			map[string]any{"id": b.sam}, &out)
		require.Zero(t, out.Node.Communications.TotalCount)
	})
}

// recordedParties counts the parties of c, read as the system (for checks
// the API cannot make).
func recordedParties(t *testing.T, db *ent.Client, org pulid.ID, c string) int {
	t.Helper()
	n, err := db.CommunicationParty.Query().Where(communicationparty.CommunicationID(pulid.ID(c))).
		Count(viewer.NewContext(context.Background(), viewer.System{OrgID: org}))
	require.NoError(t, err)
	return n
}

func TestRecordIsIdempotent(t *testing.T) {
	t.Parallel()
	b := setupComms(t)
	in := communication.Input{OrganizationID: b.p.Org.ID, Kind: entcomm.KindCall, Direction: entcomm.DirectionInbound,
		Source: entcomm.SourceTwilioVoice, From: "+14165550101", ProviderID: "CA-repeat"}
	first, created, err := communication.Record(context.Background(), b.db.Client, in)
	require.NoError(t, err)
	require.True(t, created)
	again, created, err := communication.Record(context.Background(), b.db.Client, in)
	require.NoError(t, err)
	require.False(t, created)
	require.Equal(t, first.ID, again.ID)
	require.Equal(t, 1, recordedParties(t, b.db.Client, b.p.Org.ID, string(first.ID)))
	// Another practice may have the same provider ID.
	in.OrganizationID = b.other.Org.ID
	_, created, err = communication.Record(context.Background(), b.db.Client, in)
	require.NoError(t, err)
	require.True(t, created)
}

func TestLogCall(t *testing.T) {
	t.Parallel()
	b := setupComms(t)
	const logCall = `mutation($in: LogCallInput!) { logCall(input: $in) { ` + commSelection + ` platform } }`
	start := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	var out struct{ LogCall commOut }
	b.api.OK(b.loner.token, logCall, map[string]any{"in": map[string]any{"direction": "INBOUND", "from": "416 555 0101", "startedAt": start,
		"endedAt": start.Add(5 * time.Minute), "outcome": "ANSWERED", "platform": "Mitel", "title": "Sam called", "relatedTo": []string{b.pat}}}, &out)
	c := out.LogCall
	require.Equal(t, "OPEN", *c.Status)
	require.Equal(t, sorted(b.sam, b.pat, b.loner.id), c.related(), "its number's client, the people named, and its logger")
	// Lou reads it: he logged it.
	rsp := b.api.Do(b.loner.token, `query($id: ID!) { node(id: $id) { ... on Staff { communications(first: 5) { edges { node { id } } } } } }`, map[string]any{"id": b.loner.id})
	require.Empty(t, rsp.Errors)
	require.Contains(t, string(rsp.Data), c.ID)

	many := make([]string, 21)
	for i := range many {
		many[i] = b.sam
	}
	for _, tc := range []struct {
		in    map[string]any
		field string
	}{
		{map[string]any{"direction": "INBOUND", "from": "call me maybe"}, "from"},
		{map[string]any{"direction": "OUTBOUND", "to": "sam@rivera.example"}, "to"},
		{map[string]any{"direction": "INBOUND", "startedAt": start, "endedAt": start.Add(-time.Minute)}, "endedAt"},
		{map[string]any{"direction": "INBOUND", "relatedTo": many}, "relatedTo"},
		{map[string]any{"direction": "INBOUND", "relatedTo": []string{b.otherClient}}, "relatedTo.0"},
	} {
		e := b.api.Fail(b.prac.token, logCall, map[string]any{"in": tc.in})
		require.Contains(t, []string{"BAD_USER_INPUT", "NOT_FOUND"}, e.Code(), "%v: %s", tc.in, e.Message)
		require.Equal(t, tc.field, e.Field(), "%v: %s", tc.in, e.Message)
	}
	e := b.api.Fail(b.prac.token, logCall, map[string]any{"in": map[string]any{"direction": "INBOUND", "relatedTo": []string{b.otherClient}}})
	require.Equal(t, "NOT_FOUND", e.Code())
}
