// Package inbound is what providers tell kith after a message left:
// delivery reports, opt-outs (STOP) and opt-ins, bounces, and SMS replies,
// which answer HELP and confirm appointments through the appointment's own
// status change (its schema hooks decide whether it may); other SMS, and
// Twilio Voice's call progress, go to the communications log (package
// communication). The webhooks of
// notifier/twilio and notifier/sendgrid call a Service; it writes as the
// system, confined to the organisation concerned. It also owns the
// addresses those webhooks are served at.
package inbound

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/communication"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	entcommunication "github.com/kith-health/kith/ent/communication"
	"github.com/kith-health/kith/ent/emailsuppression"
	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/ent/organization"
	"github.com/kith-health/kith/ent/phoneoptout"
	"github.com/kith-health/kith/ent/predicate"
	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// Service acts on what providers report, on one database.
type Service struct{ db *ent.Client }

// New returns the Service of db.
func New(db *ent.Client) *Service { return &Service{db: db} }

// ReasonOptedOutCancel is why a queued SMS is cancelled when its number texts STOP.
const ReasonOptedOutCancel = "the number opted out (STOP)"

// reasonUndelivered is a failure's reason when the provider gave none.
const reasonUndelivered = "the provider could not deliver the message"

// forwardFrom lists, for each status a provider can report, the statuses a
// notification may move to it from: QUEUED < SENT < DELIVERED, and FAILED,
// which wins over SENT but not over DELIVERED. DELIVERED and FAILED are
// final, as are SKIPPED and CANCELLED.
var forwardFrom = map[notification.Status][]notification.Status{
	notification.StatusSent:      {notification.StatusQueued},
	notification.StatusDelivered: {notification.StatusQueued, notification.StatusSent},
	notification.StatusFailed:    {notification.StatusQueued, notification.StatusSent},
}

// ApplyStatus records a provider's report that the message it knows as
// providerID (Twilio's SID) is now status, one of SENT, DELIVERED and
// FAILED, as of at (now when zero); reason says why a message failed. The
// status only moves forward (see forwardFrom), so a late or repeated report
// changes nothing; changed says whether this one did. orgID, when set,
// confines the search to that organisation. An unknown providerID is no error.
func (s *Service) ApplyStatus(ctx context.Context, orgID pulid.ID, providerID string, status notification.Status,
	reason string, at time.Time) (changed bool, err error) {
	if providerID == "" {
		return false, nil
	}
	where := []predicate.Notification{notification.ProviderID(providerID)}
	if orgID != "" {
		where = append(where, notification.OrganizationID(orgID))
	}
	return s.applyStatus(systemIn(ctx, orgID), where, status, reason, at)
}

// ApplyStatusByID is ApplyStatus for the message kith knows as id (the
// kith_message_id SendGrid's events carry).
func (s *Service) ApplyStatusByID(ctx context.Context, id pulid.ID, status notification.Status, reason string, at time.Time) (bool, error) {
	if id == "" {
		return false, nil
	}
	return s.applyStatus(viewer.SystemContext(ctx), []predicate.Notification{notification.ID(id)}, status, reason, at)
}

// applyStatus moves the notifications matching where to status in a single
// conditional UPDATE, so that concurrent or repeated reports cannot move a
// message backwards.
func (s *Service) applyStatus(ctx context.Context, where []predicate.Notification, status notification.Status,
	reason string, at time.Time) (bool, error) {
	from, ok := forwardFrom[status]
	if !ok {
		return false, fmt.Errorf("applying a delivery status: %s is not one a provider reports", status)
	}
	if at.IsZero() {
		at = time.Now()
	}
	at = at.UTC()
	// In a transaction, so that the notification.* events of the rows it
	// moves are written with it.
	n, err := transaction.Run(ctx, s.db, func(ctx context.Context, db *ent.Client) (int, error) {
		u := db.Notification.Update().
			Where(where...).Where(notification.StatusIn(from...)).
			SetStatus(status)
		switch status {
		case notification.StatusSent:
			u.SetSentAt(at)
		case notification.StatusDelivered:
			u.SetDeliveredAt(at)
		case notification.StatusFailed:
			u.SetFailedAt(at).SetReason(schematype.Clip(cmp.Or(strings.TrimSpace(reason), reasonUndelivered), schematype.MaxNoteLength))
		}
		return u.Save(ctx)
	})
	if err != nil {
		return false, fmt.Errorf("applying delivery status %s: %w", status, err)
	}
	return n > 0, nil
}

