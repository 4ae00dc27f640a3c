package communication

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/communication"
	"github.com/kith-health/kith/ent/communicationparty"
	"github.com/kith-health/kith/ent/organization"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// Progress is one of Twilio Voice's status callbacks on a call.
type Progress struct {
	// CallSID is Twilio's CallSid, the call's provider ID. Required.
	CallSID string
	// ParentCallSID is Twilio's ParentCallSid: set on a leg <Dial> made
	// (the call forwarded to a staff member's phone).
	ParentCallSID string
	// Status is Twilio's CallStatus: queued, initiated, ringing,
	// in-progress, completed, busy, no-answer, canceled or failed.
	Status string
	// Direction is Twilio's Direction: inbound, outbound-api or outbound-dial.
	Direction string
	// From and To are the call's numbers, as Twilio sent them.
	From, To string
	// DurationSeconds is Twilio's CallDuration, on a final status; nil when absent.
	DurationSeconds *int
	// At is when the status was reached (Twilio's Timestamp); default now.
	At time.Time
	// RecordingURL is Twilio's RecordingUrl, when the call was recorded.
	RecordingURL string
}

// maxSID is the longest call SID kith takes (Twilio's are 34 characters).
const maxSID = 64

// callRanks orders Twilio's call statuses: a callback whose status ranks
// no higher than the one recorded changes nothing (a late "ringing" after
// "completed"). The final ones share the highest rank.
var callRanks = map[string]int{
	"queued": 1, "initiated": 2, "ringing": 3, "in-progress": 4,
	"completed": 5, "busy": 5, "no-answer": 5, "canceled": 5, "failed": 5,
}

// outcomes are how the final statuses went.
var outcomes = map[string]communication.Outcome{
	"completed": communication.OutcomeAnswered,
	"busy":      communication.OutcomeBusy,
	"no-answer": communication.OutcomeNoAnswer,
	"failed":    communication.OutcomeFailed,
	"canceled":  communication.OutcomeCancelled,
}

