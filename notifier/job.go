package notifier

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"github.com/riverqueue/river"

	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/ent/organization"
	"github.com/kith-health/kith/ent/predicate"
	"github.com/kith-health/kith/notifier/inbound"
	"github.com/kith-health/kith/notifier/provider"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// SendArgs is the job that hands queued Notifications to their providers:
// the copies one change or reminder makes on one channel at one time.
type SendArgs struct {
	// NotificationIDs are the notifications the job sends.
	NotificationIDs []pulid.ID `json:"notification_ids,omitempty"`
	// NotificationID is the one notification of a job queued before jobs
	// took several; such jobs still send it.
	NotificationID pulid.ID `json:"notification_id,omitempty"`
}

// Kind implements river.JobArgs.
func (SendArgs) Kind() string { return "kith_send" }

// InsertOpts makes one job per set of notifications at a time, retried with
// River's exponential backoff on transient failures.
func (SendArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// ids lists the notifications a job sends, old jobs' single one included.
func (a SendArgs) ids() []pulid.ID {
	if a.NotificationID == "" {
		return a.NotificationIDs
	}
	return append([]pulid.ID{a.NotificationID}, a.NotificationIDs...)
}

// sendParallelism is how many messages of one job are handed over at once.
const sendParallelism = 8

type sendWorker struct {
	river.WorkerDefaults[SendArgs]
	q *Queue
}

// Work sends the job's notifications that are still queued, several at a
// time, each on its own: a sent one is marked SENT; a permanent failure (invalid
// number, opted out) or one on the job's last attempt is marked FAILED with
// the reason; a transient one stays QUEUED with one more attempt, and the job
// returns an error so that River tries again later, when only those still
// queued go. Notifications no longer queued are never sent again.
func (w *sendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	ctx = viewer.SystemContext(ctx)
	db := w.q.db.Client
	// By ID alone: with the status too SQLite may walk the status index.
	all, err := db.Notification.Query().Where(notification.IDIn(job.Args.ids()...)).All(ctx)
	if err != nil {
		return err
	}
	ns := slices.DeleteFunc(all, func(n *ent.Notification) bool { return n.Status != notification.StatusQueued })
	if len(ns) == 0 {
		return nil // gone, or already sent, failed or cancelled: never twice
	}
	orgs, err := w.organizations(ctx, ns)
	if err != nil {
		return err
	}
	last := job.Attempt >= job.MaxAttempts
	results := make([]provider.Result, len(ns))
	sem := make(chan struct{}, sendParallelism)
	var wg sync.WaitGroup
	for i, n := range ns {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			results[i] = w.send(ctx, orgs[n.OrganizationID], n, last)
		})
	}
	wg.Wait()
	// What was handed over is recorded even when the job is being cancelled.
	return w.record(context.WithoutCancel(ctx), ns, results, last)
}

// organizations loads the organisations of ns, by ID.
func (w *sendWorker) organizations(ctx context.Context, ns []*ent.Notification) (map[pulid.ID]*ent.Organization, error) {
	ids := make([]pulid.ID, 0, 1)
	for _, n := range ns {
		if !slices.Contains(ids, n.OrganizationID) {
			ids = append(ids, n.OrganizationID)
		}
	}
	orgs, err := w.q.db.Client.Organization.Query().Where(organization.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading organisations: %w", err)
	}
	byID := make(map[pulid.ID]*ent.Organization, len(orgs))
	for _, o := range orgs {
		byID[o.ID] = o
	}
	return byID, nil
}

// send hands n to its provider (provider.Handover.Deliver); last says
// no try follows a transient failure.
func (w *sendWorker) send(ctx context.Context, org *ent.Organization, n *ent.Notification, last bool) provider.Result {
	if org == nil {
		return provider.Result{Tried: true, Err: provider.Permanent("no_organization", "the organisation no longer exists", nil)}
	}
	return w.q.handover.Deliver(ctx, provider.Outgoing{
		MessageID: string(n.ID), Channel: n.Channel, To: n.Address, FromName: org.Name,
		Subject: n.Subject, HTML: n.HTML, Text: n.Text,
		StatusCallbackURL: w.q.StatusCallbackURL(org, n.Channel),
	}, last)
}

