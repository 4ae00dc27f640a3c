package communication

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/communication"
	"github.com/kith-health/kith/ent/communicationparty"
	"github.com/kith-health/kith/ent/organization"
	"github.com/kith-health/kith/ent/predicate"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// Update is a staff member's change to a communication: an open call's
// title or description, or the people it concerns. Nil fields are left
// as they are.
type Update struct {
	Title, Description *string
	// RelatedTo replaces the people it concerns (and clears its
	// candidates); an empty list clears them.
	RelatedTo *[]pulid.ID
}

// Edit applies u to communication id as the viewer of ctx, all or nothing:
// one the viewer may not read is NOT_FOUND; a closed call, or an email's or
// SMS's title or description, BAD_USER_INPUT (the Communication hook).
func Edit(ctx context.Context, db *ent.Client, id pulid.ID, u Update) (*ent.Communication, error) {
	return transaction.Run(ctx, db, func(ctx context.Context, db *ent.Client) (*ent.Communication, error) {
		c, err := db.Communication.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		up := db.Communication.UpdateOne(c).Where(stillOpen()).SetUpdatedAt(time.Now())
		if u.Title != nil {
			up.SetTitle(strings.TrimSpace(*u.Title))
		}
		if u.Description != nil {
			up.SetDescription(*u.Description)
		}
		if c, err = up.Save(ctx); err != nil {
			return nil, closedMeanwhile(err)
		}
		if u.RelatedTo != nil {
			if err := replaceParties(ctx, db, c, *u.RelatedTo); err != nil {
				return nil, err
			}
		}
		return c, nil
	})
}

// EndCall closes open call id as the viewer of ctx (a staff member): it is
// read-only from then on. An email, an SMS or a closed call is
// BAD_USER_INPUT.
func EndCall(ctx context.Context, db *ent.Client, id pulid.ID) (*ent.Communication, error) {
	s, ok := viewer.StaffFromContext(ctx)
	if !ok {
		return nil, kith.ErrStaffOnly
	}
	return transaction.Run(ctx, db, func(ctx context.Context, db *ent.Client) (*ent.Communication, error) {
		c, err := db.Communication.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		switch {
		case c.Kind != communication.KindCall:
			return nil, kith.Invalid("id", "only a call can be ended; this is an %s", strings.ToLower(string(c.Kind)))
		case c.Status != nil && *c.Status == communication.StatusClosed:
			return nil, kith.Invalid("id", "this call is already closed")
		}
		now := time.Now()
		up := db.Communication.UpdateOne(c).Where(stillOpen()).
			SetStatus(communication.StatusClosed).SetClosedAt(now)
		if id, ok := s.Person(); ok { // an API key closes it for nobody
			up.SetClosedByID(id)
		}
		if c.EndedAt == nil {
			up.SetEndedAt(now)
		}
		c, err = up.Save(ctx)
		return c, closedMeanwhile(err)
	})
}

// stillOpen is the condition of a staff edit's UPDATE: the communication
// is no closed call, also when another transaction (endCall, the
// auto-close) closed it after this one read it.
func stillOpen() predicate.Communication {
	return communication.Or(communication.StatusIsNil(), communication.StatusNEQ(communication.StatusClosed))
}

// closedMeanwhile turns the not-found of a conditional UPDATE whose call
// was closed since it was read into the closed call's BAD_USER_INPUT.
func closedMeanwhile(err error) error {
	if ent.IsNotFound(err) {
		return kith.Invalid("id", "this call is closed: its title, description and people can no longer be changed")
	}
	return err
}

// LogCall is a call on a phone system kith does not hear from, as staff
// log it by hand.
type LogCall struct {
	Direction              communication.Direction
	From, To               string
	StartedAt, EndedAt     *time.Time
	Outcome                *communication.Outcome
	Platform, Title, Notes string
	RelatedTo              []pulid.ID
}

