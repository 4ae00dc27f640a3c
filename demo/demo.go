// Package demo seeds, once, a small practice a newcomer can explore: a
// practitioner, a location, a child client with no email or phone whose two
// parents are its contacts (one of them an additional address), one parent
// who is also a client, an upcoming appointment at the location with a
// consent form sent from it to a parent, a home visit at the parent's
// address, and a history for the child's timeline (history.go). New clients
// with an email are invited to its portal as they are created.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/booking"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/ent/organization"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/form"
	"github.com/kith-health/kith/link"
	"github.com/kith-health/kith/practice"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// Slug is the demo practice's sign-in name.
const Slug = "demo"

// Seed creates the demo practice unless it exists, and returns its owner.
func Seed(ctx context.Context, client *ent.Client, authn *auth.Service) (*ent.Staff, error) {
	sys := viewer.SystemContext(ctx)
	org, err := client.Organization.Query().Where(organization.Slug(Slug)).Only(sys)
	switch {
	case err == nil:
		return client.Staff.Query().Where(staff.OrganizationID(org.ID), staff.RoleEQ(staff.RoleOwner)).First(sys)
	case !ent.IsNotFound(err):
		return nil, fmt.Errorf("looking for the demo practice: %w", err)
	}
	org, owner, err := practice.Create(ctx, client, authn, practice.Practice{
		Name: "Maple Family Therapy", Slug: Slug,
		TimeZone: "America/Toronto", Language: "en", PhoneRegion: "CA",
		OwnerName: "Olivia Owens", OwnerEmail: "olivia@maple.example",
	})
	if err != nil {
		return nil, err
	}
	// Seed as the system confined to the demo practice, through every hook
	// (the notifier's too, in this transaction).
	ctx = viewer.NewContext(ctx, viewer.System{OrgID: org.ID})
	_, err = transaction.Run(ctx, client, func(ctx context.Context, tx *ent.Client) (struct{}, error) {
		return struct{}{}, seed(ctx, tx, org)
	})
	if err != nil {
		return nil, fmt.Errorf("seeding the demo practice: %w", err)
	}
	return owner, nil
}