// record writes what became of each of ns in one transaction, and returns
// the transient errors, if any, for River to try again. On the last attempt
// transient failures are final.
func (w *sendWorker) record(ctx context.Context, ns []*ent.Notification, results []provider.Result, last bool) error {
	var (
		sent     []int
		failed   = map[string][]pulid.ID{} // by reason
		attempts []pulid.ID                // tried and failed for now: one more attempt
		retry    []error
	)
	for i, r := range results {
		switch r.Outcome(last) {
		case "sent":
			sent = append(sent, i)
		case "failed":
			reason := provider.FailureReason(r.Err)
			failed[reason] = append(failed[reason], ns[i].ID)
		case "retry":
			retry = append(retry, fmt.Errorf("sending %s: %w", ns[i].ID, r.Err))
			attempts = append(attempts, ns[i].ID)
		default: // never tried: the job ended first
			retry = append(retry, fmt.Errorf("sending %s: %w", ns[i].ID, r.Err))
		}
	}
	tx, err := w.q.db.Client.Tx(ctx)
	if err != nil {
		return err
	}
	ctx = transaction.With(ctx, tx) // the hooks of its writes find it
	now := time.Now().UTC()
	queued := stillQueued()
	if len(sent) > 0 {
		ids := make([]pulid.ID, len(sent))
		receipts := make(map[pulid.ID]string, len(sent))
		for j, i := range sent {
			ids[j] = ns[i].ID
			receipts[ns[i].ID] = schematype.Clip(results[i].Receipt.ProviderID, schematype.MaxLineLength)
		}
		// The providers' IDs first, on the rows still queued, which this
		// locks (on PostgreSQL): the update after it moves the very same
		// rows, through ent's policy and hooks, in one statement.
		if err := setProviderIDs(ctx, tx, w.q.db.Dialect, receipts); err != nil {
			return rollback(tx, err)
		}
		err = tx.Notification.Update().Where(notification.IDIn(ids...), queued).
			SetStatus(notification.StatusSent).SetSentAt(now).AddAttempts(1).
			Exec(ctx)
		if err != nil {
			return rollback(tx, fmt.Errorf("marking notifications sent: %w", err))
		}
	}
	for reason, ids := range failed {
		err = tx.Notification.Update().Where(notification.IDIn(ids...), queued).
			SetStatus(notification.StatusFailed).SetReason(reason).
			SetFailedAt(now).AddAttempts(1).
			Exec(ctx)
		if err != nil {
			return rollback(tx, fmt.Errorf("marking notifications failed: %w", err))
		}
	}
	if len(attempts) > 0 {
		if err = tx.Notification.Update().Where(notification.IDIn(attempts...), queued).AddAttempts(1).Exec(ctx); err != nil {
			return rollback(tx, fmt.Errorf("counting attempts: %w", err))
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("recording sends: %w", err)
	}
	return errors.Join(retry...)
}

// setProviderIDs records in tx the provider's ID of each queued
// notification of receipts (by notification ID) in one statement, before
// they are marked SENT: a CASE over their IDs, which ent's updates cannot
// write. IDs that are empty, or that the schema would refuse, are left out:
// refusing the record would send the messages again.
func setProviderIDs(ctx context.Context, tx *ent.Tx, d string, receipts map[pulid.ID]string) error {
	var (
		cases, in []string
		args      []any
	)
	mark := func(v any) string {
		args = append(args, v)
		if d == dialect.SQLite {
			return "?"
		}
		return "$" + strconv.Itoa(len(args))
	}
	var ids []pulid.ID
	for id, receipt := range receipts {
		if receipt != "" && schematype.CheckText(receipt, schematype.MaxLineLength) == nil {
			ids = append(ids, id)
			cases = append(cases, "WHEN "+mark(string(id))+" THEN CAST("+mark(receipt)+" AS TEXT)")
		}
	}
	if len(ids) == 0 {
		return nil
	}
	for _, id := range ids {
		in = append(in, mark(string(id)))
	}
	query := "UPDATE " + notification.Table + " SET " + notification.FieldProviderID + " = CASE " + notification.FieldID + " " +
		strings.Join(cases, " ") + " END WHERE " + notification.FieldID + " IN (" + strings.Join(in, ", ") + ") AND " +
		notification.FieldStatus + " || '' = " + mark(string(notification.StatusQueued)) // see stillQueued
	if _, err := tx.ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("recording the providers' IDs: %w", err)
	}
	return nil
}

