package notifier

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/riverqueue/river"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/ent/clientprofile"
	"github.com/kith-health/kith/ent/effect"
	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/ent/rule"
	"github.com/kith-health/kith/link"
	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// cancelReminders cancels the reminders of a that still wait (an SMS held
// for the morning, say): they would give the old time, or remind of an
// appointment that is off.
func cancelReminders(ctx context.Context, db *ent.Client, a *ent.Appointment, because schematype.MessageKind) error {
	reason := "the appointment moved"
	if because != schematype.MessageKindReschedule {
		reason = "the appointment is off"
	}
	err := db.Notification.Update().
		Where(notification.AppointmentID(a.ID), notification.KindEQ(schematype.MessageKindReminder), notification.StatusEQ(notification.StatusQueued)).
		SetStatus(notification.StatusCancelled).SetReason(reason).
		Exec(systemIn(ctx, a.OrganizationID))
	if err != nil {
		return fmt.Errorf("cancelling reminders: %w", err)
	}
	return nil
}

// newNotification is the Notification of delivery d of a kind message to
// client c, as shown, due at due: to its recipient (and contact), SKIPPED
// with its reason when d is skipped, QUEUED otherwise.
func newNotification(db *ent.Client, c *ent.ClientProfile, kind schematype.MessageKind, d compose.Delivery, shown compose.Rendered, due time.Time) *ent.NotificationCreate {
	create := db.Notification.Create().
		SetClientID(c.ID).SetRecipientName(d.Recipient.Name).
		SetKind(kind).SetChannel(d.Channel).SetAddress(d.Address).
		SetSubject(shown.Subject).SetHTML(shown.HTML).SetText(shown.Text).
		SetSendAfter(due)
	if d.Recipient.Contact != nil {
		create.SetContactID(d.Recipient.Contact.ID)
	}
	if d.Skipped {
		create.SetStatus(notification.StatusSkipped).SetReason(d.Reason)
	}
	return create
}

// loadAppointment reads an appointment with what its messages need: the
// client, its organisation, links and contacts, the practitioner and the
// location it is held at.
func loadAppointment(ctx context.Context, db *ent.Client, id pulid.ID) (*ent.Appointment, error) {
	return appointmentsWithAudience(db).Where(appointment.ID(id)).Only(ctx)
}

// loadAppointments is loadAppointment for several appointments, in one
// query for each of those records however many appointments there are;
// those that do not exist are left out.
func loadAppointments(ctx context.Context, db *ent.Client, ids []pulid.ID) ([]*ent.Appointment, error) {
	as, err := appointmentsWithAudience(db).Where(appointment.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the appointments to remind: %w", err)
	}
	return as, nil
}

// appointmentsWithAudience queries appointments with what their messages
// need (see loadAppointment).
func appointmentsWithAudience(db *ent.Client) *ent.AppointmentQuery {
	return db.Appointment.Query().
		WithClient(withAudience).
		WithPractitioner().
		WithPracticeLocation()
}

// withAudienceOf is a copy of a, as written, with the edges
// loadAppointment loads: a is not read again. The copy, not a, gets them:
// a goes back to the writer, whose own viewer reads its edges.
func withAudienceOf(ctx context.Context, db *ent.Client, a *ent.Appointment) (*ent.Appointment, error) {
	cq := db.ClientProfile.Query().Where(clientprofile.ID(a.ClientID))
	withAudience(cq)
	c, err := cq.Only(ctx)
	if err != nil {
		return nil, err
	}
	p, err := db.Staff.Get(ctx, a.PractitionerID)
	if err != nil {
		return nil, err
	}
	loaded := *a
	loaded.Edges.Client, loaded.Edges.Practitioner = c, p
	if a.PracticeLocationID != "" {
		if loaded.Edges.PracticeLocation, err = db.Location.Get(ctx, a.PracticeLocationID); err != nil {
			return nil, err
		}
	}
	return &loaded, nil
}

// withAudience makes a client query load what messages about the client
// need: its organisation, and its links with their contacts in order.
func withAudience(q *ent.ClientProfileQuery) {
	q.WithOrganization().WithContactLinks(func(l *ent.ClientContactQuery) {
		l.WithContact().Order(clientcontact.ByCreatedAt(), clientcontact.ByID())
	})
}

// notifyAbout writes one Notification per recipient and channel of kind
// about a, read with loadAppointment or withAudienceOf (skipped ones with
// their reason) through db, and a job to send the others, one per channel
// and due time (see insert).
func (q *Queue) notifyAbout(ctx context.Context, db *ent.Client, etx *ent.Tx, kind schematype.MessageKind, a *ent.Appointment) error {
	return q.record(ctx, db, etx, letter{kind: kind, client: a.Edges.Client, appointment: a, practitioner: a.Edges.Practitioner})
}

