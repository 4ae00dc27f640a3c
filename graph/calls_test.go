package graph_test

// Calls and inbound SMS in the communications log, end to end: Twilio's
// signed webhooks and the GraphQL API over one real handler.

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/communication/callclose"
	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/notifier/inbound"
	"github.com/kith-health/kith/notifier/twilio"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/server"
	"github.com/kith-health/kith/viewer"
)

const (
	callToken   = "0123456789abcdef0123456789abcdef"
	callParent  = "+14165550101" // the parent contact's phone
	callPractic = "+14165550199" // the practice's Twilio number
)

// callBundle is a practice with a client assigned to a practitioner, the
// client's parent contact, an unrelated practitioner, and the API serving
// Twilio's webhook as kith serve does.
type callBundle struct {
	db                 *database.DB
	api                *kithtest.API
	p                  kithtest.Practice
	client, contact    string
	related, unrelated string // staff IDs
	relTok, unrelTok   string
}

func setupCalls(t *testing.T) *callBundle {
	t.Helper()
	db := kithtest.DB(t, nil)
	wh, err := twilio.NewWebhook(twilio.WebhookConfig{
		AuthToken: callToken, PublicURL: kithtest.PublicURL, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}, inbound.New(db.Client))
	require.NoError(t, err)
	b := &callBundle{db: db, api: kithtest.NewAPIConfig(t, db, server.Config{Webhooks: wh}, auth.Config{}), p: kithtest.NewPractice(t, db, "maple")}
	b.related, b.relTok = b.staff(t, "Dr Related", "related@maple.example")
	b.unrelated, b.unrelTok = b.staff(t, "Dr Other", "other@maple.example")
	b.client = b.id(t, `mutation($in: CreateClientInput!) { createClient(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"firstName": "Sam", "lastName": "Client", "email": "sam@client.example", "practitionerIDs": []string{b.related},
	}})
	b.contact = b.id(t, `mutation($in: CreateContactInput!) { createContact(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"firstName": "Pat", "lastName": "Parent", "phone": callParent,
	}})
	b.link(t, b.client, b.contact)
	return b
}

// id runs a mutation as the owner and returns the ID it answers.
func (b *callBundle) id(t *testing.T, query string, vars map[string]any) string {
	t.Helper()
	var out map[string]struct{ ID string }
	b.api.OK(b.p.Token, query, vars, &out)
	for _, v := range out {
		return v.ID
	}
	return ""
}

func (b *callBundle) link(t *testing.T, client, contact string) {
	t.Helper()
	b.id(t, `mutation($c: ID!, $in: ClientContactLinkInput!) { addClientContact(clientID: $c, input: $in) { id } }`, map[string]any{
		"c": client, "in": map[string]any{"contactID": contact, "relationship": "PARENT"},
	})
}