// stillQueued is status = QUEUED written so that SQLite's planner keeps to
// the primary key of the IDs beside it rather than walking the status index
// (every queued notification: 30,000 when 10,000 reminders fall due).
func stillQueued() predicate.Notification {
	return func(s *sql.Selector) {
		s.Where(sql.P(func(b *sql.Builder) {
			b.WriteString(s.C(notification.FieldStatus)).WriteString(" || '' = ").Arg(string(notification.StatusQueued))
		}))
	}
}

// rollback rolls tx back and returns err.
func rollback(tx *ent.Tx, err error) error {
	_ = tx.Rollback()
	return err
}

// ReminderArgs is a reminder job, in one of three shapes.
//
// A due job (OrganizationID, DueAt, Lead), which booking schedules for
// DueAt, stands for every appointment of the organisation whose reminder of
// lead Lead falls due at DueAt: its worker finds those still on at a start
// that makes them due then, and queues batch jobs of them (fanOut). The
// arguments are the job's uniqueness, so the appointments booked for the
// same due time and lead share one job.
//
// A batch job (DueAt, Appointments) sends the reminders of up to
// remindBatch appointments, each still on at the start it was queued for:
// what a due job queues, and RemindNow.
//
// A single job (AppointmentID, StartsAt, DueAt) is the one appointment's,
// as booking scheduled them before due jobs; those still queued send as a
// batch of one. A moved appointment no longer has the start such a job
// names, and its job sends nothing.
type ReminderArgs struct {
	AppointmentID pulid.ID  `json:"appointment_id,omitempty"`
	StartsAt      time.Time `json:"starts_at,omitzero"`
	// DueAt is the time the job is scheduled for (to the minute for
	// RemindNow); zero in jobs queued before it was recorded.
	DueAt time.Time `json:"due_at,omitzero"`
	// Appointments are the appointments of a batch job, each with the
	// start it was queued for, as StartsAt.
	Appointments []RemindedAppointment `json:"appointments,omitempty"`
	// OrganizationID is the organisation of a due job, whose appointments
	// it finds; empty in the other shapes.
	OrganizationID pulid.ID `json:"organization_id,omitempty"`
	// Lead is a due job's lead time: its appointments are those whose
	// reminder of this lead (compose.ReminderTimes) falls due at DueAt.
	Lead time.Duration `json:"lead,omitempty"`
}

// RemindedAppointment is one appointment of a ReminderArgs that reminds
// several, and the start it was queued for.
type RemindedAppointment struct {
	ID       pulid.ID  `json:"id"`
	StartsAt time.Time `json:"starts_at"`
}

// reminded lists the job's appointments, its single one included.
func (a ReminderArgs) reminded() []RemindedAppointment {
	if a.AppointmentID == "" {
		return a.Appointments
	}
	return append([]RemindedAppointment{{ID: a.AppointmentID, StartsAt: a.StartsAt}}, a.Appointments...)
}

// Kind implements river.JobArgs.
func (ReminderArgs) Kind() string { return "kith_reminder" }

