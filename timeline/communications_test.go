package timeline_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/communication"
	entcomm "github.com/kith-health/kith/ent/communication"
	"github.com/kith-health/kith/ent/communicationparty"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// member creates a practitioner of the practice and returns its ID and token.
func (b *bundle) member(t *testing.T, name, email string) (string, string) {
	t.Helper()
	var out struct{ CreateStaff struct{ ID string } }
	b.api.OK(b.p.Token, `mutation($i: CreateStaffInput!) { createStaff(input: $i) { id } }`,
		map[string]any{"i": map[string]any{"name": name, "email": email, "role": "PRACTITIONER"}}, &out)
	ctx := context.Background()
	s, err := b.db.Client.Staff.Get(viewer.NewContext(ctx, viewer.System{OrgID: b.p.Org.ID}), pulid.ID(out.CreateStaff.ID))
	require.NoError(t, err)
	tok, err := b.api.Auth.Issue(ctx, s)
	require.NoError(t, err)
	return out.CreateStaff.ID, tok.Secret
}

func TestTimelineCommunications(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pia, piaToken := b.member(t, "Pia Practitioner", "pia@maple.example")
	lou, louToken := b.member(t, "Lou Loner", "lou@maple.example")
	b.api.OK(b.p.Token, `mutation($id: ID!, $p: ID!) { updateClient(id: $id, input: {mobilePhone: "416 555 0177", addPractitionerIDs: [$p]}) { id } }`,
		map[string]any{"id": b.client, "p": pia}, nil)
	// Jo is a contact of Ana and of Bo: a call from Jo is Ana's only as a candidate.
	var bo struct{ CreateClient struct{ ID string } }
	b.api.OK(b.p.Token, `mutation { createClient(input: {firstName: "Bo", lastName: "Silva"}, contacts: [{contact: {firstName: "Jo", phone: "416 555 0188"}, relationship: PARENT}]) { id contactLinks { contact { id } } } }`, nil, &bo)
	var links struct {
		Node struct {
			ContactLinks []struct{ Contact struct{ ID string } }
		}
	}
	b.api.OK(b.p.Token, `query($id: ID!) { node(id: $id) { ... on Client { contactLinks { contact { id } } } } }`, map[string]any{"id": bo.CreateClient.ID}, &links)
	b.api.OK(b.p.Token, `mutation($id: ID!, $c: ID!) { addClientContact(clientID: $id, input: {contactID: $c, relationship: PARENT}) { id } }`,
		map[string]any{"id": b.client, "c": links.Node.ContactLinks[0].Contact.ID}, nil)

	base := time.Now().Add(-3 * time.Hour).UTC().Truncate(time.Second)
	at := func(m int) time.Time { return base.Add(time.Duration(m) * time.Minute) }
	record := func(in communication.Input) string {
		in.OrganizationID = b.p.Org.ID
		c, _, err := communication.Record(context.Background(), b.db.Client, in)
		require.NoError(t, err)
		return string(c.ID)
	}
	secs, answered := 230, entcomm.OutcomeAnswered
	call := record(communication.Input{Kind: entcomm.KindCall, Direction: entcomm.DirectionInbound, Source: entcomm.SourceTwilioVoice,
		From: "+14165550177", To: []string{"+14165550100"}, OccurredAt: at(0), DurationSeconds: &secs, Outcome: &answered})
	mail := record(communication.Input{Kind: entcomm.KindEmail, Direction: entcomm.DirectionOutbound, Source: entcomm.SourceIMAP,
		From: "desk@maple.example", To: []string{"ANA@example.com"}, Subject: "Thursday", OccurredAt: at(1)})
	// Lou made this one: he reads it on Ana's timeline, and nothing else of hers.
	sms := record(communication.Input{Kind: entcomm.KindSMS, Direction: entcomm.DirectionOutbound, Source: entcomm.SourceTwilioSMS,
		From: "+14165550100", To: []string{"+14165550177"}, Text: "See you   Thursday at 10", OccurredAt: at(2),
		Extra: []communication.Party{{StaffID: pulid.ID(lou), MatchedBy: communicationparty.MatchedByStaff}}})
	candidate := record(communication.Input{Kind: entcomm.KindCall, Direction: entcomm.DirectionInbound, Source: entcomm.SourceTwilioVoice,
		From: "+14165550188", OccurredAt: at(3)})

	read := func(tok string) map[string]entry {
		var out struct{ Node struct{ Timeline page } }
		b.api.OK(tok, timelineQuery, map[string]any{"id": b.client, "first": 100}, &out)
		got := map[string]entry{}
		for _, e := range out.Node.Timeline.Edges {
			if e.Node.Record != nil {
				got[e.Node.Record.ID] = e.Node
			}
		}
		return got
	}
	for _, tok := range []string{b.p.Token, piaToken} {
		got := read(tok)
		require.Equal(t, "CALL", got[call].Kind)
		require.Equal(t, "Call from Ana Silva (answered, 4 min)", got[call].Summary)
		require.Equal(t, "CLIENT", got[call].Actor)
		require.Equal(t, at(0), got[call].At)
		require.Equal(t, "EMAIL", got[mail].Kind)
		require.Equal(t, "Email to Ana Silva: Thursday", got[mail].Summary)
		require.Equal(t, "STAFF", got[mail].Actor)
		require.Equal(t, "SMS", got[sms].Kind)
		require.Equal(t, "SMS to Ana Silva: See you Thursday at 10", got[sms].Summary)
		require.NotContains(t, got, candidate, "a candidate's communication is not on the timeline")
	}
	got := read(louToken)
	require.Contains(t, got, sms)
	require.NotContains(t, got, call, "an unrelated practitioner does not see Ana's call")
	require.NotContains(t, got, mail)

	t.Run("a hidden communication leaves no cursor and no next page", func(t *testing.T) {
		pageOf := func(tok string, first int) page {
			var out struct{ Node struct{ Timeline page } }
			b.api.OK(tok, timelineQuery, map[string]any{"id": b.client, "first": first}, &out)
			return out.Node.Timeline
		}
		for _, first := range []int{1, 3} {
			p := pageOf(louToken, first)
			require.Len(t, p.Edges, 1)
			require.Equal(t, sms, p.Edges[0].Node.Record.ID)
			require.False(t, p.PageInfo.HasNextPage, "only communications Lou may not read are older")
			require.NotNil(t, p.PageInfo.EndCursor)
			require.Equal(t, p.Edges[0].Cursor, *p.PageInfo.EndCursor, "the cursor is the last shown entry's, not a hidden one's")
		}
		// The owner still reads them all.
		p := pageOf(b.p.Token, 1)
		require.Equal(t, sms, p.Edges[0].Node.Record.ID)
		require.True(t, p.PageInfo.HasNextPage)
		p = pageOf(b.p.Token, 3)
		require.Len(t, p.Edges, 3)
		require.Equal(t, call, p.Edges[2].Node.Record.ID)
	})

	t.Run("statements do not grow with communications", func(t *testing.T) {
		count := func() int64 {
			before := b.statements.Load()
			read(b.p.Token)
			return b.statements.Load() - before
		}
		few := count()
		for i := range 10 {
			record(communication.Input{Kind: entcomm.KindSMS, Direction: entcomm.DirectionInbound, Source: entcomm.SourceTwilioSMS,
				From: "+14165550177", Text: fmt.Sprint("message ", i), OccurredAt: at(10 + i)})
		}
		require.Equal(t, few, count())
	})
}