// staff creates a practitioner and returns their ID and a token.
func (b *callBundle) staff(t *testing.T, name, email string) (string, string) {
	t.Helper()
	id := b.id(t, `mutation($in: CreateStaffInput!) { createStaff(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"name": name, "email": email, "role": "PRACTITIONER",
	}})
	ctx := viewer.SystemContext(context.Background())
	st, err := b.db.Client.Staff.Query().Where(staff.ID(pulid.ID(id))).Only(ctx)
	require.NoError(t, err)
	tok, err := b.api.Auth.Issue(ctx, st)
	require.NoError(t, err)
	return id, tok.Secret
}

// twilioSign is X-Twilio-Signature as Twilio computes it.
func twilioSign(u string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := u
	for _, k := range keys {
		s += k + form.Get(k)
	}
	mac := hmac.New(sha1.New, []byte(callToken))
	mac.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// post sends form to path, signed (or with a wrong signature).
func (b *callBundle) post(path string, form url.Values, signed bool) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sig := "bm90IGEgc2lnbmF0dXJl"
	if signed {
		sig = twilioSign(kithtest.PublicURL+path, form)
	}
	req.Header.Set(twilio.SignatureHeader, sig)
	rec := httptest.NewRecorder()
	b.api.Handler.ServeHTTP(rec, req)
	return rec
}

// voice posts a signed Twilio Voice status callback for call sid and
// requires 200.
func (b *callBundle) voice(t *testing.T, sid, status string, at time.Time, extra url.Values) {
	t.Helper()
	form := url.Values{
		"CallSid": {sid}, "CallStatus": {status}, "From": {callParent}, "To": {callPractic},
		"Direction": {"inbound"}, "Timestamp": {at.UTC().Format(time.RFC1123Z)}, "AccountSid": {"AC0"},
	}
	for k, v := range extra {
		form[k] = v
	}
	rec := b.post(inbound.TwilioVoicePath("maple"), form, true)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Contains(t, rec.Body.String(), "<Response/>")
}

// commFields are the fields the tests read of a communication.
const commFields = `id kind direction status source title description textBody fromAddress toAddresses
  startedAt answeredAt endedAt durationSeconds outcome recordingURL providerStatus closedAt closedAutomatically
  closedBy { id } unmatched
  relatedTo { __typename ... on Client { id } ... on Contact { id } ... on Staff { id } }
  candidates { id }`

type commView struct {
	ID, Kind, Direction, Source, Title, Description, TextBody, FromAddress string
	Status, Outcome, RecordingURL, ProviderStatus                          *string
	ToAddresses                                                            []string
	StartedAt, AnsweredAt, EndedAt, ClosedAt                               *time.Time
	DurationSeconds                                                        *int
	ClosedAutomatically, Unmatched                                         bool
	ClosedBy                                                               *struct{ ID string }
	RelatedTo                                                              []struct{ ID string }
	Candidates                                                             []struct{ ID string }
}

func (c commView) related() []string {
	var out []string
	for _, r := range c.RelatedTo {
		out = append(out, r.ID)
	}
	return out
}

// board is the owner's communications board for where.
func (b *callBundle) board(t *testing.T, where map[string]any) []commView {
	t.Helper()
	var out struct {
		Communications struct {
			TotalCount int
			Edges      []struct{ Node commView }
		}
	}
	b.api.OK(b.p.Token, `query($w: CommunicationFilter) { communications(first: 50, where: $w) { totalCount edges { node { `+commFields+` } } } }`,
		map[string]any{"w": where}, &out)
	list := make([]commView, len(out.Communications.Edges))
	for i, e := range out.Communications.Edges {
		list[i] = e.Node
	}
	require.Len(t, list, out.Communications.TotalCount)
	return list
}

// call is the only call on the board.
func (b *callBundle) call(t *testing.T) commView {
	t.Helper()
	calls := b.board(t, map[string]any{"kind": "CALL"})
	require.Len(t, calls, 1)
	return calls[0]
}

// clientComms are the IDs of the client's communications as token reads them.
func (b *callBundle) clientComms(t *testing.T, token string) []string {
	t.Helper()
	var out struct {
		Node *struct {
			Communications struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
	}
	b.api.OK(token, `query($id: ID!) { node(id: $id) { ... on Client { communications(first: 20) { edges { node { id } } } } } }`,
		map[string]any{"id": b.client}, &out)
	var ids []string
	if out.Node != nil {
		for _, e := range out.Node.Communications.Edges {
			ids = append(ids, e.Node.ID)
		}
	}
	return ids
}

// staffComms are the IDs of staff member id's communications as token reads them.
func (b *callBundle) staffComms(t *testing.T, token, id string) []string {
	t.Helper()
	var out struct {
		Node *struct {
			Communications struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
	}
	b.api.OK(token, `query($id: ID!) { node(id: $id) { ... on Staff { communications(first: 20) { edges { node { id } } } } } }`,
		map[string]any{"id": id}, &out)
	var ids []string
	if out.Node != nil {
		for _, e := range out.Node.Communications.Edges {
			ids = append(ids, e.Node.ID)
		}
	}
	return ids
}

const (
	updateComm = `mutation($id: ID!, $in: UpdateCommunicationInput!) { updateCommunication(id: $id, input: $in) { ` + commFields + ` } }`
	endCall    = `mutation($id: ID!) { endCall(id: $id) { ` + commFields + ` } }`
	logCall    = `mutation($in: LogCallInput!) { logCall(input: $in) { ` + commFields + ` } }`
)

func TestTwilioCallLifecycle(t *testing.T) {
	t.Parallel()
	b := setupCalls(t)
	start := time.Now().Add(-10 * time.Minute).Truncate(time.Second).UTC()

	// Unsigned or wrongly signed: 403, nothing recorded; unknown organisation: 404.
	form := url.Values{"CallSid": {"CA1"}, "CallStatus": {"ringing"}, "From": {callParent}, "To": {callPractic}, "Direction": {"inbound"}}
	require.Equal(t, http.StatusForbidden, b.post(inbound.TwilioVoicePath("maple"), form, false).Code)
	require.Equal(t, http.StatusNotFound, b.post(inbound.TwilioVoicePath("nobody"), form, true).Code)
	require.Empty(t, b.board(t, nil))

	// It rings: an OPEN inbound call, matched to the parent and (through
	// the contact's one link) the client for certain.
	b.voice(t, "CA1", "ringing", start, nil)
	c := b.call(t)
	require.Equal(t, "CALL", c.Kind)
	require.Equal(t, "INBOUND", c.Direction)
	require.Equal(t, "TWILIO_VOICE", c.Source)
	require.Equal(t, "OPEN", *c.Status)
	require.Equal(t, "ringing", *c.ProviderStatus)
	require.Equal(t, callParent, c.FromAddress)
	require.Equal(t, []string{callPractic}, c.ToAddresses)
	require.True(t, start.Equal(*c.StartedAt))
	require.ElementsMatch(t, []string{b.contact, b.client}, c.related())
	require.Empty(t, c.Candidates)
	require.False(t, c.Unmatched)

	// The client's practitioner sees it on the client; the other does not,
	// and cannot touch it.
	require.Equal(t, []string{c.ID}, b.clientComms(t, b.relTok))
	require.Empty(t, b.clientComms(t, b.unrelTok))
	e := b.api.Fail(b.unrelTok, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": c.ID})
	require.Equal(t, "NOT_FOUND", e.Code())
	e = b.api.Fail(b.unrelTok, updateComm, map[string]any{"id": c.ID, "in": map[string]any{"title": "mine"}})
	require.Equal(t, "NOT_FOUND", e.Code())
	e = b.api.Fail(b.unrelTok, endCall, map[string]any{"id": c.ID})
	require.Equal(t, "NOT_FOUND", e.Code())

	// Answered, then completed with a recording; it stays OPEN for staff.
	b.voice(t, "CA1", "in-progress", start.Add(5*time.Second), nil)
	b.voice(t, "CA1", "completed", start.Add(130*time.Second), url.Values{
		"CallDuration": {"125"}, "RecordingUrl": {"https://api.twilio.com/recordings/RE1"},
	})
	c = b.call(t)
	require.Equal(t, "OPEN", *c.Status)
	require.True(t, start.Add(5*time.Second).Equal(*c.AnsweredAt))
	require.True(t, start.Add(130*time.Second).Equal(*c.EndedAt))
	require.Equal(t, 125, *c.DurationSeconds)
	require.Equal(t, "ANSWERED", *c.Outcome)
	require.Equal(t, "completed", *c.ProviderStatus)
	require.Equal(t, "https://api.twilio.com/recordings/RE1", *c.RecordingURL)

	// Repeated and late callbacks change nothing.
	b.voice(t, "CA1", "completed", start.Add(200*time.Second), url.Values{"CallDuration": {"190"}})
	b.voice(t, "CA1", "ringing", start.Add(time.Second), nil)
	again := b.call(t)
	require.Equal(t, "completed", *again.ProviderStatus)
	require.Equal(t, 125, *again.DurationSeconds)
	require.True(t, c.EndedAt.Equal(*again.EndedAt))

	// The related practitioner edits it and puts themselves among its people.
	var upd struct{ UpdateCommunication commView }
	b.api.OK(b.relTok, updateComm, map[string]any{"id": c.ID, "in": map[string]any{
		"title": "Pat about Tuesday", "description": "Wants to move the session.",
		"relatedTo": []string{b.client, b.contact, b.related},
	}}, &upd)
	require.Equal(t, "Pat about Tuesday", upd.UpdateCommunication.Title)
	require.Equal(t, "Wants to move the session.", upd.UpdateCommunication.Description)
	require.ElementsMatch(t, []string{b.client, b.contact, b.related}, upd.UpdateCommunication.related())
	require.Equal(t, []string{c.ID}, b.staffComms(t, b.relTok, b.related))
	require.Empty(t, b.staffComms(t, b.p.Token, b.unrelated))

	// Ended: CLOSED, by them; from then on read-only.
	var ended struct{ EndCall commView }
	b.api.OK(b.relTok, endCall, map[string]any{"id": c.ID}, &ended)
	require.Equal(t, "CLOSED", *ended.EndCall.Status)
	require.Equal(t, b.related, ended.EndCall.ClosedBy.ID)
	require.False(t, ended.EndCall.ClosedAutomatically)
	require.True(t, c.EndedAt.Equal(*ended.EndCall.EndedAt), "the provider's end is kept")
	for _, in := range []map[string]any{{"title": "again"}, {"description": "more"}} {
		e = b.api.Fail(b.relTok, updateComm, map[string]any{"id": c.ID, "in": in})
		require.Equal(t, "BAD_USER_INPUT", e.Code(), e.Message)
	}
	e = b.api.Fail(b.relTok, endCall, map[string]any{"id": c.ID})
	require.Equal(t, "BAD_USER_INPUT", e.Code())

	// A late callback does not reopen it.
	b.voice(t, "CA1", "in-progress", start.Add(6*time.Second), nil)
	c = b.call(t)
	require.Equal(t, "CLOSED", *c.Status)
	require.Equal(t, "Pat about Tuesday", c.Title)
}

func TestTwilioCallClosedByStaffBeforeTheProviderEndsIt(t *testing.T) {
	t.Parallel()
	b := setupCalls(t)
	start := time.Now().Add(-time.Minute).Truncate(time.Second).UTC()
	b.voice(t, "CA2", "in-progress", start, nil)
	c := b.call(t)
	require.True(t, start.Equal(*c.AnsweredAt))
	b.api.OK(b.relTok, endCall, map[string]any{"id": c.ID}, nil)

	// The provider's end and duration are still recorded; it stays CLOSED.
	b.voice(t, "CA2", "completed", start.Add(40*time.Second), url.Values{"CallDuration": {"40"}})
	c = b.call(t)
	require.Equal(t, "CLOSED", *c.Status)
	require.Equal(t, 40, *c.DurationSeconds)
	require.True(t, start.Add(40*time.Second).Equal(*c.EndedAt))
	require.Equal(t, "ANSWERED", *c.Outcome)
}

func TestTwilioCallOutcomes(t *testing.T) {
	t.Parallel()
	b := setupCalls(t)
	at := time.Now().Add(-time.Minute).Truncate(time.Second).UTC()
	for sid, want := range map[string]string{"busy": "BUSY", "no-answer": "NO_ANSWER", "failed": "FAILED", "canceled": "CANCELLED"} {
		b.voice(t, "CA-"+sid, sid, at, url.Values{"Direction": {"outbound-api"}, "CallDuration": {"0"}})
		calls := b.board(t, map[string]any{"kind": "CALL"})
		var found bool
		for _, c := range calls {
			if *c.ProviderStatus == sid {
				found = true
				require.Equal(t, want, *c.Outcome)
				require.Equal(t, "OUTBOUND", c.Direction)
				require.Equal(t, "OPEN", *c.Status, "the first callback already final still opens the call")
				require.NotNil(t, c.EndedAt)
			}
		}
		require.True(t, found, sid)
	}
	// A status kith does not know, or no CallSid: 200, nothing recorded.
	b.voice(t, "CA-odd", "teleported", at, nil)
	b.voice(t, "", "ringing", at, nil)
	require.Len(t, b.board(t, map[string]any{"kind": "CALL"}), 4)
}

func TestTwilioCallContactOfTwoClients(t *testing.T) {
	t.Parallel()
	b := setupCalls(t)
	sibling := b.id(t, `mutation($in: CreateClientInput!) { createClient(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"firstName": "Alex", "lastName": "Client", "email": "alex@client.example",
	}})
	b.link(t, sibling, b.contact)
	b.voice(t, "CA3", "ringing", time.Now(), nil)
	c := b.call(t)
	require.Equal(t, []string{b.contact}, c.related())
	var cands []string
	for _, x := range c.Candidates {
		cands = append(cands, x.ID)
	}
	require.ElementsMatch(t, []string{b.client, sibling}, cands)
	// A candidate client's practitioner sees it on the client too.
	require.Equal(t, []string{c.ID}, b.clientComms(t, b.relTok))
}