// InsertOpts keeps one reminder job per set of arguments: one due job per
// organisation, due time and lead, one batch job per list of appointments
// and due time (a due job run twice queues no second batch). The due time
// is in the arguments because River computes a ByPeriod key from the time
// of insertion, not from ScheduledAt: with ByPeriod alone, the jobs of two
// lead times inserted together shared one key, which PostgreSQL refuses in
// one statement ("ON CONFLICT DO UPDATE command cannot affect row a second
// time") and SQLite kept as one job, silently dropping a reminder.
func (ReminderArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type reminderWorker struct {
	river.WorkerDefaults[ReminderArgs]
	q *Queue
}

// Work runs a reminder job. A due job queues the batch jobs of the
// organisation's appointments due at its time (fanOut). A batch or single
// job sends the reminders of its appointments that are still on at the
// start they were queued for, in one transaction with their send jobs: the
// appointments with what their messages need are read together
// (loadAppointments), those already reminded since the job fell due are
// dropped (remindedSince), and the notifications are written together
// (recordAll).
func (w *reminderWorker) Work(ctx context.Context, job *river.Job[ReminderArgs]) error {
	if job.Args.OrganizationID != "" && job.Args.AppointmentID == "" && len(job.Args.Appointments) == 0 {
		return w.q.fanOut(ctx, job.Args)
	}
	ctx = viewer.SystemContext(ctx)
	reminded := job.Args.reminded()
	tx, err := w.q.db.Client.Tx(ctx)
	if err != nil {
		return err
	}
	ctx = transaction.With(ctx, tx) // the hooks of its writes find it
	ids := make([]pulid.ID, len(reminded))
	for i, r := range reminded {
		ids[i] = r.ID
	}
	if err := w.q.lockAppointments(ctx, tx.Client(), ids); err != nil {
		return rollback(tx, err)
	}
	as, err := loadAppointments(ctx, tx.Client(), ids)
	if err != nil {
		return rollback(tx, err)
	}
	byID := make(map[pulid.ID]*ent.Appointment, len(as))
	for _, a := range as {
		byID[a.ID] = a
	}
	if err := remindedSince(ctx, tx.Client(), job.Args.DueAt, byID); err != nil {
		return rollback(tx, err)
	}
	letters := make([]letter, 0, len(reminded))
	for _, r := range reminded {
		a := byID[r.ID]
		if a == nil || // gone
			!a.StartsAt.Truncate(time.Microsecond).Equal(r.StartsAt.Truncate(time.Microsecond)) ||
			(a.Status != appointment.StatusBooked && a.Status != appointment.StatusConfirmed) {
			continue // moved, cancelled or over: nothing to remind
		}
		delete(byID, r.ID) // listed twice, reminded once
		letters = append(letters, letter{kind: schematype.MessageKindReminder, client: a.Edges.Client, appointment: a, practitioner: a.Edges.Practitioner})
	}
	if len(letters) == 0 {
		return rollback(tx, nil)
	}
	if err := w.q.recordAll(ctx, tx.Client(), tx, letters); err != nil {
		return rollback(tx, err)
	}
	return tx.Commit()
}

// lockAppointments locks the rows of appointments ids until the transaction
// of db ends, on PostgreSQL: two reminder jobs of the same appointment (two
// RemindNow of overlapping lists) take turns, and the second finds the
// first's reminders (remindedSince). SQLite's transactions take turns
// already (BEGIN IMMEDIATE).
func (q *Queue) lockAppointments(ctx context.Context, db *ent.Client, ids []pulid.ID) error {
	if q.db.Dialect == dialect.SQLite || len(ids) == 0 {
		return nil
	}
	sorted := slices.Sorted(slices.Values(ids)) // in one order: no deadlock
	marks := make([]string, len(sorted))
	args := make([]any, len(sorted))
	for i, id := range sorted {
		marks[i], args[i] = "$"+strconv.Itoa(i+1), string(id)
	}
	rows, err := db.QueryContext(ctx, "SELECT id FROM "+appointment.Table+" WHERE id IN ("+strings.Join(marks, ", ")+") ORDER BY id FOR UPDATE", args...)
	if err != nil {
		return fmt.Errorf("locking the appointments to remind: %w", err)
	}
	defer rows.Close()
	for rows.Next() { // each row is locked as it is read
	}
	return rows.Err()
}

// remindedSince drops from byID the appointments that have had a reminder
// written since due, the time a reminder job fell due: a job run again
// after its commit (its process stopped before River recorded it done), or
// a second job of the same appointment and time, sends nothing more. A
// zero due (jobs queued before it was recorded) drops nothing.
func remindedSince(ctx context.Context, db *ent.Client, due time.Time, byID map[pulid.ID]*ent.Appointment) error {
	if due.IsZero() || len(byID) == 0 {
		return nil
	}
	ids := slices.Collect(maps.Keys(byID))
	done, err := db.Notification.Query().
		Where(notification.AppointmentIDIn(ids...), notification.KindEQ(schematype.MessageKindReminder), notification.CreatedAtGTE(due.UTC())).
		Select(notification.FieldAppointmentID).Strings(ctx)
	if err != nil {
		return fmt.Errorf("finding reminders already written: %w", err)
	}
	for _, id := range done {
		delete(byID, pulid.ID(id))
	}
	return nil
}

// StatusCallbackURL is where Twilio reports the delivery of an SMS of org:
// the Twilio webhook's status address (inbound.TwilioStatusPath) under
// Config.Links.PortalURL (kith's public address). It is empty for other
// channels, and when no public address is configured.
func (q *Queue) StatusCallbackURL(org *ent.Organization, channel schematype.Channel) string {
	base := strings.TrimRight(q.cfg.Links.PortalURL, "/")
	if channel != schematype.ChannelSMS || base == "" || org == nil {
		return ""
	}
	return base + inbound.TwilioStatusPath(org.Slug)
}