// MessageOrganization returns the organisation of the message kith knows as
// id, or "" when there is no such message.
func (s *Service) MessageOrganization(ctx context.Context, id pulid.ID) (pulid.ID, error) {
	if id == "" {
		return "", nil
	}
	n, err := s.db.Notification.Query().Where(notification.ID(id)).Only(viewer.SystemContext(ctx))
	switch {
	case ent.IsNotFound(err):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("finding message %s: %w", id, err)
	}
	return n.OrganizationID, nil
}

// OrganizationBySlug returns the ID of the organisation whose slug is slug,
// or an error wrapping kith.ErrNotFound when there is none.
func (s *Service) OrganizationBySlug(ctx context.Context, slug string) (pulid.ID, error) {
	id, err := s.db.Organization.Query().Where(organization.Slug(slug)).OnlyID(viewer.SystemContext(ctx))
	switch {
	case ent.IsNotFound(err):
		return "", fmt.Errorf("organisation %q: %w", slug, kith.ErrNotFound)
	case err != nil:
		return "", fmt.Errorf("finding organisation %q: %w", slug, err)
	}
	return id, nil
}

// OptOut records that phone texted keyword (STOP or a synonym) to the
// organisation: no SMS goes to it until it opts back in. Its SMS still
// waiting to go are cancelled at once. Repeating it changes nothing.
func (s *Service) OptOut(ctx context.Context, orgID pulid.ID, phone, keyword string) error {
	phone = normalizePhone(phone, "")
	if orgID == "" || phone == "" {
		return errors.New("opting out: an organisation and a number are required")
	}
	if schematype.CheckText(phone, 32) != nil {
		return nil // no number kith could have texted: nothing to opt out
	}
	sys := systemIn(ctx, orgID)
	// The opt-out, its sms.opted_out event and the cancellations commit
	// together. A concurrent STOP that recorded the opt-out first fails
	// this one's insert, which on PostgreSQL ends its transaction: the
	// cancellations then run in one of their own.
	_, err := transaction.Run(sys, s.db, func(ctx context.Context, db *ent.Client) (struct{}, error) {
		return struct{}{}, s.optOut(ctx, db, orgID, phone, keyword)
	})
	if ent.IsConstraintError(err) && transaction.From(ctx) == nil {
		_, err = transaction.Run(sys, s.db, func(ctx context.Context, db *ent.Client) (struct{}, error) {
			return struct{}{}, cancelQueuedSMS(ctx, db, orgID, phone)
		})
	}
	return err
}

// optOut records phone's opt-out, or its new keyword, and cancels its
// queued SMS, through db.
func (s *Service) optOut(ctx context.Context, db *ent.Client, orgID pulid.ID, phone, keyword string) error {
	existing, err := db.PhoneOptOut.Query().Where(phoneoptout.OrganizationID(orgID), phoneoptout.Phone(phone)).Only(ctx)
	switch {
	case ent.IsNotFound(err):
		err = db.PhoneOptOut.Create().SetOrganizationID(orgID).SetPhone(phone).SetKeyword(keyword).Exec(ctx)
		if ent.IsConstraintError(err) {
			return err // a concurrent STOP recorded it first
		}
	case err == nil && existing.Keyword != keyword:
		err = existing.Update().SetKeyword(keyword).Exec(ctx)
	}
	if err != nil {
		return fmt.Errorf("recording the opt-out of a number: %w", err)
	}
	return cancelQueuedSMS(ctx, db, orgID, phone)
}

// cancelQueuedSMS cancels the organisation's SMS still queued for phone.
func cancelQueuedSMS(ctx context.Context, db *ent.Client, orgID pulid.ID, phone string) error {
	err := db.Notification.Update().
		Where(notification.OrganizationID(orgID), notification.ChannelEQ(schematype.ChannelSMS),
			notification.Address(phone), notification.StatusEQ(notification.StatusQueued)).
		SetStatus(notification.StatusCancelled).SetReason(ReasonOptedOutCancel).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("cancelling the SMS queued for a number: %w", err)
	}
	return nil
}

