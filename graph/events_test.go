package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// eventsBundle is a practice whose integrator events are recorded.
type eventsBundle struct {
	db  *database.DB
	api *kithtest.API
	p   kithtest.Practice
	rec *kithtest.EventRecorder
}

func setupEvents(t *testing.T) *eventsBundle {
	t.Helper()
	db := kithtest.DB(t, nil)
	b := &eventsBundle{db: db, api: kithtest.NewAPI(t, db), p: kithtest.NewPractice(t, db, "maple")}
	b.rec = kithtest.RecordEvents(t, db)
	return b
}

// requireNoText checks that e's data, as JSON, holds none of texts.
func requireNoText(t *testing.T, e kithtest.RecordedEvent, texts ...string) {
	t.Helper()
	body, err := json.Marshal(e.Data)
	require.NoError(t, err)
	for _, s := range texts {
		require.NotContains(t, string(body), s, "%s's data", e.Type)
	}
}

func TestClientEvents(t *testing.T) {
	t.Parallel()
	b := setupEvents(t)
	org := b.p.Org.ID

	var created struct{ CreateClient struct{ ID pulid.ID } }
	b.api.OK(b.p.Token, `mutation { createClient(input: {firstName: "Sam", lastName: "Lee", email: "sam@example.com",
		mobilePhone: "+14165550100", notes: "private notes", alert: "latex allergy"}) { id } }`, nil, &created)
	id := created.CreateClient.ID
	e := b.rec.Require(t, schematype.EventClientCreated, org, id)
	require.EqualValues(t, "ACTIVE", e.Data["status"])
	requireNoText(t, e, "Sam", "Lee", "sam@example.com", "+14165550100", "private notes", "latex allergy")

	// Only what changed is named, never its value; the same value again is
	// no change.
	b.api.OK(b.p.Token, `mutation($id: ID!) { updateClient(id: $id, input: {firstName: "Samuel", lastName: "Lee", notes: "new private notes", email: "sam@example.com"}) { id } }`,
		map[string]any{"id": id}, nil)
	e = b.rec.Require(t, schematype.EventClientUpdated, org, id)
	require.Equal(t, []string{"firstName", "notes"}, e.Data["changedFields"])
	requireNoText(t, e, "Samuel", "new private notes", "sam@example.com")

	// Nothing changed: no event.
	b.rec.Reset()
	b.api.OK(b.p.Token, `mutation($id: ID!) { updateClient(id: $id, input: {firstName: "Samuel", tags: []}) { id } }`, map[string]any{"id": id}, nil)
	b.rec.None(t, schematype.EventClientUpdated)

	// A field cleared and the default location set are named too.
	var loc struct{ CreateLocation struct{ ID string } }
	b.api.OK(b.p.Token, `mutation { createLocation(input: {name: "Main office", address: {line1: "1 Main St", city: "Toronto"}}) { id } }`, nil, &loc)
	b.api.OK(b.p.Token, `mutation($id: ID!, $l: ID!) { updateClient(id: $id, input: {clearNotes: true, defaultLocationID: $l}) { id } }`,
		map[string]any{"id": id, "l": loc.CreateLocation.ID}, nil)
	e = b.rec.Require(t, schematype.EventClientUpdated, org, id)
	require.Equal(t, []string{"defaultLocationID", "notes"}, e.Data["changedFields"])
}

func TestClientEventsRollBack(t *testing.T) {
	t.Parallel()
	b := setupEvents(t)
	// The client is written, then its second contact fails: the mutation
	// rolls back, and so does its client.created and contact.linked.
	rsp := b.api.Do(b.p.Token, `mutation { createClient(input: {firstName: "Sam", lastName: "Lee", email: "sam@example.com"}, contacts: [
		{contact: {firstName: "Alex", lastName: "Lee"}, relationship: PARENT},
		{contactID: "ct_doesnotexist", relationship: PARENT}]) { id } }`, nil)
	require.NotEmpty(t, rsp.Errors)
	require.Positive(t, b.rec.Emitted(), "the events were told in the transaction")
	require.Empty(t, b.rec.Events(), "and none survives its rollback")
}

