package demo_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/demo"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/viewer"
)

// TestDemoTimeline seeds the demo practice and reads Sam's timeline as its
// owner: every kind of entry the demo has shows, newest first.
func TestDemoTimeline(t *testing.T) {
	t.Parallel()
	db := kithtest.DB(t, nil)
	api := kithtest.NewAPI(t, db)
	owner, err := demo.Seed(context.Background(), db.Client, api.Auth)
	require.NoError(t, err)
	tok, err := api.Auth.Issue(context.Background(), owner)
	require.NoError(t, err)
	var out struct {
		Clients struct {
			Edges []struct {
				Node struct {
					FirstName string
					Timeline  struct {
						Edges []struct {
							Node struct {
								Kind, Summary, Actor string
								Record               *struct {
									Appointment      *struct{ ID string }
									PracticeLocation *struct{ Name string }
								}
							}
						}
					}
				}
			}
		}
	}
	api.OK(tok.Secret, `{ clients(first: 5, where: {firstName: "Samuel"}) { edges { node { firstName
		timeline(first: 50) { edges { node { kind summary actor record {
			... on Form { appointment { id } }
			... on Appointment { practiceLocation { name } } } } } } } } } }`, nil, &out)
	require.Len(t, out.Clients.Edges, 1)
	kinds := map[string]bool{}
	var formFromAppointment, bookedAtClinic bool
	for _, e := range out.Clients.Edges[0].Node.Timeline.Edges {
		n := e.Node
		kinds[n.Kind] = true
		t.Logf("%-24s %-8s %s", n.Kind, n.Actor, n.Summary)
		if n.Kind != "MESSAGE" { // kith sends the messages
			require.NotEqual(t, "KITH", n.Actor, "the demo's steps are Priya's or Alex's, not kith's: %s", n.Summary)
		}
		switch {
		case n.Kind == "FORM_SENT" && n.Actor == "STAFF" && n.Record != nil && n.Record.Appointment != nil:
			formFromAppointment = true
		case n.Kind == "APPOINTMENT_BOOKED" && n.Actor == "STAFF" && n.Record != nil && n.Record.PracticeLocation != nil:
			require.Equal(t, "King Street clinic", n.Record.PracticeLocation.Name)
			bookedAtClinic = true
		}
	}
	require.True(t, formFromAppointment, "Priya sends the consent form from the clinic appointment")
	require.True(t, bookedAtClinic, "an appointment is booked at the clinic")
	first := out.Clients.Edges[0].Node.Timeline.Edges[0].Node
	require.NotEqual(t, "APPOINTMENT_COMPLETED", first.Kind, "the history is older than the upcoming bookings")
	for _, k := range []string{"APPOINTMENT_BOOKED", "APPOINTMENT_COMPLETED", "APPOINTMENT_RESCHEDULED", "MESSAGE",
		"FORM_SENT", "FORM_SUBMITTED", "FORM_WITHDRAWN", "INVOICE_ISSUED", "DOCUMENT_SHARED", "DOCUMENT_VIEWED", "PORTAL_ACTIVITY"} {
		require.True(t, kinds[k], k)
	}
}

// TestDemoCommunications seeds the demo practice and reads its
// communications: the owner's board has the four of them, one unmatched;
// Priya reads Sam's, matched through Alex's and Jordan's numbers and
// addresses, with the email thread in order.
func TestDemoCommunications(t *testing.T) {
	t.Parallel()
	db := kithtest.DB(t, nil)
	api := kithtest.NewAPI(t, db)
	owner, err := demo.Seed(context.Background(), db.Client, api.Auth)
	require.NoError(t, err)
	tok, err := api.Auth.Issue(context.Background(), owner)
	require.NoError(t, err)
	type comm struct {
		Kind, Direction, Title string
		Status                 *string
		Unmatched              bool
		Thread                 []struct{ Title string }
	}
	var board struct {
		Communications struct{ Edges []struct{ Node comm } }
		Unmatched      struct{ Edges []struct{ Node comm } } `json:"unmatchedCommunications"`
	}
	api.OK(tok.Secret, `{ communications(first: 20) { edges { node { kind direction title status unmatched thread { title } } } }
		unmatchedCommunications(first: 5) { edges { node { title } } } }`, nil, &board)
	require.Len(t, board.Communications.Edges, 5)
	require.Len(t, board.Unmatched.Edges, 1)
	require.Equal(t, "Do you see teenagers?", board.Unmatched.Edges[0].Node.Title)

	st, err := db.Client.Staff.Query().Where(staff.Email("priya@maple.example")).Only(viewer.SystemContext(context.Background()))
	require.NoError(t, err)
	ptok, err := api.Auth.Issue(context.Background(), st)
	require.NoError(t, err)
	priya := ptok.Secret
	var sam struct {
		Clients struct {
			Edges []struct {
				Node struct {
					Communications struct{ Edges []struct{ Node comm } }
				}
			}
		}
	}
	api.OK(priya, `{ clients(first: 1, where: {firstName: "Samuel"}) { edges { node {
		communications(first: 10) { edges { node { kind direction title status thread { title } } } } } } } }`, nil, &sam)
	require.Len(t, sam.Clients.Edges, 1)
	got := map[string]comm{}
	for _, e := range sam.Clients.Edges[0].Node.Communications.Edges {
		got[e.Node.Title] = e.Node
	}
	require.Len(t, got, 4, "Alex's call, Jordan's email and its reply, the call Priya logged")
	require.Equal(t, "CLOSED", *got["Moving Sam's session"].Status)
	require.Equal(t, "OPEN", *got["Returning Jordan's call"].Status)
	reply := got["Re: Sam's school letter"]
	require.Len(t, reply.Thread, 2)
	require.Equal(t, "Sam's school letter", reply.Thread[0].Title)
}
