// Package form owns the forms staff send a client through the portal: what
// a form asks (its questions, package schematype's value types, checked by
// the Form schema's hooks on every write), sending it to the client or one
// of its contacts (from one of its appointments, if staff like), listing
// it, submitting its answers in the portal, and withdrawing it unsubmitted.
// Who may read and submit which form is the privacy rules' business
// (rule.AllowPortalFormRows, rule.AllowPortalFormSubmit).
package form

import (
	"context"
	"fmt"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/activity"
	"github.com/kith-health/kith/ent"
	entform "github.com/kith-health/kith/ent/form"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// ActionSubmitted is recorded when a portal user submits a entform.
const ActionSubmitted = "FORM_SUBMITTED"

// Input describes a form to send.
type Input struct {
	// Title is the form's title.
	Title string
	// Description holds instructions shown above the questions; optional.
	Description string
	// Questions are the questions, in order.
	Questions []*schematype.Question
	// SignatureRequested makes the person sign, by typing their name.
	SignatureRequested bool
	// AppointmentID is the appointment the form is sent from ("Send Form
	// To" in the appointment dialog), one of the same client's; optional.
	AppointmentID *pulid.ID
}

// Send sends a form to client, as the staff member in ctx: to the
// client itself, or with link to the contact of that link of the client,
// from in.AppointmentID when given. Another organisation's client, link or
// appointment, or a link of another client, reads as missing; an
// appointment of another client is refused by the Form schema's hook
// (BAD_USER_INPUT on appointmentId). The Form's notifier hook emails the
// addressee (FORM_REQUEST) and schedules the reminder, in ctx's
// transaction.
func Send(ctx context.Context, db *ent.Client, client pulid.ID, link *pulid.ID, in Input) (*ent.Form, error) {
	c, err := db.ClientProfile.Get(ctx, client)
	if err != nil {
		return nil, notFoundAs("clientId", client, err)
	}
	qs := make([]schematype.Question, len(in.Questions))
	for i, q := range in.Questions {
		qs[i] = *q
	}
	create := db.Form.Create().
		SetClientID(c.ID).SetTitle(in.Title).SetDescription(in.Description).
		SetQuestions(qs).SetSignatureRequested(in.SignatureRequested)
	if link != nil {
		l, err := db.ClientContact.Get(ctx, *link)
		if err == nil && l.ClientID != c.ID {
			err = &ent.NotFoundError{}
		}
		if err != nil {
			return nil, notFoundAs("contactLinkId", *link, err)
		}
		create.SetContactID(l.ContactID)
	}
	if id := in.AppointmentID; id != nil {
		a, err := db.Appointment.Get(ctx, *id)
		if err != nil {
			return nil, notFoundAs("appointmentId", *id, err)
		}
		create.SetAppointmentID(a.ID)
	}
	if st, ok := viewer.StaffFromContext(ctx); ok {
		if id, ok := st.Person(); ok { // an API key sends for nobody
			create.SetSentByID(id)
		}
	}
	f, err := create.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("sending a form: %w", err)
	}
	return f, nil
}

// List lists up to first forms of client c, newest first, optionally only
// those in status, as the viewer in ctx may see them: staff all, a portal
// viewer those rule.AllowPortalFormRows lets it see.
func List(ctx context.Context, db *ent.Client, c pulid.ID, status *entform.Status, first int) ([]*ent.Form, error) {
	q := db.Form.Query().
		Where(entform.ClientID(c)).
		Order(ent.Desc(entform.FieldCreatedAt), ent.Desc(entform.FieldID)).
		Limit(min(max(first, 0), 100))
	if status != nil {
		q.Where(entform.StatusEQ(*status))
	}
	out, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing forms: %w", err)
	}
	return out, nil
}

// Get is form id as the viewer in ctx may see it; one it may not see
// reads as missing.
func Get(ctx context.Context, db *ent.Client, id pulid.ID) (*ent.Form, error) {
	f, err := db.Form.Get(ctx, id)
	if err != nil {
		return nil, notFoundAs("id", id, err)
	}
	return f, nil
}

