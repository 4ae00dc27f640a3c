package demo

import (
	"context"
	"time"

	"github.com/kith-health/kith/activity"
	"github.com/kith-health/kith/document"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/form"
	"github.com/kith-health/kith/portal"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// seedHistory gives Sam a past worth reading on Client.timeline: a session
// last week at the clinic that Priya completed, one there next week she
// booked and moved, a
// treatment plan she shared and Alex opened in the portal, an intake form
// she sent to Alex and Alex filled in, a consent form she sent and took
// back, and Alex's portal sign-in. Each step
// goes through the package staff or the portal would use, as them.
func seedHistory(ctx context.Context, db *ent.Client, org *ent.Organization, priya *ent.Staff, clinic *ent.Location, sam *ent.ClientProfile, alex *ent.ClientContact) error {
	scopes := make([]string, len(alex.PortalScopes))
	for i, s := range alex.PortalScopes {
		scopes[i] = string(s)
	}
	staffCtx := viewer.NewContext(ctx, viewer.Staff{OrgID: org.ID, StaffID: priya.ID, Role: viewer.RolePractitioner})
	alexCtx := viewer.NewContext(ctx, viewer.Portal{OrgID: org.ID, Email: "alex.rivera@example.com",
		ClientID: sam.ID, LinkID: alex.ID, ContactID: alex.ContactID, Scopes: scopes, CanManageAppointments: true})
	loc := schematype.Location(org.TimeZone)
	day := func(days, hour, minute int) time.Time {
		d := time.Now().In(loc).AddDate(0, 0, days)
		return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, loc)
	}

	past, err := db.Appointment.Create().SetClientID(sam.ID).SetPractitionerID(priya.ID).
		SetStartsAt(day(-7, 15, 30)).SetEndsAt(day(-7, 16, 20)).SetPracticeLocationID(clinic.ID).Save(staffCtx)
	if err != nil {
		return err
	}
	if err := db.Appointment.UpdateOne(past).SetStatus(appointment.StatusCompleted).Exec(staffCtx); err != nil {
		return err
	}
	if err := activity.RecordEvent(ctx, db, activity.Event{OrgID: org.ID, ClientID: sam.ID, ContactID: alex.ContactID,
		Email: "alex.rivera@example.com", Action: portal.ActionSignedIn}); err != nil {
		return err
	}
	plan, err := document.Share(staffCtx, db, sam.ID, document.Input{Title: "Treatment plan", FileName: "sam-treatment-plan.pdf",
		ContentType: "application/pdf", URL: "https://files.maple.example/sam-treatment-plan.pdf"})
	if err != nil {
		return err
	}
	if _, err := document.Open(alexCtx, db, plan.ID); err != nil {
		return err
	}
	intake, err := form.Send(staffCtx, db, sam.ID, &alex.ID, form.Input{Title: "Intake questionnaire",
		Questions: []*schematype.Question{{ID: "sleep", Label: "How has Sam been sleeping?", Type: schematype.QuestionText, Required: true}}})
	if err != nil {
		return err
	}
	if _, err := form.Submit(alexCtx, db, intake.ID, []*schematype.Answer{{QuestionID: "sleep", Value: "Better since the last session."}}, nil); err != nil {
		return err
	}
	consent, err := form.Send(staffCtx, db, sam.ID, &alex.ID, form.Input{Title: "Photo consent",
		Questions: []*schematype.Question{{ID: "photos", Label: "May we photograph Sam's drawings?", Type: schematype.QuestionText}}})
	if err != nil {
		return err
	}
	if _, err := form.Withdraw(staffCtx, db, consent.ID); err != nil {
		return err
	}
	next, err := db.Appointment.Create().SetClientID(sam.ID).SetPractitionerID(priya.ID).
		SetStartsAt(day(7, 15, 30)).SetEndsAt(day(7, 16, 20)).SetPracticeLocationID(clinic.ID).Save(staffCtx)
	if err != nil {
		return err
	}
	return db.Appointment.UpdateOne(next).SetStartsAt(day(8, 10, 0)).SetEndsAt(day(8, 10, 50)).Exec(staffCtx)
}