func TestTwilioCallForwardedLegAddsTheStaffWhosePhoneRang(t *testing.T) {
	t.Parallel()
	b := setupCalls(t)
	const direct = "+14165550177"
	b.api.OK(b.p.Token, `mutation($id: ID!, $in: UpdateStaffInput!) { updateStaff(id: $id, input: $in) { id } }`,
		map[string]any{"id": b.unrelated, "in": map[string]any{"phone": direct}}, nil)
	at := time.Now().Add(-time.Minute).Truncate(time.Second)
	b.voice(t, "CA4", "ringing", at, nil)
	b.voice(t, "CA4-leg", "ringing", at, url.Values{"ParentCallSid": {"CA4"}, "Direction": {"outbound-dial"}, "From": {callPractic}, "To": {direct}})
	c := b.call(t) // the leg is not a call of its own
	require.ElementsMatch(t, []string{b.contact, b.client, b.unrelated}, c.related())
	require.Equal(t, []string{c.ID}, b.staffComms(t, b.unrelTok, b.unrelated))
}

func TestCallAutoClose(t *testing.T) {
	t.Parallel()
	b := setupCalls(t)
	e := b.api.Fail(b.p.Token, `mutation { updateOrganization(input: {callAutoCloseHours: 0}) { id } }`, nil)
	require.Equal(t, "BAD_USER_INPUT", e.Code(), e.Message)
	require.Contains(t, e.Field(), "callAutoCloseHours")
	b.api.OK(b.p.Token, `mutation { updateOrganization(input: {callAutoCloseHours: 2}) { id } }`, nil, nil)

	// A call the provider reports completed, one that only rang (no end
	// reported), and one staff ended.
	end := time.Now().Add(-time.Hour).Truncate(time.Second).UTC()
	b.voice(t, "CA5", "ringing", end.Add(-time.Minute), nil)
	b.voice(t, "CA5", "completed", end, url.Values{"CallDuration": {"55"}})
	b.voice(t, "CA6", "ringing", end.Add(30*time.Minute), nil)
	b.voice(t, "CA7", "completed", end, nil)
	var ended string
	for _, c := range b.board(t, map[string]any{"kind": "CALL"}) {
		if c.StartedAt.Equal(end) { // CA7: no duration, so it started when it ended
			ended = c.ID
		}
	}
	require.NotEmpty(t, ended)
	b.api.OK(b.relTok, endCall, map[string]any{"id": ended}, nil)

	closer := callclose.New(b.db.Client)
	closer.Batch = 1 // several batches
	at := func(d time.Duration) int {
		closer.Now = func() time.Time { return end.Add(d) }
		n, err := closer.Close(context.Background())
		require.NoError(t, err)
		return n
	}
	status := func() map[string]string {
		out := map[string]string{}
		for _, c := range b.board(t, map[string]any{"kind": "CALL"}) {
			s := *c.Status
			if c.ClosedAutomatically {
				s += " auto"
			}
			out[c.ID] = s
		}
		return out
	}
	require.Equal(t, 0, at(2*time.Hour-time.Second), "not before the organisation's hours")
	require.NotContains(t, status(), "CLOSED auto")
	require.Equal(t, 1, at(2*time.Hour+time.Second), "the completed call, two hours after it ended")
	require.Equal(t, 0, at(2*time.Hour+time.Second), "once")
	require.Equal(t, 1, at(2*time.Hour+31*time.Minute), "the call that only rang, two hours after it started")
	counts := map[string]int{}
	for _, s := range status() {
		counts[s]++
	}
	require.Equal(t, map[string]int{"CLOSED auto": 2, "CLOSED": 1}, counts)
	for _, c := range b.board(t, map[string]any{"kind": "CALL"}) {
		if c.ClosedAutomatically {
			require.Nil(t, c.ClosedBy)
			require.NotNil(t, c.ClosedAt)
		}
	}
}