// CanSubmit reports whether the portal viewer p may fill in f now: f is
// still SENT and addressed to p (a form for the client to the client or any
// contact who sees it, a form for a contact to that contact only).
func CanSubmit(p viewer.Portal, f *ent.Form) bool {
	if f.Status != entform.StatusSent || f.ClientID != p.ClientID || !p.Can(string(schematype.PortalScopeViewForms)) {
		return false
	}
	return f.ContactID == "" || f.ContactID == p.ContactID
}

// Submit fills in and submits form id as the portal viewer in ctx, with
// answers and, when the form asks for one, signature (the signer's typed
// full name). The form's hook checks the answers; the privacy rule
// (rule.AllowPortalFormSubmit) lets the write through only for a form the
// viewer may fill in that is still SENT, so two racing submissions make one.
func Submit(ctx context.Context, db *ent.Client, id pulid.ID, answers []*schematype.Answer, signature *string) (*ent.Form, error) {
	p, ok := viewer.PortalFromContext(ctx)
	if !ok {
		return nil, kith.ErrUnauthenticated
	}
	f, err := Get(ctx, db, id)
	if err != nil {
		return nil, err
	}
	switch {
	case f.Status == entform.StatusWithdrawn:
		return nil, kith.Invalid("id", "this form was withdrawn; it can no longer be filled in")
	case f.Status != entform.StatusSent:
		return nil, kith.Invalid("id", "this form was already submitted; it can be filled in only once")
	case !CanSubmit(p, f):
		return nil, kith.ErrForbidden // the client sees its contacts' forms but does not fill them in
	}
	given := make([]schematype.Answer, len(answers))
	for i, a := range answers {
		given[i] = *a
	}
	update := db.Form.UpdateOneID(f.ID).
		SetStatus(entform.StatusSubmitted).SetAnswers(given).SetSubmittedBy(p.Email)
	if signature != nil {
		update.SetSignedName(*signature)
	}
	f, err = update.Save(ctx)
	switch {
	case ent.IsNotFound(err): // another submission won the race
		return nil, kith.Invalid("id", "this form was already submitted; it can be filled in only once")
	case err != nil:
		return nil, fmt.Errorf("submitting the form: %w", err)
	}
	if err := activity.Record(ctx, db, ActionSubmitted, f.Title, f.ID); err != nil {
		return nil, err
	}
	return f, nil
}

// Withdraw takes back form id, as the staff member in ctx, while it is
// still SENT: it becomes WITHDRAWN, can no longer be filled in, and its
// reminder sends nothing. A submitted or already withdrawn form is
// BAD_USER_INPUT on id; another organisation's reads as missing.
func Withdraw(ctx context.Context, db *ent.Client, id pulid.ID) (*ent.Form, error) {
	f, err := Get(ctx, db, id)
	if err != nil {
		return nil, err
	}
	switch f.Status {
	case entform.StatusSubmitted:
		return nil, kith.Invalid("id", "this form was already submitted; it can no longer be withdrawn")
	case entform.StatusWithdrawn:
		return nil, kith.Invalid("id", "this form was already withdrawn")
	}
	f, err = db.Form.UpdateOneID(id).Where(entform.StatusEQ(entform.StatusSent)).
		SetStatus(entform.StatusWithdrawn).Save(ctx)
	switch {
	case ent.IsNotFound(err): // submitted meanwhile
		return nil, kith.Invalid("id", "this form was already submitted; it can no longer be withdrawn")
	case err != nil:
		return nil, fmt.Errorf("withdrawing the form: %w", err)
	}
	return f, nil
}

// notFoundAs reports a record the viewer cannot read as missing on field.
func notFoundAs(field string, id pulid.ID, err error) error {
	if ent.IsNotFound(err) {
		return &kith.NotFoundError{Field: field, ID: id}
	}
	return err
}
