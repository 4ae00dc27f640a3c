package notifier

import (
	"context"
	"fmt"
	"html"
	"strings"

	"github.com/riverqueue/river"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/effect"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/notifier/provider"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
)

// OwnerNotice is an email to an organisation's owners about its kith
// account rather than a client, such as a webhook endpoint kith disabled.
// It names no client and carries no secret.
type OwnerNotice struct {
	// OrganizationID is the organisation whose active owners are told.
	OrganizationID pulid.ID
	// Subject and Text are the email's subject and plain text.
	Subject, Text string
}

// ownerNoticeArgs is the job that emails one owner an OwnerNotice.
type ownerNoticeArgs struct {
	OrganizationID pulid.ID `json:"organization_id"`
	StaffID        pulid.ID `json:"staff_id"`
	Subject        string   `json:"subject"`
	Text           string   `json:"text"`
}

// Kind implements river.JobArgs.
func (ownerNoticeArgs) Kind() string { return "kith_owner_notice" }

// InsertOpts tries an owner's notice a few times: a failure then is the
// email provider's.
func (ownerNoticeArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 5} }

// NoticeOwners queues, in etx (the transaction of the change that causes
// it), one job per active owner of n's organisation that emails them n.
func (q *Queue) NoticeOwners(ctx context.Context, etx *ent.Tx, n OwnerNotice) error {
	if etx == nil {
		return effect.ErrNoTransaction
	}
	owners, err := etx.Client().Staff.Query().
		Where(staff.OrganizationID(n.OrganizationID), staff.RoleEQ(staff.RoleOwner), staff.Active(true)).
		IDs(systemIn(ctx, n.OrganizationID))
	if err != nil {
		return fmt.Errorf("finding the owners to tell: %w", err)
	}
	jobs := make([]river.InsertManyParams, len(owners))
	for i, id := range owners {
		jobs[i] = river.InsertManyParams{Args: ownerNoticeArgs{OrganizationID: n.OrganizationID, StaffID: id, Subject: n.Subject, Text: n.Text}}
	}
	return q.insert(ctx, etx, jobs...)
}

type ownerNoticeWorker struct {
	river.WorkerDefaults[ownerNoticeArgs]
	q *Queue
}

// Work emails the owner the notice, if they are still an active owner.
func (w *ownerNoticeWorker) Work(ctx context.Context, job *river.Job[ownerNoticeArgs]) error {
	a := job.Args
	sys := systemIn(ctx, a.OrganizationID)
	owner, err := w.q.db.Client.Staff.Query().
		Where(staff.ID(a.StaffID), staff.RoleEQ(staff.RoleOwner), staff.Active(true)).
		WithOrganization().Only(sys)
	if ent.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the owner to tell: %w", err)
	}
	var body strings.Builder
	for _, p := range strings.Split(a.Text, "\n\n") {
		body.WriteString("<p>" + html.EscapeString(p) + "</p>")
	}
	r := w.q.handover.Deliver(ctx, provider.Outgoing{
		Channel: schematype.ChannelEmail, To: owner.Email, FromName: owner.Edges.Organization.Name,
		Subject: a.Subject, Text: a.Text, HTML: body.String(),
	}, job.Attempt >= job.MaxAttempts)
	if r.Err != nil {
		if provider.IsPermanent(r.Err) {
			return river.JobCancel(fmt.Errorf("emailing an owner: %s", provider.FailureReason(r.Err)))
		}
		return fmt.Errorf("emailing an owner: %s", provider.FailureReason(r.Err))
	}
	return nil
}