// letter is a message to every recipient of a client who follows its kind.
type letter struct {
	kind schematype.MessageKind
	// client has its organisation, links and contacts loaded (withAudience).
	client *ent.ClientProfile
	// appointment is what the message is about; nil for one about the client.
	appointment  *ent.Appointment
	practitioner *ent.Staff
	// scheduled is the staff's own message, for KindScheduled: its body
	// fills [Message] and its subject, if any, replaces the template's.
	scheduled *ent.ScheduledMessage
}

// render fills t for one recipient whose placeholder values are v.
func (l letter) render(t compose.Template, v compose.Values) compose.Rendered {
	if s := l.scheduled; s != nil {
		v["Message"] = compose.Render(s.Body, v)
		if s.Subject != "" {
			t.Subject = s.Subject
		}
	}
	return t.Render(v)
}

// record writes one Notification per recipient and channel of l (skipped
// ones with their reason) through db, and the jobs that send the others
// (see recordAll).
func (q *Queue) record(ctx context.Context, db *ent.Client, etx *ent.Tx, l letter) error {
	return q.recordAll(ctx, db, etx, []letter{l})
}

// recordAll writes one Notification per recipient and channel of each of
// letters (skipped ones with their reason) through db, and the jobs that
// send the others, one per channel and due time (see insert and sendJobs),
// all in etx. SMS waits for the end of the organisation's quiet hours in
// the client's time zone. Each organisation's letters take a few
// statements together, however many there are: one for the preferences
// of each channel, one for the organisation's templates of each kind and
// one insert of all their notifications.
func (q *Queue) recordAll(ctx context.Context, db *ent.Client, etx *ent.Tx, letters []letter) error {
	now := time.Now().UTC()
	var (
		ns   []*ent.Notification
		dues []time.Time
	)
	for _, group := range byOrganization(letters) {
		gns, gdues, err := q.write(ctx, db, group, now)
		if err != nil {
			return err
		}
		ns, dues = append(ns, gns...), append(dues, gdues...)
	}
	return q.insert(ctx, etx, sendJobs(ns, dues, now, q.sendJobSize)...)
}

// byOrganization splits letters by their client's organisation, in the
// order each first appears.
func byOrganization(letters []letter) [][]letter {
	if len(letters) == 1 {
		return [][]letter{letters}
	}
	var groups [][]letter
	at := map[pulid.ID]int{}
	for _, l := range letters {
		i, ok := at[l.client.OrganizationID]
		if !ok {
			i, at[l.client.OrganizationID] = len(groups), len(groups)
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], l)
	}
	return groups
}

// write writes the notifications of letters, whose clients are of one
// organisation, and returns them with the time each is due.
func (q *Queue) write(ctx context.Context, db *ent.Client, letters []letter, now time.Time) ([]*ent.Notification, []time.Time, error) {
	first := letters[0].client
	org := first.Edges.Organization
	// Notifications are kith's own records: written as the system, confined
	// to the client's organisation.
	var known []pulid.ID
	clients := make([]*ent.ClientProfile, 0, len(letters))
	for _, l := range letters {
		known = append(known, l.sameOrganization()...)
		clients = append(clients, l.client)
	}
	sys := rule.WithEdgeMemo(systemIn(ctx, first.OrganizationID), known...)
	prefs, err := loadPreferencesOf(sys, db, first.OrganizationID, clients)
	if err != nil {
		return nil, nil, err
	}
	type wording struct {
		kind     schematype.MessageKind
		channel  schematype.Channel
		language string
	}
	var (
		customs   = map[schematype.MessageKind][]compose.Template{} // the organisation's wording of each kind on every channel: one read
		templates = map[wording]compose.Template{}
		creates   []*ent.NotificationCreate
		dues      []time.Time
	)
	for _, l := range letters {
		c := l.client
		plan := compose.Plan(l.kind, link.Recipients(c, c.Edges.ContactLinks), prefs[c.ID])
		if _, ok := customs[l.kind]; !ok && len(plan) > 0 {
			if customs[l.kind], err = custom(sys, db, l.kind); err != nil {
				return nil, nil, err
			}
		}
		for _, d := range plan {
			w := wording{l.kind, d.Channel, c.Language}
			t, ok := templates[w]
			if !ok {
				t, _ = effective(customs[l.kind], org, l.kind, d.Channel, c.Language)
				templates[w] = t
			}
			occasion := compose.Occasion{Org: org, Client: c, Appointment: l.appointment, Practitioner: l.practitioner, Recipient: d.Recipient}
			r := l.render(t, occasion.Values(t.Language, q.cfg.Links))
			due := now
			if d.Channel == schematype.ChannelSMS {
				due = q.quietHours(org).Next(now, schematype.Location(c.TimeZone)).UTC()
			}
			create := newNotification(db, c, l.kind, d, r, due)
			if l.appointment != nil {
				create.SetAppointmentID(l.appointment.ID)
			}
			if l.scheduled != nil {
				create.SetScheduledMessageID(l.scheduled.ID)
			}
			creates = append(creates, create)
			dues = append(dues, due)
		}
	}
	if len(creates) == 0 {
		return nil, nil, nil
	}
	ns, err := db.Notification.CreateBulk(creates...).Save(sys)
	if err != nil {
		return nil, nil, fmt.Errorf("recording notifications: %w", err)
	}
	return ns, dues, nil
}