// lowerThan are the statuses (the empty one included) ranking below rank.
func lowerThan(rank int) []string {
	out := []string{""}
	for s, r := range callRanks {
		if r < rank {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// CallProgress records p, a Twilio Voice status callback, as kith in
// organisation orgID, in one transaction. The first callback of a call
// records it (Record: kind CALL, source TWILIO_VOICE, provider ID its
// CallSid, INBOUND for Twilio's inbound direction and OUTBOUND otherwise,
// status OPEN even when it already says completed, matched by its
// numbers); later ones move it forward: answered on in-progress; ended,
// with its duration and outcome, on a final status; its recording's
// address. A status that ranks no higher than the one recorded (a repeated
// or late callback) changes nothing, also when two arrive at once; a call
// staff already closed still gets the provider's end and duration. A leg
// of a call kith has recorded (ParentCallSID, the call forwarded to a
// staff phone) adds the people its numbers match to that call, and is not
// recorded on its own. An unknown status, or a SID longer than Twilio's,
// is ignored. changed says whether
// anything was written.
func CallProgress(ctx context.Context, db *ent.Client, orgID pulid.ID, p Progress) (changed bool, err error) {
	if orgID == "" || strings.TrimSpace(p.CallSID) == "" {
		return false, errors.New("recording a call's progress: an organisation and a call SID are required")
	}
	p.Status = strings.ToLower(strings.TrimSpace(p.Status))
	if _, ok := callRanks[p.Status]; !ok || len(p.CallSID) > maxSID || len(p.ParentCallSID) > maxSID {
		return false, nil // no status, or no SID, Twilio sends
	}
	if p.At.IsZero() {
		p.At = time.Now()
	}
	p.At = p.At.UTC()
	sys := viewer.NewContext(ctx, viewer.System{OrgID: orgID})
	changed, err = transaction.Run(sys, db, func(ctx context.Context, db *ent.Client) (bool, error) {
		return progress(ctx, db, orgID, p)
	})
	if ent.IsConstraintError(err) && transaction.From(ctx) == nil {
		// Two first callbacks at once: the other recorded the call; move it on.
		changed, err = transaction.Run(sys, db, func(ctx context.Context, db *ent.Client) (bool, error) {
			return progress(ctx, db, orgID, p)
		})
	}
	if err != nil {
		return false, fmt.Errorf("recording the progress of call %s: %w", p.CallSID, err)
	}
	return changed, nil
}

func progress(ctx context.Context, db *ent.Client, orgID pulid.ID, p Progress) (bool, error) {
	if p.ParentCallSID != "" {
		parent, err := existing(ctx, db, Input{OrganizationID: orgID, ProviderID: p.ParentCallSID})
		if err != nil {
			return false, err
		}
		if parent != nil {
			return addLegParties(ctx, db, parent, p)
		}
	}
	c, err := existing(ctx, db, Input{OrganizationID: orgID, ProviderID: p.CallSID})
	if err != nil {
		return false, err
	}
	if c == nil {
		_, created, err := Record(ctx, db, firstCallback(orgID, p))
		return created, err
	}
	return advance(ctx, db, c, p)
}

// firstCallback is the call p is the first news of, for Record.
func firstCallback(orgID pulid.ID, p Progress) Input {
	in := Input{
		OrganizationID: orgID, Kind: communication.KindCall, Direction: communication.DirectionOutbound,
		Source: communication.SourceTwilioVoice, ProviderID: p.CallSID, ProviderStatus: p.Status,
		From: strings.TrimSpace(p.From), Status: ptr(communication.StatusOpen),
	}
	if strings.EqualFold(p.Direction, "inbound") {
		in.Direction = communication.DirectionInbound
	}
	if to := strings.TrimSpace(p.To); to != "" {
		in.To = []string{to}
	}
	start := p.At
	if o, final := outcomes[p.Status]; final {
		in.EndedAt, in.Outcome = &p.At, &o
		if p.DurationSeconds != nil {
			in.DurationSeconds = p.DurationSeconds
			start = p.At.Add(-time.Duration(*p.DurationSeconds) * time.Second)
		}
	}
	if p.Status == "in-progress" {
		in.AnsweredAt = &p.At
	}
	in.OccurredAt, in.StartedAt = start, &start
	return in
}

// advance moves call c forward to p, conditionally on its provider status
// still ranking lower, so that concurrent callbacks never move it back.
func advance(ctx context.Context, db *ent.Client, c *ent.Communication, p Progress) (bool, error) {
	rank := callRanks[p.Status]
	changed := false
	if rank > callRanks[c.ProviderStatus] {
		up := db.Communication.UpdateOne(c).
			Where(communication.Or(communication.ProviderStatusIsNil(), communication.ProviderStatusIn(lowerThan(rank)...))).
			SetProviderStatus(p.Status).SetUpdatedAt(time.Now())
		if p.Status == "in-progress" && c.AnsweredAt == nil {
			up.SetAnsweredAt(p.At)
		}
		if o, final := outcomes[p.Status]; final {
			up.SetEndedAt(p.At).SetOutcome(o).SetNillableDurationSeconds(p.DurationSeconds)
		}
		if rec := clipURL(p.RecordingURL); rec != "" {
			up.SetRecordingURL(rec)
		}
		updated, err := up.Save(ctx)
		switch {
		case ent.IsNotFound(err):
			// A later status arrived first: this one is news of the past.
		case err != nil:
			return false, err
		default:
			c, changed = updated, true
		}
	}
	if rec := clipURL(p.RecordingURL); rec != "" && c.RecordingURL == "" {
		// A recording's address arrives with the final status, which may
		// come after a later one was recorded: keep the first.
		err := db.Communication.UpdateOne(c).Where(communication.Or(communication.RecordingURLIsNil(), communication.RecordingURL(""))).
			SetRecordingURL(rec).SetUpdatedAt(time.Now()).Exec(ctx)
		switch {
		case err == nil:
			changed = true
		case !ent.IsNotFound(err):
			return false, err
		}
	}
	return changed, nil
}

// addLegParties adds to call c the people the numbers of its leg p match
// that it does not concern yet (the staff member whose phone rang), and
// touches c, so that the change is announced.
// A closed call is read-only: a leg's late callback changes nothing.
func addLegParties(ctx context.Context, db *ent.Client, c *ent.Communication, p Progress) (bool, error) {
	if c.Status != nil && *c.Status == communication.StatusClosed {
		return false, nil
	}
	org, err := db.Organization.Query().Where(organization.ID(c.OrganizationID)).
		Select(organization.FieldDefaultPhoneRegion).Only(ctx)
	if err != nil {
		return false, fmt.Errorf("reading the organisation: %w", err)
	}
	matched, err := Match(ctx, db, ReadAddresses(org.DefaultPhoneRegion, p.From, p.To))
	if err != nil || len(matched) == 0 {
		return false, err
	}
	have, err := db.CommunicationParty.Query().Where(communicationparty.CommunicationID(c.ID)).All(ctx)
	if err != nil {
		return false, fmt.Errorf("reading who the call concerns: %w", err)
	}
	known := map[pulid.ID]bool{}
	for _, x := range have {
		known[x.ClientID+x.ContactID+x.StaffID] = true
	}
	var fresh []Party
	for _, m := range matched {
		if !known[m.ClientID+m.ContactID+m.StaffID] {
			fresh = append(fresh, m)
		}
	}
	if len(fresh) == 0 {
		return false, nil
	}
	if err := addParties(ctx, db, c, fresh); err != nil {
		return false, err
	}
	if err := db.Communication.UpdateOne(c).SetUpdatedAt(time.Now()).Exec(ctx); err != nil {
		return false, err
	}
	return true, nil
}

// clipURL is a recording's address, "" when it is longer than the schema
// keeps (an address cut short leads nowhere).
func clipURL(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > schematype.MaxURLLength {
		return ""
	}
	return s
}

func ptr[T any](v T) *T { return &v }