func seed(ctx context.Context, db *ent.Client, org *ent.Organization) error {
	priya, err := db.Staff.Create().SetName("Dr Priya Patel").SetEmail("priya@maple.example").
		SetRole(staff.RolePractitioner).Save(ctx)
	if err != nil {
		return err
	}
	// The practice's clinic: Sam is treated there, and the service is given there.
	clinic, err := db.Location.Create().SetName("King Street clinic").SetPhone("416 555 0100").
		SetAddress(&schematype.Address{Line1: "40 King Street West", Line2: "Suite 200", City: "Toronto", Region: "ON", PostalCode: "M5H 3Y2", Country: "CA"}).
		Save(ctx)
	if err != nil {
		return err
	}
	// Alex is a parent of Sam and a client in their own right, with the same
	// email, and uses the portal as both: one sign-in, two clients.
	if err := db.ClientProfile.Create().
		SetFirstName("Alex").SetLastName("Rivera").SetPronouns("they/them").
		SetEmail("alex.rivera@example.com").SetMobilePhone("416 555 0101").SetSmsConsent(true).
		SetPortalStatus(schematype.PortalStatusActive).
		AddPractitionerIDs(priya.ID).Exec(ctx); err != nil {
		return err
	}
	// Sam is 9 and has no email or phone: the parents receive the messages.
	sam, err := db.ClientProfile.Create().
		SetFirstName("Samuel").SetPreferredName("Sam").SetLastName("Rivera").
		SetDateOfBirth("2017-03-14").SetAlert("Peanut allergy").
		SetQualified(true).SetDefaultLocationID(clinic.ID).
		SetNotifyReminders(false).SetNotifyConfirmations(false).SetNotifyScheduled(false).
		AddPractitionerIDs(priya.ID).Save(ctx)
	if err != nil {
		return err
	}
	yes := true
	alex := &ent.CreateContactInput{FirstName: "Alex", LastName: ptr("Rivera"), Email: ptr("alex.rivera@example.com"),
		Phone: ptr("416 555 0101"), OrganizationReference: ptr("NORTHWIND-4471"), Address: &schematype.Address{Line1: "12 Elm Street", Line2: "Apt 3", City: "Toronto", Region: "ON", PostalCode: "M4B 1B3", Country: "CA"}}
	alexLink, err := link.Add(ctx, db, sam.ID, link.Input{
		Contact: alex, Relationship: clientcontact.RelationshipParent,
		ContactTypes:    []schematype.ContactType{schematype.ContactTypeEmergency, schematype.ContactTypeBilling, schematype.ContactTypeAdditionalAddress},
		NotifyReminders: &yes, NotifyConfirmations: &yes, NotifyScheduled: &yes, CanManageAppointments: &yes,
		PortalScopes: schematype.PortalScopes,
	})
	if err != nil {
		return err
	}
	if err := alexLink.Update().SetPortalStatus(schematype.PortalStatusActive).Exec(ctx); err != nil {
		return err
	}
	// Priya records the coverage and issues the invoice, as herself.
	staffCtx := viewer.NewContext(ctx, viewer.Staff{OrgID: org.ID, StaffID: priya.ID, Role: viewer.RolePractitioner})
	if err := seedCoverage(staffCtx, db, sam.ID, alexLink.ID); err != nil {
		return err
	}
	jordan := &ent.CreateContactInput{FirstName: "Jordan", LastName: ptr("Rivera"), Email: ptr("jordan.rivera@example.com"), Phone: ptr("416 555 0102")}
	if _, err := link.Add(ctx, db, sam.ID, link.Input{
		Contact: jordan, Relationship: clientcontact.RelationshipParent,
		ContactTypes:    []schematype.ContactType{schematype.ContactTypeEmergency},
		NotifyReminders: &yes,
		PortalScopes:    []schematype.PortalScope{schematype.PortalScopeMessaging},
	}); err != nil {
		return err
	}
	// Priya gives a bookable service on weekdays, so the booking widget has
	// something to offer.
	var hours []booking.Interval
	for day := 1; day <= 5; day++ {
		hours = append(hours, booking.Interval{Weekday: day, Start: "09:00", End: "17:00"})
	}
	if _, err := booking.SetWorkingHours(ctx, db, priya.ID, hours); err != nil {
		return err
	}
	svc, err := db.Service.Create().SetName("Individual therapy").SetDurationMinutes(50).
		SetBookableOnline(true).SetPriceCents(14000).SetCurrency("CAD").SetPracticeLocationID(clinic.ID).
		Save(ctx)
	if err != nil {
		return err
	}
	if err := booking.SetPractitioners(ctx, db, svc.ID, []pulid.ID{priya.ID}); err != nil {
		return err
	}
	// Sam's past comes first, so that the timeline, newest first, opens
	// with the upcoming bookings.
	if err := seedHistory(ctx, db, org, priya, clinic, sam, alexLink); err != nil {
		return err
	}
	// Priya books the upcoming appointments and sends the form, as herself
	// (staffCtx): the timeline says so.
	loc := schematype.Location(org.TimeZone)
	tomorrow := time.Now().In(loc).AddDate(0, 0, 1)
	start := time.Date(tomorrow.Year(), tomorrow.Month(), tomorrow.Day(), 15, 30, 0, 0, loc)
	// At the clinic, the service's location (and Sam's default).
	appt, err := db.Appointment.Create().
		SetClientID(sam.ID).SetPractitionerID(priya.ID).SetServiceID(svc.ID).
		SetStartsAt(start).SetEndsAt(start.Add(50 * time.Minute)).
		Save(staffCtx)
	if err != nil {
		return err
	}
	// A home visit two days later, at Alex's address (an additional address of Sam's).
	visit := start.AddDate(0, 0, 2)
	if err := db.Appointment.Create().
		SetClientID(sam.ID).SetPractitionerID(priya.ID).
		SetStartsAt(visit).SetEndsAt(visit.Add(50 * time.Minute)).
		SetHeldAtContactLinkID(alexLink.ID).
		Exec(staffCtx); err != nil {
		return err
	}
	// "Send Form To" from the appointment: Alex gets the FORM_REQUEST email
	// (with a signature asked) and, unsubmitted after 72 hours, a reminder.
	if _, err := form.Send(staffCtx, db, sam.ID, &alexLink.ID, form.Input{
		Title:       "Consent for Sam's sessions",
		Description: "Please read and sign before Sam's first session.",
		Questions: []*schematype.Question{
			{ID: "allergies", Label: "Allergies or medical conditions we should know about", Type: schematype.QuestionLongText},
			{ID: "consent", Label: "Consent", Type: schematype.QuestionCheckbox, Required: true,
				Options: []string{"I consent to Sam's therapy sessions"}},
		},
		SignatureRequested: true,
		AppointmentID:      &appt.ID,
	}); err != nil {
		return fmt.Errorf("sending the demo form: %w", err)
	}
	if err := seedCommunications(ctx, db, org, priya); err != nil {
		return fmt.Errorf("seeding the demo communications: %w", err)
	}
	// New clients with an email are invited to the portal as they are created.
	return db.Organization.UpdateOne(org).SetPortalInviteOnCreate(true).Exec(ctx)
}

func ptr(s string) *string { return &s }