func TestLogCallByHand(t *testing.T) {
	t.Parallel()
	b := setupCalls(t)
	e := b.api.Fail(b.relTok, logCall, map[string]any{"in": map[string]any{"direction": "OUTBOUND", "from": "hello", "to": callParent}})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "from", e.Field())
	require.Empty(t, b.board(t, nil), "all or nothing")

	started := time.Now().Add(-20 * time.Minute).Truncate(time.Second).UTC()
	var out struct{ LogCall commView }
	b.api.OK(b.relTok, logCall, map[string]any{"in": map[string]any{
		"direction": "OUTBOUND", "to": "(416) 555-0101", "startedAt": started.Format(time.RFC3339),
		"platform": "Mitel", "title": "Called Pat back",
	}}, &out)
	c := out.LogCall
	require.Equal(t, "OPEN", *c.Status)
	require.Equal(t, "LOGGED", c.Source)
	require.Equal(t, []string{callParent}, c.ToAddresses)
	require.ElementsMatch(t, []string{b.contact, b.client, b.related}, c.related())
	require.Equal(t, []string{c.ID}, b.staffComms(t, b.relTok, b.related))
	require.Empty(t, b.clientComms(t, b.unrelTok))

	var ended struct{ EndCall commView }
	b.api.OK(b.relTok, endCall, map[string]any{"id": c.ID}, &ended)
	require.Equal(t, "CLOSED", *ended.EndCall.Status)
	require.NotNil(t, ended.EndCall.EndedAt)
	e = b.api.Fail(b.relTok, updateComm, map[string]any{"id": c.ID, "in": map[string]any{"title": "later"}})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
}

