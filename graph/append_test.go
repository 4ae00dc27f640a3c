package graph_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/kithtest"
)

// TestAppendInputs appends to every list an update input can append to:
// the values are added to the list the row has, checked, normalised and
// deduplicated as when the whole list is set, and a fault in an appended
// value is reported on the append input.
func TestAppendInputs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.createClient(t, map[string]any{"firstName": "Ana", "lastName": "Silva", "email": "ana@example.com",
		"tags": []string{"new", "child"}, "otherPhones": []map[string]any{{"label": "home", "number": "416 555 0100"}}}, nil)

	// A client's tags and other phones.
	const updateClient = `mutation($id: ID!, $in: UpdateClientInput!){ updateClient(id: $id, input: $in){ tags otherPhones { label number } } }`
	type phone struct{ Label, Number string }
	var client struct {
		UpdateClient struct {
			Tags        []string
			OtherPhones []phone
		}
	}
	b.api.OK(b.token, updateClient, map[string]any{"id": c.ID, "in": map[string]any{
		"appendTags":        []string{"sliding-scale", "child"},
		"appendOtherPhones": []map[string]any{{"label": "work", "number": "(647) 555-0199"}},
	}}, &client)
	require.Equal(t, []string{"new", "child", "sliding-scale"}, client.UpdateClient.Tags, "appended after the old ones, once each")
	require.Equal(t, []phone{{"home", "+14165550100"}, {"work", "+16475550199"}}, client.UpdateClient.OtherPhones, "appended numbers are normalised to E.164")

	b.api.OK(b.token, updateClient, map[string]any{"id": c.ID, "in": map[string]any{"tags": []string{"adult"}, "appendTags": []string{"waitlist"}}}, &client)
	require.Equal(t, []string{"adult", "waitlist"}, client.UpdateClient.Tags, "appended to the list set in the same update")

	err := b.api.Fail(b.token, updateClient, map[string]any{"id": c.ID, "in": map[string]any{"appendOtherPhones": []map[string]any{{"number": "12"}}}})
	require.Equal(t, "BAD_USER_INPUT", err.Code())
	require.Equal(t, "appendOtherPhones.0.number", err.Field(), err.Message)
	err = b.api.Fail(b.token, updateClient, map[string]any{"id": c.ID, "in": map[string]any{"appendTags": []string{"ok", strings.Repeat("t", 101)}}})
	require.Equal(t, "BAD_USER_INPUT", err.Code())
	require.Equal(t, "appendTags.1", err.Field(), err.Message)
	many := make([]string, 50)
	for i := range many {
		many[i] = fmt.Sprintf("tag %d", i)
	}
	err = b.api.Fail(b.token, updateClient, map[string]any{"id": c.ID, "in": map[string]any{"appendTags": many}})
	require.Equal(t, "appendTags", err.Field(), "the old tags and 50 more are more than 50: %s", err.Message)
	var read struct{ Node struct{ Tags []string } }
	b.api.OK(b.token, `query($id: ID!){ node(id: $id){ ... on Client { tags } } }`, map[string]any{"id": c.ID}, &read)
	require.Equal(t, []string{"adult", "waitlist"}, read.Node.Tags, "a refused update writes nothing")

	// A link's contact types and portal scopes.
	alex := b.createContact(t, map[string]any{"firstName": "Alex", "email": "alex@example.com"})
	var added struct{ AddClientContact struct{ ID string } }
	b.api.OK(b.token, `mutation($c: ID!, $in: ClientContactLinkInput!){ addClientContact(clientID: $c, input: $in){ id } }`,
		map[string]any{"c": c.ID, "in": map[string]any{"contactID": alex, "relationship": "PARENT", "contactTypes": []string{"EMERGENCY"}}}, &added)
	const updateLink = `mutation($id: ID!, $in: UpdateClientContactInput!){ updateClientContact(id: $id, input: $in){ contactTypes portalScopes } }`
	var link struct {
		UpdateClientContact struct{ ContactTypes, PortalScopes []string }
	}
	b.api.OK(b.token, updateLink, map[string]any{"id": added.AddClientContact.ID, "in": map[string]any{
		"appendContactTypes": []string{"BILLING", "EMERGENCY"}, "appendPortalScopes": []string{"VIEW_FORMS", "VIEW_FORMS"},
	}}, &link)
	require.Equal(t, []string{"EMERGENCY", "BILLING"}, link.UpdateClientContact.ContactTypes)
	require.Equal(t, []string{"VIEW_FORMS"}, link.UpdateClientContact.PortalScopes)
	b.api.OK(b.token, updateLink, map[string]any{"id": added.AddClientContact.ID, "in": map[string]any{"appendPortalScopes": []string{"MESSAGING"}}}, &link)
	require.Equal(t, []string{"VIEW_FORMS", "MESSAGING"}, link.UpdateClientContact.PortalScopes)

	err = b.api.Fail(b.token, updateLink, map[string]any{"id": added.AddClientContact.ID, "in": map[string]any{"appendContactTypes": []string{"ADDITIONAL_ADDRESS"}}})
	require.Equal(t, "BAD_USER_INPUT", err.Code())
	require.Equal(t, "appendContactTypes", err.Field(), "the contact has no address: %s", err.Message)

	// The organisation's reminder lead times.
	const updateOrg = `mutation($in: UpdateOrganizationInput!){ updateOrganization(input: $in){ reminderLeadMinutes } }`
	var org struct {
		UpdateOrganization struct{ ReminderLeadMinutes []int }
	}
	b.api.OK(b.token, updateOrg, map[string]any{"in": map[string]any{"reminderLeadMinutes": []int{1440}}}, &org)
	b.api.OK(b.token, updateOrg, map[string]any{"in": map[string]any{"appendReminderLeadMinutes": []int{120, 1440}}}, &org)
	require.Equal(t, []int{1440, 120}, org.UpdateOrganization.ReminderLeadMinutes)
	err = b.api.Fail(b.token, updateOrg, map[string]any{"in": map[string]any{"appendReminderLeadMinutes": []int{0}}})
	require.Equal(t, "appendReminderLeadMinutes", err.Field(), err.Message)
	err = b.api.Fail(b.token, updateOrg, map[string]any{"in": map[string]any{"appendReminderLeadMinutes": []int{1, 2, 3, 4, 5, 6, 7, 8, 9}}})
	require.Equal(t, "appendReminderLeadMinutes", err.Field(), "two and nine lead times are more than ten: %s", err.Message)
}

// TestConcurrentAppendsKeepEveryValue: 20 appends to one client's tags at
// once all survive: on PostgreSQL the row is locked while an append reads
// the old list, so none overwrites another.
func TestConcurrentAppendsKeepEveryValue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.createClient(t, map[string]any{"firstName": "Ana", "lastName": "Silva", "email": "ana@example.com"}, nil)
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan []kithtest.Error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rsp := b.api.Do(b.token, `mutation($id: ID!, $in: UpdateClientInput!){ updateClient(id: $id, input: $in){ id } }`,
				map[string]any{"id": c.ID, "in": map[string]any{"appendTags": []string{fmt.Sprintf("tag %d", i)}}})
			errs <- rsp.Errors
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		require.Empty(t, e)
	}
	var read struct{ Node struct{ Tags []string } }
	b.api.OK(b.token, `query($id: ID!){ node(id: $id){ ... on Client { tags } } }`, map[string]any{"id": c.ID}, &read)
	require.Len(t, read.Node.Tags, n, "every append survives: %v", read.Node.Tags)
}
