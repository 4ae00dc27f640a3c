package schema

import (
	"context"
	"fmt"
	"mime"
	"net/url"
	"strings"
	"time"

	"entgo.io/ent"

	"github.com/kith-health/kith"
	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/ent/form"
	"github.com/kith-health/kith/ent/hook"
	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// validateSharedDocument requires a title, a plain file name, a media type
// when one is given and an absolute https address of the file.
func validateSharedDocument() ent.Hook {
	return hookOn(func(_ context.Context, m *gen.SharedDocumentMutation) error {
		return each(m, map[string]normalizer{
			"title":        required,
			"description":  trimmed,
			"file_name":    fileName,
			"content_type": mediaType,
			"url":          fileURL,
		}, "title", "file_name", "content_type", "url", "description")
	}, writeOps)
}

// fileName accepts a file's base name.
func fileName(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", fmt.Errorf("is empty; it is required")
	case strings.ContainsAny(s, `/\`):
		return "", fmt.Errorf("is not a file name: leave out the folders")
	}
	return s, nil
}

// mediaType accepts a media type such as application/pdf, or nothing.
func mediaType(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if _, _, err := mime.ParseMediaType(s); err != nil || !strings.Contains(s, "/") {
		return "", fmt.Errorf("is not a media type such as application/pdf")
	}
	return strings.ToLower(s), nil
}

// fileURL accepts the absolute https address of a file.
func fileURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return "", fmt.Errorf("is not an https address of the file in the practice's file store")
	}
	return s, nil
}

// validateForm checks a form as it is sent (a title, well-formed questions,
// a contact linked to the client) and as it is submitted (once, with
// answers that fit its questions and the signature it asks for). Its
// questions never change once sent.
func validateForm() ent.Hook {
	return hookOn(func(ctx context.Context, m *gen.FormMutation) error {
		switch {
		case m.Op().Is(ent.OpCreate):
			return checkNewForm(ctx, m)
		case m.Op().Is(ent.OpUpdateOne):
			return checkSubmission(ctx, m)
		default:
			return kith.Invalid("id", "forms change one at a time")
		}
	}, writeOps)
}

// checkNewForm checks a form being sent.
func checkNewForm(ctx context.Context, m *gen.FormMutation) error {
	if err := each(m, map[string]normalizer{"title": required, "description": trimmed}, "title", "description"); err != nil {
		return err
	}
	qs, _ := m.Questions()
	qs, err := schematype.NormalizeQuestions(qs)
	if err != nil {
		return err
	}
	m.SetQuestions(qs)
	if s, ok := m.Status(); ok && s != form.StatusSent {
		return kith.Invalid("status", "a form is sent first, then submitted in the portal")
	}
	for _, f := range []string{form.FieldAnswers, form.FieldSignedName, form.FieldSignedAt, form.FieldSubmittedAt, form.FieldSubmittedBy, form.FieldWithdrawnAt} {
		if _, set := m.Field(f); set {
			return kith.Invalid(kith.CamelCase(f), "a form is filled in through the portal, after it is sent")
		}
	}
	client, _ := m.ClientID()
	if err := checkFormAppointment(ctx, m, client); err != nil {
		return err
	}
	contact, ok := m.ContactID()
	if !ok {
		return nil
	}
	linked, err := m.Client().ClientContact.Query().
		Where(clientcontact.ClientID(client), clientcontact.ContactID(contact)).
		Exist(ctx)
	switch {
	case err != nil:
		return fmt.Errorf("checking the form's contact: %w", err)
	case !linked:
		return kith.Invalid("contactLinkId", "the form can go only to a contact of the client")
	}
	return nil
}

// checkFormAppointment requires the appointment a form is sent from, if
// any, to be one of the form's client: another client's is BAD_USER_INPUT
// on appointmentId. (Another organisation's is refused before, as missing:
// the sender reads it first, and the tenant mixin keeps edges within the
// organisation.)
func checkFormAppointment(ctx context.Context, m *gen.FormMutation, client pulid.ID) error {
	id, ok := m.AppointmentID()
	if !ok {
		return nil
	}
	same, err := m.Client().Appointment.Query().
		Where(appointment.ID(id), appointment.ClientID(client)).
		Exist(ctx)
	switch {
	case err != nil:
		return fmt.Errorf("checking the form's appointment: %w", err)
	case !same:
		return kith.Invalid("appointmentId", "the form can be sent only from an appointment of the same client")
	}
	return nil
}

// checkSubmission checks a form being submitted or withdrawn: it must
// still be SENT, the answers must fit its questions, and a withdrawn one
// takes none. Answers written without submitting
// (or appended to) are checked alike.
func checkSubmission(ctx context.Context, m *gen.FormMutation) error {
	id, _ := m.ID()
	old, err := m.Client().Form.Get(ctx, id)
	if err != nil {
		return err
	}
	switch old.Status {
	case form.StatusSubmitted:
		return kith.Invalid("id", "this form was already submitted; it can be filled in only once")
	case form.StatusWithdrawn:
		return kith.Invalid("id", "this form was withdrawn; it can no longer be filled in")
	}
	for _, f := range []string{form.FieldTitle, form.FieldDescription, form.FieldQuestions} {
		if _, set := m.Field(f); set {
			return kith.Invalid(kith.CamelCase(f), "a form's content does not change once it is sent; send a new one")
		}
	}
	given, answering := m.Answers()
	s, ok := m.Status()
	if ok && s == form.StatusWithdrawn {
		if answering {
			return kith.Invalid("answers", "a withdrawn form takes no answers")
		}
		if _, set := m.WithdrawnAt(); !set {
			m.SetWithdrawnAt(time.Now().UTC())
		}
		return nil
	}
	submitting := ok && s == form.StatusSubmitted
	if !answering && !submitting {
		return nil
	}
	// Answers are checked whenever they are written, submitting or not.
	answers, err := schematype.CheckAnswers(old.Questions, given)
	if err != nil {
		return err
	}
	m.SetAnswers(answers)
	if !submitting {
		return nil
	}
	name, _ := m.SignedName()
	name = strings.Join(strings.Fields(name), " ")
	switch {
	case old.SignatureRequested && name == "":
		return kith.Invalid("signature", "this form asks for your signature: type your full name to sign it")
	case !old.SignatureRequested && name != "":
		return kith.Invalid("signature", "this form asks for no signature; leave it out")
	case name != "":
		m.SetSignedName(name)
		if _, ok := m.SignedAt(); !ok {
			m.SetSignedAt(time.Now().UTC())
		}
	}
	if _, ok := m.SubmittedAt(); !ok {
		m.SetSubmittedAt(time.Now().UTC())
	}
	return nil
}

// cancelFormEmails cancels the emails of a form being withdrawn that still
// wait to go (its FORM_REQUEST, held or retrying): they would ask for a
// form that can no longer be filled in. Its reminder's job sends nothing
// for a withdrawn form.
func cancelFormEmails() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.FormFunc(func(ctx context.Context, m *gen.FormMutation) (ent.Value, error) {
			v, err := next.Mutate(ctx, m)
			if s, ok := m.Status(); err != nil || !ok || s != form.StatusWithdrawn {
				return v, err
			}
			f, ok := v.(*gen.Form)
			if !ok {
				return v, nil
			}
			err = m.Client().Notification.Update().
				Where(notification.FormID(f.ID), notification.StatusEQ(notification.StatusQueued)).
				SetStatus(notification.StatusCancelled).SetReason("the form was withdrawn").
				Exec(viewer.NewContext(ctx, viewer.System{OrgID: f.OrganizationID}))
			if err != nil {
				return nil, fmt.Errorf("cancelling the withdrawn form's emails: %w", err)
			}
			return v, nil
		})
	}, ent.OpUpdateOne)
}