// OptIn lifts phone's opt-out in the organisation (it texted START): SMS
// goes to it again from the next message on. Messages skipped meanwhile stay
// skipped.
func (s *Service) OptIn(ctx context.Context, orgID pulid.ID, phone string) error {
	phone = normalizePhone(phone, "")
	if orgID == "" || phone == "" {
		return errors.New("opting in: an organisation and a number are required")
	}
	// In a transaction, so that its sms.opted_in event is written with it.
	_, err := transaction.Run(systemIn(ctx, orgID), s.db, func(ctx context.Context, db *ent.Client) (int, error) {
		return db.PhoneOptOut.Delete().
			Where(phoneoptout.OrganizationID(orgID), phoneoptout.Phone(phone)).
			Exec(ctx)
	})
	if err != nil {
		return fmt.Errorf("lifting the opt-out of a number: %w", err)
	}
	return nil
}

// OptedOut reports whether phone has opted out of the organisation's SMS.
func (s *Service) OptedOut(ctx context.Context, orgID pulid.ID, phone string) (bool, error) {
	ok, err := s.db.PhoneOptOut.Query().
		Where(phoneoptout.OrganizationID(orgID), phoneoptout.Phone(normalizePhone(phone, ""))).
		Exist(systemIn(ctx, orgID))
	if err != nil {
		return false, fmt.Errorf("reading the opt-out of a number: %w", err)
	}
	return ok, nil
}

// Suppress records that email to address no longer goes out in the
// organisation (it bounced, or its owner reported spam), with the reason.
// The address is compared case-insensitively. Repeating it with the same
// reason changes nothing.
func (s *Service) Suppress(ctx context.Context, orgID pulid.ID, email, reason string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	if orgID == "" || email == "" {
		return errors.New("suppressing an address: an organisation and an address are required")
	}
	if schematype.CheckText(email, 254) != nil {
		return nil // no address kith could have sent to: nothing to suppress
	}
	reason = schematype.Clip(cmp.Or(strings.TrimSpace(reason), "undeliverable"), schematype.MaxNoteLength)
	sys := systemIn(ctx, orgID)
	db := s.db
	existing, err := db.EmailSuppression.Query().
		Where(emailsuppression.OrganizationID(orgID), emailsuppression.Email(email)).Only(sys)
	switch {
	case ent.IsNotFound(err):
		err = db.EmailSuppression.Create().SetOrganizationID(orgID).SetEmail(email).SetReason(reason).Exec(sys)
		if ent.IsConstraintError(err) {
			err = nil // a concurrent event recorded it first
		}
	case err == nil && existing.Reason != reason:
		err = existing.Update().SetReason(reason).Exec(sys)
	}
	if err != nil {
		return fmt.Errorf("suppressing an address: %w", err)
	}
	return nil
}