// sameOrganization lists the records l was read with that belong to its
// client's organisation, which its notifications may point to without
// reading them again.
func (l letter) sameOrganization() []pulid.ID {
	c := l.client
	ids := []pulid.ID{c.ID}
	if a := l.appointment; a != nil && a.OrganizationID == c.OrganizationID {
		ids = append(ids, a.ID)
	}
	if s := l.scheduled; s != nil && s.OrganizationID == c.OrganizationID {
		ids = append(ids, s.ID)
	}
	for _, link := range c.Edges.ContactLinks {
		if ct := link.Edges.Contact; ct != nil && ct.OrganizationID == c.OrganizationID {
			ids = append(ids, ct.ID)
		}
	}
	return ids
}

// sendJobs makes one send job for the queued notifications of ns that share
// a channel and due time (dues[i] is ns[i]'s), of at most size(channel)
// notifications each, scheduled for that time when it is after now, or
// available at once.
func sendJobs(ns []*ent.Notification, dues []time.Time, now time.Time, size func(schematype.Channel) int) []river.InsertManyParams {
	type batch struct {
		channel schematype.Channel
		due     int64 // Unix microseconds
	}
	var (
		jobs []river.InsertManyParams
		at   = map[batch]int{} // index in jobs of the batch's last job
	)
	for i, n := range ns {
		if n.Status != notification.StatusQueued {
			continue
		}
		b := batch{n.Channel, dues[i].UnixMicro()}
		j, ok := at[b]
		if !ok || len(jobs[j].Args.(SendArgs).NotificationIDs) >= size(n.Channel) {
			j, at[b] = len(jobs), len(jobs)
			jobs = append(jobs, river.InsertManyParams{Args: SendArgs{}})
			if dues[i].After(now) { // a scheduled job waits for River's scheduler
				jobs[j].InsertOpts = &river.InsertOpts{ScheduledAt: dues[i]}
			}
		}
		args := jobs[j].Args.(SendArgs)
		args.NotificationIDs = append(args.NotificationIDs, n.ID)
		jobs[j].Args = args
	}
	return jobs
}

// maxSendJob is how many notifications one send job takes at most.
const maxSendJob = 100

// sendJobSize is how many notifications of channel one send job takes: at
// most maxSendJob, and no more than the channel's rate cap lets go in half
// the job timeout.
func (q *Queue) sendJobSize(channel schematype.Channel) int {
	perSecond := q.cfg.Rates[channel]
	if perSecond <= 0 {
		return maxSendJob
	}
	return max(1, min(maxSendJob, int(perSecond*q.cfg.JobTimeout.Seconds()/2)))
}

// scheduleReminders schedules, per lead time of the organisation whose
// reminder of a is still ahead, the organisation's due job of that lead
// and due time (see ReminderArgs), in etx, the transaction of the booking:
// the appointments of the organisation due at the same time with the same
// lead share one job, which River keeps unique by its arguments, and which
// finds them when it runs. Due times are kept to the microsecond, as
// appointments' starts are stored. A moved or cancelled appointment needs
// no cleaning up: a due job finds the appointments on at a start due then.
// a has its client and the client's organisation loaded, whose lead times
// apply.
func (q *Queue) scheduleReminders(ctx context.Context, etx *ent.Tx, a *ent.Appointment) error {
	var jobs []river.InsertManyParams
	org := a.Edges.Client.Edges.Organization
	loc := schematype.Location(a.TimeZone)
	now := time.Now()
	var seen []time.Duration
	for _, lead := range q.leads(org) {
		if slices.Contains(seen, lead) {
			continue // one job per lead
		}
		seen = append(seen, lead)
		for _, due := range compose.ReminderTimes(a.StartsAt, loc, []time.Duration{lead}) {
			if due.Before(now) {
				continue
			}
			due = due.UTC().Truncate(time.Microsecond)
			jobs = append(jobs, river.InsertManyParams{
				Args:       ReminderArgs{OrganizationID: a.OrganizationID, DueAt: due, Lead: lead},
				InsertOpts: &river.InsertOpts{ScheduledAt: due},
			})
		}
	}
	return q.insert(ctx, etx, jobs...)
}