func TestContactLinkEvents(t *testing.T) {
	t.Parallel()
	b := setupEvents(t)
	org := b.p.Org.ID
	var c struct{ CreateClient struct{ ID pulid.ID } }
	b.api.OK(b.p.Token, `mutation { createClient(input: {firstName: "Sam", lastName: "Lee", email: "sam@example.com"}) { id } }`, nil, &c)
	var l struct {
		AddClientContact struct {
			ID      pulid.ID
			Contact struct{ ID pulid.ID }
		}
	}
	b.api.OK(b.p.Token, `mutation($c: ID!) { addClientContact(clientID: $c, input: {contact: {firstName: "Alex", lastName: "Lee", email: "alex@example.com", phone: "+14165550101"},
		relationship: PARENT, contactTypes: [EMERGENCY]}) { id contact { id } } }`, map[string]any{"c": c.CreateClient.ID}, &l)
	link := l.AddClientContact
	e := b.rec.Require(t, schematype.EventContactLinked, org, link.ID)
	require.Equal(t, c.CreateClient.ID, e.Data["clientId"])
	require.Equal(t, link.Contact.ID, e.Data["contactId"])
	requireNoText(t, e, "Alex", "alex@example.com", "+14165550101")

	b.api.OK(b.p.Token, `mutation($id: ID!) { removeClientContact(id: $id) }`, map[string]any{"id": link.ID}, nil)
	e = b.rec.Require(t, schematype.EventContactUnlinked, org, link.ID)
	require.Equal(t, c.CreateClient.ID, e.Data["clientId"])
	require.Equal(t, link.Contact.ID, e.Data["contactId"])
}

func TestCommunicationEvents(t *testing.T) {
	t.Parallel()
	b := setupEvents(t)
	org := b.p.Org.ID
	var logged struct{ LogCall struct{ ID pulid.ID } }
	b.api.OK(b.p.Token, `mutation($in: LogCallInput!) { logCall(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"direction": "OUTBOUND", "to": "+14165550101", "startedAt": time.Now().Add(-10 * time.Minute).UTC().Format(time.RFC3339),
		"title": "Called about the diagnosis", "description": "discussed the plan",
	}}, &logged)
	id := logged.LogCall.ID
	e := b.rec.Require(t, schematype.EventCommunicationCreated, org, id)
	require.EqualValues(t, "CALL", e.Data["kind"])
	require.EqualValues(t, "OUTBOUND", e.Data["direction"])
	requireNoText(t, e, "diagnosis", "discussed", "+14165550101")
	b.rec.None(t, schematype.EventCommunicationClosed)
	b.rec.None(t, schematype.EventSMSReplyReceived)

	b.api.OK(b.p.Token, `mutation($id: ID!) { endCall(id: $id) { id } }`, map[string]any{"id": id}, nil)
	e = b.rec.Require(t, schematype.EventCommunicationClosed, org, id)
	require.EqualValues(t, "CLOSED", e.Data["status"])
	require.Contains(t, e.Data, "closedAt")
}

func TestEventsOfARolledBackTransaction(t *testing.T) {
	t.Parallel()
	b := setupEvents(t)
	ctx := viewer.NewContext(context.Background(), viewer.System{OrgID: b.p.Org.ID})
	_, err := transaction.Run(ctx, b.db.Client, func(ctx context.Context, db *ent.Client) (*ent.ClientProfile, error) {
		c, err := db.ClientProfile.Create().SetFirstName("Sam").SetLastName("Lee").SetEmail("sam@example.com").Save(ctx)
		if err != nil {
			return nil, err
		}
		return c, errors.New("changed my mind")
	})
	require.EqualError(t, err, "changed my mind")
	require.Equal(t, 1, b.rec.Emitted(), "client.created was told in the transaction")
	require.Empty(t, b.rec.Events(), "and is gone with it")

	// Through a transaction's client whose ctx was made before it began
	// (as package billing's steps write), the event is told in it all the same.
	tx, err := b.db.Client.Tx(ctx)
	require.NoError(t, err)
	c, err := tx.ClientProfile.Create().SetFirstName("Kim").SetLastName("Lee").SetEmail("kim@example.com").Save(ctx)
	require.NoError(t, err)
	require.NoError(t, tx.Commit())
	b.rec.Require(t, schematype.EventClientCreated, b.p.Org.ID, c.ID)
}