func TestInboundSMSIsRecorded(t *testing.T) {
	t.Parallel()
	b := setupCalls(t)
	sms := func(sid, body string) string {
		t.Helper()
		form := url.Values{"MessageSid": {sid}, "From": {callParent}, "To": {callPractic}, "Body": {body}}
		rec := b.post(inbound.TwilioInboundPath("maple"), form, true)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		return rec.Body.String()
	}
	body := "Hi, could we move Tuesday's session to Thursday afternoon? Sam has a school trip."
	answer := sms("SM1", body)
	require.NotContains(t, answer, "<Message>", "no answer, as before")
	sms("SM1", body) // Twilio retries: one record
	require.Contains(t, sms("SM2", "STOP"), "<Response>")
	require.Contains(t, sms("SM3", "help"), "<Message>")

	list := b.board(t, map[string]any{"kind": "SMS"})
	require.Len(t, list, 1)
	s := list[0]
	require.Equal(t, "INBOUND", s.Direction)
	require.Equal(t, "TWILIO_SMS", s.Source)
	require.Nil(t, s.Status)
	require.Equal(t, body, s.TextBody)
	require.Equal(t, callParent, s.FromAddress)
	require.True(t, strings.HasPrefix(body, strings.TrimSuffix(s.Title, "…")))
	require.LessOrEqual(t, len([]rune(s.Title)), 60)
	require.ElementsMatch(t, []string{b.contact, b.client}, s.related())
	require.Equal(t, []string{s.ID}, b.clientComms(t, b.relTok))

	// Its title and description are as they came.
	e := b.api.Fail(b.p.Token, updateComm, map[string]any{"id": s.ID, "in": map[string]any{"title": "x"}})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	raw, _ := json.Marshal(s)
	require.NotContains(t, string(raw), "STOP")
}
