package notifier

import (
	"context"
	"errors"
	"fmt"

	entgo "entgo.io/ent"

	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/effect"
	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/schematype"
)

// The Queue is the notifier the schema's hooks call (ent/schema/notifier_hooks.go
// decides when; these methods write what is sent, in the change's transaction).
var _ effect.Notifier = (*Queue)(nil)

// errUnexpected is the error of a hook handing the notifier a mutation or
// value of another type than its method expects: a bug in ent/schema.
var errUnexpected = errors.New("the notifier was given a mutation of an unexpected type")

// AppointmentChanged implements effect.Notifier: a written appointment's
// reminders that still wait are cancelled unless it is new, its scheduled
// messages follow it (see followAppointment), the notice of kind goes to
// its recipients, and reminders are scheduled when remind is set.
func (q *Queue) AppointmentChanged(ctx context.Context, m entgo.Mutation, v entgo.Value, kind schematype.MessageKind, remind bool) error {
	am, ok1 := m.(*ent.AppointmentMutation)
	a, ok2 := v.(*ent.Appointment)
	if !ok1 || !ok2 {
		return errUnexpected
	}
	db := am.Client()
	// Notices are kith's own doing, whoever changed the appointment (staff,
	// a portal user, a widget visitor): read and written as the system,
	// confined to the appointment's organisation.
	ctx = systemIn(ctx, a.OrganizationID)
	if kind != schematype.MessageKindConfirmation {
		if err := cancelReminders(ctx, db, a, kind); err != nil {
			return err
		}
	}
	etx := transaction.From(ctx)
	if err := q.followAppointment(ctx, db, etx, a, kind); err != nil {
		return fmt.Errorf("updating the appointment's scheduled messages: %w", err)
	}
	// The appointment as written, with what its messages need: read once
	// (its client, organisation, links and contacts, and practitioner) for
	// the notice and the reminders alike.
	loaded, err := withAudienceOf(ctx, db, a)
	if err != nil {
		return fmt.Errorf("reading the appointment's recipients: %w", err)
	}
	if err := q.notifyAbout(ctx, db, etx, kind, loaded); err != nil {
		return fmt.Errorf("notifying about the appointment: %w", err)
	}
	if remind {
		if err := q.scheduleReminders(ctx, etx, loaded); err != nil {
			return fmt.Errorf("scheduling reminders: %w", err)
		}
	}
	return nil
}

// ScheduledMessageTimed implements effect.Notifier: it queues the pending
// message's job for the time it is due.
func (q *Queue) ScheduledMessageTimed(ctx context.Context, m entgo.Mutation, v entgo.Value) error {
	sm, ok1 := m.(*ent.ScheduledMessageMutation)
	msg, ok2 := v.(*ent.ScheduledMessage)
	if !ok1 || !ok2 {
		return errUnexpected
	}
	return q.scheduleMessages(ctx, sm.Client(), transaction.From(ctx), nil, msg)
}

// PracticeWrote implements effect.Notifier: it records and queues the
// email telling the thread's person of the practice's message (see
// notifyPortalMessage).
func (q *Queue) PracticeWrote(ctx context.Context, m entgo.Mutation, v entgo.Value) error {
	pm, ok1 := m.(*ent.PortalMessageMutation)
	msg, ok2 := v.(*ent.PortalMessage)
	if !ok1 || !ok2 {
		return errUnexpected
	}
	return q.notifyPortalMessage(ctx, pm.Client(), transaction.From(ctx), msg)
}

// CheckTemplate implements effect.Notifier with compose.Template.Validate.
func (q *Queue) CheckTemplate(subject, html, text string) (string, error) {
	var te *compose.TemplateError
	if err := (compose.Template{Subject: subject, HTML: html, Text: text}).Validate(); errors.As(err, &te) {
		return te.Part, te.Err
	}
	return "", nil
}

// CheckText implements effect.Notifier with compose.Validate.
func (q *Queue) CheckText(text string) error { return compose.Validate(text) }