// Keywords of SMS replies (the whole message, trimmed, in any case, trailing
// full stops and exclamation marks ignored).
var (
	// stopWords opt a number out: Twilio's opt-out keywords, on which
	// Twilio blocks the number itself and answers.
	stopWords = []string{"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}
	// startWords opt it back in; YES does too, but only for a number that
	// has opted out (otherwise it confirms).
	startWords = []string{"START", "UNSTOP"}
	// helpWords ask who is texting.
	helpWords = []string{"HELP", "INFO"}
	// confirmWords confirm the appointment a reminder was about.
	confirmWords = []string{"C", "YES", "CONFIRM"}
	// confirmOne confirms one of several appointments: C1, C2…
	confirmOne = regexp.MustCompile(`^C\s*([1-9][0-9]?)$`)
)

// HandleInboundSMS acts on an SMS that from sent to the organisation and
// returns the text to answer with, "" for none:
//   - STOP, STOPALL, UNSUBSCRIBE, CANCEL, END and QUIT opt the number out
//     at once and cancel its queued SMS (OptOut); no answer, as Twilio
//     answers them itself.
//   - START, UNSTOP, and YES from a number that opted out, opt it back in
//     (OptIn); no answer, as Twilio answers them itself.
//   - HELP and INFO answer with the organisation's sms_help_reply, or a
//     sentence with its name and phone.
//   - C, YES and CONFIRM confirm the appointment the number's reminder was
//     about: among the appointments still BOOKED and ahead of which an SMS
//     reminder went to this number, the only one is confirmed; when there
//     are several (a parent of two children) the answer lists them and asks
//     for C1, C2…, which confirm that one. With none, it says so.
//   - Anything else gets no answer: people write to the practice's number as
//     to a person, and kith does not pretend to be one. It is recorded in
//     the communications log as an INBOUND SMS (RecordSMS), matched by its
//     number, once however often Twilio posts it.
func (s *Service) HandleInboundSMS(ctx context.Context, orgID pulid.ID, sms SMS) (string, error) {
	from, body := sms.From, sms.Body
	sys := systemIn(ctx, orgID)
	org, err := s.db.Organization.Get(sys, orgID)
	if err != nil {
		return "", fmt.Errorf("reading organisation %s: %w", orgID, err)
	}
	phone := normalizePhone(from, org.DefaultPhoneRegion)
	if phone == "" {
		return "", nil
	}
	word := strings.TrimRight(strings.ToUpper(strings.TrimSpace(body)), ".! ")
	switch {
	case slices.Contains(stopWords, word):
		return "", s.OptOut(ctx, orgID, phone, word)
	case slices.Contains(startWords, word):
		return "", s.OptIn(ctx, orgID, phone)
	case word == "YES":
		out, err := s.OptedOut(ctx, orgID, phone)
		if err != nil {
			return "", err
		}
		if out {
			return "", s.OptIn(ctx, orgID, phone)
		}
		return s.confirmReply(sys, org, phone, 0)
	case slices.Contains(helpWords, word):
		return helpReply(org), nil
	case slices.Contains(confirmWords, word):
		return s.confirmReply(sys, org, phone, 0)
	}
	if m := confirmOne.FindStringSubmatch(word); m != nil {
		n, _ := strconv.Atoi(m[1])
		return s.confirmReply(sys, org, phone, n)
	}
	sms.From = phone
	return "", s.RecordSMS(ctx, orgID, sms)
}

// SMS is an SMS sent to the organisation's number, as Twilio posts it.
type SMS struct {
	// SID is Twilio's MessageSid: the same SMS posted twice is recorded once.
	SID string
	// From and To are its numbers; Body its text.
	From, To, Body string
}

// smsTitleLength is how much of an SMS's text its title holds, in characters.
const smsTitleLength = 60

// RecordSMS records sms in the organisation's communications log: an
// INBOUND SMS (source TWILIO_SMS, provider ID its SID), titled with the
// start of its text, concerning whom its numbers match. The same SID
// twice records it once.
func (s *Service) RecordSMS(ctx context.Context, orgID pulid.ID, sms SMS) error {
	in := communication.Input{
		OrganizationID: orgID, Kind: entcommunication.KindSMS, Direction: entcommunication.DirectionInbound,
		Source: entcommunication.SourceTwilioSMS, ProviderID: strings.TrimSpace(sms.SID),
		From: sms.From, Text: sms.Body, Title: schematype.ClipLine(sms.Body, smsTitleLength),
	}
	if to := strings.TrimSpace(sms.To); to != "" {
		in.To = []string{to}
	}
	if _, _, err := communication.Record(ctx, s.db, in); err != nil {
		return fmt.Errorf("recording SMS %s: %w", sms.SID, err)
	}
	return nil
}

// CallProgress records a Twilio Voice status callback in the
// organisation's communications log (communication.CallProgress).
func (s *Service) CallProgress(ctx context.Context, orgID pulid.ID, p communication.Progress) (bool, error) {
	return communication.CallProgress(ctx, s.db, orgID, p)
}

// helpReply is the answer to HELP.
func helpReply(org *ent.Organization) string {
	if s := strings.TrimSpace(org.SmsHelpReply); s != "" {
		return s
	}
	s := org.Name + " sends appointment messages to this number."
	if org.Phone != "" {
		s += " For help, call " + org.Phone + "."
	}
	return s + " Reply STOP to stop receiving them."
}

// confirmReply confirms the pending appointment of phone, the choice-th
// (from 1) when the number has several, and says what it did. choice 0
// means "the only one".
func (s *Service) confirmReply(ctx context.Context, org *ent.Organization, phone string, choice int) (string, error) {
	pending, err := s.pendingReminders(ctx, org.ID, phone)
	if err != nil {
		return "", err
	}
	switch {
	case len(pending) == 0:
		return "Thanks for your reply. There is no appointment waiting for confirmation from this number.", nil
	case choice == 0 && len(pending) == 1:
		choice = 1
	case choice == 0 || choice > len(pending):
		return askWhich(pending), nil
	}
	a := pending[choice-1]
	// The appointment's own status change, as staff's confirmAppointment
	// makes it: its schema hooks refuse one no longer booked, and the
	// update applies only while it is still BOOKED, so a cancellation
	// committed since the read above is never overwritten (NotFound).
	_, err = transaction.Run(ctx, s.db, func(ctx context.Context, db *ent.Client) (*ent.Appointment, error) {
		return db.Appointment.UpdateOneID(a.ID).Where(appointment.StatusEQ(appointment.StatusBooked)).
			SetStatus(appointment.StatusConfirmed).Save(ctx)
	})
	var invalid *kith.ValidationError
	switch {
	case ent.IsNotFound(err) || errors.As(err, &invalid):
		// Confirmed, cancelled or moved in the meantime.
		return "Thanks for your reply. That appointment can no longer be confirmed by text; please contact " + org.Name + ".", nil
	case err != nil:
		return "", fmt.Errorf("confirming appointment %s: %w", a.ID, err)
	}
	return fmt.Sprintf("Thanks, %s's appointment on %s is confirmed.", clientFirstName(a.Edges.Client), when(a)), nil
}

// askWhich lists pending appointments for the sender to pick one.
func askWhich(pending []*ent.Appointment) string {
	parts := make([]string, len(pending))
	for i, a := range pending {
		parts[i] = fmt.Sprintf("C%d for %s on %s", i+1, clientFirstName(a.Edges.Client), when(a))
	}
	return "Which appointment are you confirming? Reply " + strings.Join(parts, ", ") + "."
}

// pendingReminders returns the appointments of the organisation an SMS
// reminder went to phone about (sent or delivered) that are still BOOKED
// and ahead, each once, soonest first, with their clients.
func (s *Service) pendingReminders(ctx context.Context, orgID pulid.ID, phone string) ([]*ent.Appointment, error) {
	notes, err := s.db.Notification.Query().
		Where(
			notification.OrganizationID(orgID),
			notification.KindEQ(schematype.MessageKindReminder),
			notification.ChannelEQ(schematype.ChannelSMS),
			notification.Address(phone),
			notification.StatusIn(notification.StatusSent, notification.StatusDelivered),
			notification.HasAppointmentWith(
				appointment.StatusEQ(appointment.StatusBooked),
				appointment.StartsAtGT(time.Now()),
			),
		).
		WithAppointment(func(aq *ent.AppointmentQuery) { aq.WithClient() }).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("finding the reminders sent to a number: %w", err)
	}
	var out []*ent.Appointment
	for _, n := range notes {
		a := n.Edges.Appointment
		if a == nil || a.Edges.Client == nil || slices.ContainsFunc(out, func(b *ent.Appointment) bool { return b.ID == a.ID }) {
			continue
		}
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b *ent.Appointment) int {
		if c := a.StartsAt.Compare(b.StartsAt); c != 0 {
			return c
		}
		return strings.Compare(string(a.ID), string(b.ID))
	})
	return out, nil
}