// InsertTx adds jobs to the queue's job client in etx, the transaction of
// the change that causes them, so that they exist exactly when it does: the
// way work beside messages (Config.Jobs, such as webhook deliveries) queues
// its jobs. Without a transaction it fails with effect.ErrNoTransaction.
func (q *Queue) InsertTx(ctx context.Context, etx *ent.Tx, jobs ...river.InsertManyParams) error {
	return q.insert(ctx, etx, jobs...)
}

// insert adds jobs in etx, the transaction of the change that causes them,
// so that they exist exactly when it does. Without a transaction it fails
// with effect.ErrNoTransaction.
func (q *Queue) insert(ctx context.Context, etx *ent.Tx, jobs ...river.InsertManyParams) error {
	if len(jobs) == 0 {
		return nil
	}
	tx, ok := database.SQLTx(etx)
	if !ok {
		return effect.ErrNoTransaction
	}
	if _, err := q.river.InsertManyTx(ctx, tx, jobs); err != nil {
		return fmt.Errorf("queueing messages: %w", err)
	}
	return nil
}

// quietHours are the organisation's hours without SMS, unless the queue
// sends at any hour.
func (q *Queue) quietHours(org *ent.Organization) compose.QuietHours {
	if q.cfg.NoQuietHours {
		return compose.QuietHours{}
	}
	start, err1 := time.Parse("15:04", org.QuietHoursStart)
	end, err2 := time.Parse("15:04", org.QuietHoursEnd)
	if err1 != nil || err2 != nil {
		return compose.DefaultQuietHours
	}
	midnight := time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)
	return compose.QuietHours{Start: start.Sub(midnight), End: end.Sub(midnight)}
}

// leads are the organisation's reminder lead times, or the queue's default.
func (q *Queue) leads(org *ent.Organization) []time.Duration {
	if len(org.ReminderLeadMinutes) == 0 {
		return q.cfg.Leads
	}
	leads := make([]time.Duration, len(org.ReminderLeadMinutes))
	for i, m := range org.ReminderLeadMinutes {
		leads[i] = time.Duration(m) * time.Minute
	}
	return leads
}

// remindBatch is how many appointments one RemindNow job reminds at most.
const remindBatch = 100

// RemindNow queues the reminders of the given appointments to go now, as
// when they fall due: for a staff member's "remind now", or appointments
// that existed before reminders were scheduled for them. Each still goes
// only if its appointment is on; asking again within the same minute adds
// nothing. One job reminds up to remindBatch appointments together.
func (q *Queue) RemindNow(ctx context.Context, appointmentIDs ...pulid.ID) error {
	as, err := q.db.Client.Appointment.Query().
		Where(appointment.IDIn(appointmentIDs...)).
		Select(appointment.FieldID, appointment.FieldStartsAt).
		Order(appointment.ByID()). // the same jobs when asked again
		All(viewer.SystemContext(ctx))
	if err != nil {
		return fmt.Errorf("finding appointments to remind: %w", err)
	}
	now := time.Now().UTC().Truncate(time.Minute)
	var jobs []river.InsertManyParams
	for chunk := range slices.Chunk(as, remindBatch) {
		args := ReminderArgs{DueAt: now, Appointments: make([]RemindedAppointment, len(chunk))}
		for i, a := range chunk {
			args.Appointments[i] = RemindedAppointment{ID: a.ID, StartsAt: a.StartsAt.UTC()}
		}
		jobs = append(jobs, river.InsertManyParams{Args: args})
	}
	if len(jobs) == 0 {
		return nil
	}
	if etx := transaction.From(ctx); etx != nil { // with the change that asks for them
		return q.insert(ctx, etx, jobs...)
	}
	if _, err := q.river.InsertMany(ctx, jobs); err != nil { // one write: nothing else to commit with
		return fmt.Errorf("queueing reminders: %w", err)
	}
	return nil
}