// Log records l as the viewer of ctx (a staff member): an OPEN call,
// matched by its numbers, concerning the people of l.RelatedTo and its
// logger too. An API key logs no call: the logger is a person
// (kith.ErrNotAPerson).
func Log(ctx context.Context, db *ent.Client, l LogCall) (*ent.Communication, error) {
	s, ok := viewer.StaffFromContext(ctx)
	if !ok {
		return nil, kith.ErrStaffOnly
	}
	if _, ok := s.Person(); !ok {
		return nil, kith.ErrNotAPerson
	}
	if len(l.RelatedTo) > maxRelated {
		return nil, kith.Invalid("relatedTo", "relatedTo may name at most %d people, not %d", maxRelated, len(l.RelatedTo))
	}
	return transaction.Run(ctx, db, func(ctx context.Context, db *ent.Client) (*ent.Communication, error) {
		org, err := db.Organization.Query().Where(organization.ID(s.OrgID)).Select(organization.FieldDefaultPhoneRegion).Only(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading the organisation: %w", err)
		}
		from, err := number("from", l.From, org.DefaultPhoneRegion)
		if err != nil {
			return nil, err
		}
		to, err := number("to", l.To, org.DefaultPhoneRegion)
		if err != nil {
			return nil, err
		}
		now := time.Now()
		start := now
		switch {
		case l.StartedAt != nil:
			start = *l.StartedAt
		case l.EndedAt != nil && l.EndedAt.Before(now):
			start = *l.EndedAt // a call logged after it ended, its start not known
		}
		if err := loggedTimes(l, start, now); err != nil {
			return nil, err
		}
		people, err := resolvePeople(ctx, db, l.RelatedTo, "relatedTo")
		if err != nil {
			return nil, err
		}
		create := db.Communication.Create().SetKind(communication.KindCall).SetDirection(l.Direction).
			SetSource(communication.SourceLogged).SetStatus(communication.StatusOpen).
			SetOccurredAt(start.UTC()).SetStartedAt(start.UTC()).SetNillableEndedAt(l.EndedAt).SetNillableOutcome(l.Outcome).
			SetFromAddress(from).SetPlatform(strings.TrimSpace(l.Platform)).
			SetTitle(strings.TrimSpace(l.Title)).SetDescription(l.Notes).SetLoggedByID(s.StaffID)
		if to != "" {
			create.SetToAddresses([]string{to})
		}
		if l.StartedAt != nil && l.EndedAt != nil {
			create.SetDurationSeconds(int(l.EndedAt.Sub(*l.StartedAt).Seconds()))
		}
		c, err := create.Save(ctx)
		if err != nil {
			return nil, err
		}
		matched, err := Match(ctx, db, ReadAddresses(org.DefaultPhoneRegion, from, to))
		if err != nil {
			return nil, err
		}
		parties := append(matched, people...)
		parties = append(parties, Party{StaffID: s.StaffID, MatchedBy: communicationparty.MatchedByStaff})
		if err := addParties(ctx, db, c, parties); err != nil {
			return nil, err
		}
		return c, nil
	})
}

// maxCallLength is the longest call kith records: 7 days.
const maxCallLength = 7 * 24 * time.Hour

// loggedTimes refuses a logged call's times that cannot be: in the future,
// ending before it started, lasting over 7 days, or before 2000.
func loggedTimes(l LogCall, start, now time.Time) error {
	soon := now.Add(5 * time.Minute) // clocks disagree a little
	for field, t := range map[string]*time.Time{"startedAt": l.StartedAt, "endedAt": l.EndedAt} {
		switch {
		case t == nil:
		case t.After(soon):
			return kith.Invalid(field, "%s is in the future: log a call once it has started", field)
		case t.Year() < 2000:
			return kith.Invalid(field, "%s must be after 2000-01-01", field)
		}
	}
	if l.EndedAt != nil && l.EndedAt.Before(start) {
		return kith.Invalid("endedAt", "endedAt must not be before startedAt")
	}
	if l.EndedAt != nil && l.EndedAt.Sub(start) > maxCallLength {
		return kith.Invalid("endedAt", "a call lasts at most 7 days: check startedAt and endedAt")
	}
	return nil
}

// number reads a phone number staff typed into E.164, or BAD_USER_INPUT on field.
func number(field, raw, region string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	n := ReadAddresses(region, raw).Phones
	if len(n) == 0 || strings.Contains(raw, "@") {
		return "", kith.Invalid(field, "%s is not a phone number kith can read; write it with its country code, such as +1 416 555 0100", field)
	}
	return n[0], nil
}
