package notifier

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	entgo "entgo.io/ent"
	"github.com/riverqueue/river"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/ent/clientprofile"
	"github.com/kith-health/kith/ent/form"
	"github.com/kith-health/kith/link"
	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// This file holds the emails about forms: FORM_REQUEST when a form is sent,
// and one FORM_REMINDER when it is still unsubmitted after the
// organisation's formReminderDelayHours.

// ReasonNoFormAccess is why a form email is skipped when its addressee
// cannot open the form in the portal: the client without portal access
// (active, or an invitation to claim), or a contact whose link has none or
// lacks the VIEW_FORMS scope.
const ReasonNoFormAccess = "they cannot open forms in the portal"

// FormSent implements effect.Notifier: it records and queues the
// FORM_REQUEST email to the new form's addressee, and the job of its
// reminder when the organisation sets a delay.
func (q *Queue) FormSent(ctx context.Context, m entgo.Mutation, v entgo.Value) error {
	fm, ok1 := m.(*ent.FormMutation)
	f, ok2 := v.(*ent.Form)
	if !ok1 || !ok2 {
		return errUnexpected
	}
	db, etx := fm.Client(), transaction.From(ctx)
	org, err := q.notifyForm(ctx, db, etx, f, schematype.MessageKindFormRequest)
	if err != nil {
		return err
	}
	if org.FormReminderDelayHours <= 0 {
		return nil
	}
	due := f.CreatedAt.UTC().Add(time.Duration(org.FormReminderDelayHours) * time.Hour).Truncate(time.Microsecond)
	return q.insert(ctx, etx, river.InsertManyParams{
		Args:       FormReminderArgs{FormID: f.ID, DueAt: due},
		InsertOpts: &river.InsertOpts{ScheduledAt: due},
	})
}

// notifyForm records one email of kind about f to its addressee (the
// client, or the contact it is addressed to) and queues its send job. It
// goes by email whatever the client's preferred method, with the client's
// email consent, and is skipped, with the reason, when the addressee has
// no address, no consent, a bounced address, or cannot open the form in
// the portal (ReasonNoFormAccess). It returns f's organisation.
func (q *Queue) notifyForm(ctx context.Context, db *ent.Client, etx *ent.Tx, f *ent.Form, kind schematype.MessageKind) (*ent.Organization, error) {
	sys := systemIn(ctx, f.OrganizationID)
	c, err := db.ClientProfile.Query().Where(clientprofile.ID(f.ClientID)).
		WithOrganization().
		WithContactLinks(func(l *ent.ClientContactQuery) {
			l.Where(clientcontact.ContactID(f.ContactID)).WithContact() // none for a form to the client
		}).
		Only(sys)
	if err != nil {
		return nil, fmt.Errorf("reading the form's client: %w", err)
	}
	org := c.Edges.Organization
	recipients := link.Recipients(c, c.Edges.ContactLinks)
	r, canOpen := recipients[0], hasPortal(c.PortalStatus)
	if f.ContactID != "" {
		if len(recipients) < 2 {
			return org, nil // the link is gone: nobody to tell
		}
		r = recipients[1]
		canOpen = hasPortal(r.Link.PortalStatus) && slices.Contains(r.Link.PortalScopes, schematype.PortalScopeViewForms)
	}
	prefs, err := loadPreferences(sys, db, c)
	if err != nil {
		return nil, err
	}
	prefs.Method = clientprofile.PreferredContactMethodEmail
	plan := compose.Plan(kind, []*link.Recipient{r}, prefs)
	if len(plan) == 0 {
		return org, nil
	}
	d := plan[0]
	if !d.Skipped && !canOpen {
		d.Skipped, d.Reason = true, ReasonNoFormAccess
	}
	t, _, err := Effective(sys, db, org, kind, schematype.ChannelEmail, c.Language)
	if err != nil {
		return nil, err
	}
	v := compose.Occasion{Org: org, Client: c, Recipient: r, Form: f}.Values(t.Language, q.cfg.Links)
	v["PortalLink"] = q.cfg.Links.Safe(formLink(q.cfg.Links, f))
	shown := t.Render(v)
	n, err := newNotification(db, c, kind, d, shown, time.Now().UTC()).SetFormID(f.ID).Save(sys)
	if err != nil {
		return nil, fmt.Errorf("recording notification: %w", err)
	}
	if d.Skipped {
		return org, nil
	}
	return org, q.insert(ctx, etx, river.InsertManyParams{Args: SendArgs{NotificationIDs: []pulid.ID{n.ID}}})
}

