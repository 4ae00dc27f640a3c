package graph_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSignInAnswersResolveAsTheNewSession: everything the answers of
// verifySignIn, claimPortalInvitation and signIn document resolves, as the
// session they start, and the session works after.
func TestSignInAnswersResolveAsTheNewSession(t *testing.T) {
	t.Parallel()
	b := setupBookings(t)
	const session = `token expiresAt viewer { email practice clients { clientId clientFirstName clientLastName asClient relationship relationshipLabel scopes canManageAppointments } actingFor { clientId } }`
	type answer struct {
		Token  string
		Viewer struct {
			Email, Practice string
			Clients         []struct{ ClientID, ClientFirstName string }
			ActingFor       *struct{ ClientID string }
		}
	}
	works := func(token, email string) {
		t.Helper()
		var v struct{ PortalViewer struct{ Email string } }
		b.api.OK(token, `{ portalViewer { email } }`, nil, &v)
		require.Equal(t, email, v.PortalViewer.Email)
	}

	b.api.OK("", `mutation { requestSignIn(input: {organization: "maple", email: "sam@example.com"}) }`, nil, nil)
	code := b.api.Outbox.Last(t, "sam@example.com").Code
	var verified struct{ VerifySignIn answer }
	b.api.OK("", `mutation($c: String!) { verifySignIn(input: {organization: "maple", email: "sam@example.com", code: $c}) { `+session+` } }`,
		map[string]any{"c": code}, &verified)
	require.Equal(t, "Maple Practice", verified.VerifySignIn.Viewer.Practice)
	require.Len(t, verified.VerifySignIn.Viewer.Clients, 1)
	require.Equal(t, b.sam, verified.VerifySignIn.Viewer.Clients[0].ClientID)
	require.Nil(t, verified.VerifySignIn.Viewer.ActingFor)
	works(verified.VerifySignIn.Token, "sam@example.com")

	var lee struct{ CreateClient struct{ ID string } }
	b.api.OK(b.p.Token, `mutation { createClient(input: {firstName: "Lee", lastName: "Wong", email: "lee@example.com"}) { id } }`, nil, &lee)
	b.api.OK(b.p.Token, `mutation($id: ID!) { inviteClientToPortal(clientId: $id) { id } }`, map[string]any{"id": lee.CreateClient.ID}, nil)
	_, tok, _ := strings.Cut(b.api.Outbox.Last(t, "lee@example.com").Link, "token=")
	var claimed struct{ ClaimPortalInvitation answer }
	b.api.OK("", `mutation($t: String!) { claimPortalInvitation(token: $t) { `+session+` } }`, map[string]any{"t": tok}, &claimed)
	require.Equal(t, "Maple Practice", claimed.ClaimPortalInvitation.Viewer.Practice)
	require.Len(t, claimed.ClaimPortalInvitation.Viewer.Clients, 1)
	require.Equal(t, lee.CreateClient.ID, claimed.ClaimPortalInvitation.Viewer.Clients[0].ClientID)
	works(claimed.ClaimPortalInvitation.Token, "lee@example.com")

	// Staff: the signed-in member's lists, as they will read them.
	b.book(t, b.samS, b.sam, b.at(10, 0), "mine")
	var signedIn struct {
		SignIn struct {
			Token string
			Staff struct {
				Email           string
				Appointments    struct{ TotalCount int }
				AssignedClients struct{ TotalCount int }
			}
		}
	}
	b.api.OK("", `mutation { signIn(input: {organization: "maple", email: "owner@maple.example", password: "correct horse battery"}) {
		token expiresAt staff { id name email role active timeZone appointments(first: 5) { totalCount edges { node { id client { firstName } } } } assignedClients(first: 5) { totalCount } } } }`, nil, &signedIn)
	require.Equal(t, 1, signedIn.SignIn.Staff.Appointments.TotalCount)
	var me struct{ Me struct{ Email string } }
	b.api.OK(signedIn.SignIn.Token, `{ me { email } }`, nil, &me)
	require.Equal(t, "owner@maple.example", me.Me.Email)

	// Only the answer: another field of the operation keeps the request's viewer.
	rsp := b.api.Do("", `mutation { signIn(input: {organization: "maple", email: "owner@maple.example", password: "correct horse battery"}) { token } updateBookingRules(input: {slotIntervalMinutes: 15}) { id } }`, nil)
	require.Len(t, rsp.Errors, 1)
	require.Equal(t, "UNAUTHENTICATED", rsp.Errors[0].Code())
}
