package demo

import (
	"context"
	"time"

	"github.com/kith-health/kith/communication"
	"github.com/kith-health/kith/ent"
	entcomm "github.com/kith-health/kith/ent/communication"
	"github.com/kith-health/kith/viewer"
)

// seedCommunications gives the communications log something to show: a
// call Alex made to the front desk yesterday, which Priya ended, matched
// to Alex and (through Alex's link) to Sam; an email thread with Jordan,
// the practice's reply included; a call Priya logged by hand and left
// open; and an email from an address nobody has, waiting on the
// unmatched list.
func seedCommunications(ctx context.Context, db *ent.Client, org *ent.Organization, priya *ent.Staff) error {
	staffCtx := viewer.NewContext(ctx, viewer.Staff{OrgID: org.ID, StaffID: priya.ID, Role: viewer.RolePractitioner})
	yesterday := time.Now().Add(-26 * time.Hour).Truncate(time.Minute)
	answered, ended := yesterday.Add(8*time.Second), yesterday.Add(4*time.Minute+8*time.Second)
	seconds := 248
	outcome := entcomm.OutcomeAnswered
	call, _, err := communication.Record(ctx, db, communication.Input{
		OrganizationID: org.ID, Kind: entcomm.KindCall, Direction: entcomm.DirectionInbound, Source: entcomm.SourceTwilioVoice,
		ProviderID: "CAdemo0000000000000000000000000001", OccurredAt: yesterday,
		From: "+14165550101", To: []string{"+14165550100"},
		StartedAt: &yesterday, AnsweredAt: &answered, EndedAt: &ended, DurationSeconds: &seconds, Outcome: &outcome,
		ProviderStatus: "completed",
	})
	if err != nil {
		return err
	}
	title, note := "Moving Sam's session", "Alex asked to move next week's session to the morning; done."
	if _, err := communication.Edit(staffCtx, db, call.ID, communication.Update{Title: &title, Description: &note}); err != nil {
		return err
	}
	if _, err := communication.EndCall(staffCtx, db, call.ID); err != nil {
		return err
	}
	asked := yesterday.Add(2 * time.Hour)
	if _, _, err := communication.Record(ctx, db, communication.Input{
		OrganizationID: org.ID, Kind: entcomm.KindEmail, Direction: entcomm.DirectionInbound, Source: entcomm.SourceIMAP,
		ProviderID: "jordan-1@mail.example", MessageID: "jordan-1@mail.example", ThreadKey: "jordan-1@mail.example",
		OccurredAt: asked, From: "jordan.rivera@example.com", To: []string{"frontdesk@maple.example"},
		Title: "Sam's school letter", Subject: "Sam's school letter",
		Text: "Hello, could Dr Patel write a short letter for Sam's school? Thanks, Jordan",
	}); err != nil {
		return err
	}
	if _, _, err := communication.Record(ctx, db, communication.Input{
		OrganizationID: org.ID, Kind: entcomm.KindEmail, Direction: entcomm.DirectionOutbound, Source: entcomm.SourceIMAP,
		ProviderID: "maple-1@maple.example", MessageID: "maple-1@maple.example", ThreadKey: "jordan-1@mail.example",
		InReplyTo: "jordan-1@mail.example", References: []string{"jordan-1@mail.example"},
		OccurredAt: asked.Add(40 * time.Minute), From: "frontdesk@maple.example", To: []string{"jordan.rivera@example.com"},
		Title: "Re: Sam's school letter", Subject: "Re: Sam's school letter",
		Text: "Hi Jordan, Dr Patel will have it ready on Thursday. Maple Family Therapy",
	}); err != nil {
		return err
	}
	if _, _, err := communication.Record(ctx, db, communication.Input{
		OrganizationID: org.ID, Kind: entcomm.KindEmail, Direction: entcomm.DirectionInbound, Source: entcomm.SourceIMAP,
		ProviderID: "new-1@mail.example", MessageID: "new-1@mail.example", ThreadKey: "new-1@mail.example",
		OccurredAt: asked.Add(3 * time.Hour), From: "casey.nguyen@example.net", To: []string{"frontdesk@maple.example"},
		Title: "Do you see teenagers?", Subject: "Do you see teenagers?",
		Text: "Hi, my son is 15. Do you have openings for teenagers? Casey",
	}); err != nil {
		return err
	}
	_, err = communication.Log(staffCtx, db, communication.LogCall{
		Direction: entcomm.DirectionOutbound, To: "416 555 0102", Platform: "Mitel",
		Title: "Returning Jordan's call", Notes: "Left a voicemail.",
	})
	return err
}