// hasPortal reports whether a person with portal status s can reach the
// portal: their access is active, or an invitation waits to be claimed.
func hasPortal(s schematype.PortalStatus) bool {
	return s == schematype.PortalStatusActive || s == schematype.PortalStatusInvited
}

// formLink is where a form email points: the form in the portal, acting
// for its client. Empty without a portal address.
func formLink(links compose.Links, f *ent.Form) string {
	if links.PortalURL == "" {
		return ""
	}
	return strings.TrimRight(links.PortalURL, "/") + "/portal/forms/" + url.PathEscape(string(f.ID)) +
		"?client=" + url.QueryEscape(string(f.ClientID))
}

// FormReminderArgs is the job that reminds a form's addressee of a form
// still unsubmitted, once, at DueAt (the organisation's
// formReminderDelayHours after it was sent).
type FormReminderArgs struct {
	FormID pulid.ID  `json:"form_id"`
	DueAt  time.Time `json:"due_at"`
}

// Kind implements river.JobArgs.
func (FormReminderArgs) Kind() string { return "kith_form_reminder" }

// InsertOpts keeps one job per form and due time, retried with River's
// backoff. The form itself records the reminder (reminderSentAt), so a job
// run again, by this process or another, sends nothing more.
func (FormReminderArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type formReminderWorker struct {
	river.WorkerDefaults[FormReminderArgs]
	q *Queue
}

// Work sends the form's reminder in one transaction with its send job,
// marking the form reminded first: only a form still SENT and not yet
// reminded is (the conditional update waits for, then loses to, a
// submission or another reminder committing meanwhile), and only while the
// organisation still sets a delay.
func (w *formReminderWorker) Work(ctx context.Context, job *river.Job[FormReminderArgs]) error {
	ctx = viewer.SystemContext(ctx)
	tx, err := w.q.db.Client.Tx(ctx)
	if err != nil {
		return err
	}
	ctx = transaction.With(ctx, tx) // the hooks of its writes find it
	send, err := w.q.remindOfForm(ctx, tx, job.Args.FormID)
	if err != nil || !send {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// remindOfForm does Work's writes in tx, and reports whether there are any
// to commit.
func (q *Queue) remindOfForm(ctx context.Context, tx *ent.Tx, id pulid.ID) (bool, error) {
	db := tx.Client()
	f, err := db.Form.Query().Where(form.ID(id)).WithOrganization().Only(ctx)
	switch {
	case ent.IsNotFound(err):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("reading the form: %w", err)
	case f.Status != form.StatusSent || f.ReminderSentAt != nil || f.Edges.Organization.FormReminderDelayHours <= 0:
		return false, nil // submitted, reminded already, or the practice no longer reminds
	}
	sys := systemIn(ctx, f.OrganizationID)
	f, err = db.Form.UpdateOneID(id).
		Where(form.StatusEQ(form.StatusSent), form.ReminderSentAtIsNil()).
		SetReminderSentAt(time.Now().UTC()).
		Save(sys)
	var invalid *kith.ValidationError
	switch {
	case ent.IsNotFound(err), errors.As(err, &invalid):
		return false, nil // submitted or reminded meanwhile
	case err != nil:
		return false, fmt.Errorf("marking the form reminded: %w", err)
	}
	if _, err := q.notifyForm(ctx, db, tx, f, schematype.MessageKindFormReminder); err != nil {
		return false, err
	}
	return true, nil
}
