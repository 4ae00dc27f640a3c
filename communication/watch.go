package communication

import (
	"context"
	"errors"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/communication"
	"github.com/kith-health/kith/ent/effect"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// Events are the live call events of an organisation, as package
// callevent's Hub gives them.
type Events interface {
	// Subscribe returns the organisation's events from now on and the
	// function that ends them.
	Subscribe(orgID pulid.ID) (<-chan effect.CallEvent, func())
}

// Change is a call a staff member hears of: what happened and the call
// as it is now.
type Change struct {
	Kind effect.CallEventKind
	Call *ent.Communication
}

// ErrNoEvents is Watch's error on a server that runs no call events
// (a database client without a Hub attached).
var ErrNoEvents = errors.New("live call events are not running on this server")

// watchBuffer is how many changes wait for a slow watcher.
const watchBuffer = 16

// Watch tells the staff member of ctx of the calls that concern them
// (ConcernsStaff) and that they may read (the privacy rules, applied to
// each event as it comes, so an edit that takes them off a call stops its
// news), until ctx ends. The channel closes then, and also when events may
// have been lost (the watcher fell behind), for the app to read the open
// calls again and watch anew. Each event costs one statement. An API key
// watches no calls: they concern people (kith.ErrNotAPerson).
func Watch(ctx context.Context, db *ent.Client, events Events) (<-chan Change, error) {
	s, ok := viewer.StaffFromContext(ctx)
	if !ok {
		return nil, kith.ErrStaffOnly
	}
	if _, ok := s.Person(); !ok {
		return nil, kith.ErrNotAPerson
	}
	if events == nil {
		return nil, ErrNoEvents
	}
	in, cancel := events.Subscribe(s.OrgID)
	out := make(chan Change, watchBuffer)
	go func() {
		defer close(out)
		defer cancel()
		for {
			var e effect.CallEvent
			select {
			case <-ctx.Done():
				return
			case e, ok = <-in:
				if !ok || e.CommunicationID == "" {
					return // the hub stopped, or this watcher missed events
				}
			}
			c, err := db.Communication.Query().
				Where(communication.ID(e.CommunicationID), communication.KindEQ(communication.KindCall), ConcernsStaff(s.StaffID)).
				Only(ctx)
			if err != nil {
				if ent.IsNotFound(err) {
					continue // not theirs, or not theirs to read
				}
				return // the database failed or ctx ended: the app watches anew
			}
			select {
			case out <- Change{Kind: e.Kind, Call: c}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}