// clientFirstName is the name the client goes by.
func clientFirstName(c *ent.ClientProfile) string {
	return cmp.Or(strings.TrimSpace(c.PreferredName), c.FirstName)
}

// when is an appointment's start in its time zone, e.g.
// "Tuesday, March 3, 2026 at 2:00 PM".
func when(a *ent.Appointment) string {
	loc := schematype.Location(a.TimeZone)
	return compose.FormatDate(a.StartsAt, loc, "en") + " at " + compose.FormatTime(a.StartsAt, loc, "en")
}

// TwilioStatusPath is the path of the Twilio status callback of the
// organisation whose slug is slug; the inbound SMS webhook is
// TwilioInboundPath.
func TwilioStatusPath(slug string) string {
	return "/webhooks/twilio/" + url.PathEscape(slug) + "/status"
}

// TwilioInboundPath is the path Twilio posts the organisation's incoming SMS to.
func TwilioInboundPath(slug string) string {
	return "/webhooks/twilio/" + url.PathEscape(slug) + "/inbound"
}

// normalizePhone returns raw in E.164, read in region when it has no
// country code; a number phonenumbers cannot read (a short code, say) is
// kept with its spaces and punctuation dropped.
func normalizePhone(raw, region string) string {
	if e164, err := schematype.NormalizePhone(raw, region); err == nil {
		return e164
	}
	return compose.PhoneKey(strings.TrimSpace(raw))
}

// systemIn is ctx acting as the system, confined to orgID when it is set.
func systemIn(ctx context.Context, orgID pulid.ID) context.Context {
	return viewer.NewContext(ctx, viewer.System{OrgID: orgID})
}

// TwilioVoicePath is the path of the organisation's Twilio Voice status
// callback, to set as its number's or TwiML app's Status Callback URL.
func TwilioVoicePath(slug string) string {
	return "/webhooks/twilio/" + url.PathEscape(slug) + "/voice"
}
