package callevent

import (
	"log/slog"
	"sync"

	"entgo.io/ent/dialect"

	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/ent/effect"
	"github.com/kith-health/kith/pulid"
)

// Missed is the kind of the event a subscriber receives, with no
// communication, when events may have been lost: read the calls again.
const Missed effect.CallEventKind = "MISSED"

// SubscriberBuffer is how many events a subscriber's channel holds before
// the Hub replaces them with a Missed event.
const SubscriberBuffer = 64

// Hub is the live call events of one kith process: an effect.CallEvents
// for the Communication hook, and the subscribers of this process. Run it
// for as long as the process serves (on PostgreSQL it listens then).
type Hub struct {
	db       *database.DB
	log      *slog.Logger
	channels channelName
	queued   sync.Map // *ent.Tx → *queued, on SQLite

	mu        sync.Mutex
	subs      map[pulid.ID]map[*subscriber]struct{}
	stopped   bool
	listening chan struct{} // closed while the Hub hears every committed event
}

var _ effect.CallEvents = (*Hub)(nil)

// subscriber is one Subscribe's channel.
type subscriber struct {
	org    pulid.ID
	events chan effect.CallEvent
}

// New returns the Hub of db, logging to log (slog.Default() when nil).
// Attach it with db.Client.Effects.SetCallEvents and Run it.
func New(db *database.DB, log *slog.Logger) *Hub {
	if log == nil {
		log = slog.Default()
	}
	h := &Hub{db: db, log: log, subs: map[pulid.ID]map[*subscriber]struct{}{}, listening: make(chan struct{})}
	h.channels.db = db
	if db.Dialect != dialect.Postgres || db.Listener == nil {
		close(h.listening) // delivered in process, after each commit
	}
	return h
}

// Subscribe returns the events of orgID's calls committed from now on (on
// PostgreSQL: from when the Hub listens, see Listening) and the function
// that ends the subscription and closes events. Call cancel once done; it
// may be called more than once. After Run has ended, events is closed.
func (h *Hub) Subscribe(orgID pulid.ID) (events <-chan effect.CallEvent, cancel func()) {
	s := &subscriber{org: orgID, events: make(chan effect.CallEvent, SubscriberBuffer)}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopped {
		close(s.events)
		return s.events, func() {}
	}
	if h.subs[orgID] == nil {
		h.subs[orgID] = map[*subscriber]struct{}{}
	}
	h.subs[orgID][s] = struct{}{}
	return s.events, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := h.subs[orgID][s]; ok {
			delete(h.subs[orgID], s)
			if len(h.subs[orgID]) == 0 {
				delete(h.subs, orgID)
			}
			close(s.events)
		}
	}
}

// deliver hands e to the subscribers of its organisation, without waiting.
func (h *Hub) deliver(e effect.CallEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs[e.OrganizationID] {
		s.send(e)
	}
}

// missed tells every subscriber that events may have been lost.
func (h *Hub) missed() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, set := range h.subs {
		for s := range set {
			s.send(effect.CallEvent{OrganizationID: s.org, Kind: Missed})
		}
	}
}

// send queues e, or, when the buffer is full, empties it and queues a
// Missed event instead. Called with the Hub's lock held, so one send at a
// time per subscriber; the receiver may be receiving meanwhile.
func (s *subscriber) send(e effect.CallEvent) {
	select {
	case s.events <- e:
		return
	default:
	}
	for drained := false; !drained; {
		select {
		case <-s.events:
		default:
			drained = true
		}
	}
	select {
	case s.events <- effect.CallEvent{OrganizationID: s.org, Kind: Missed}:
	default: // cannot happen: the buffer was just emptied by the only sender
	}
}

// stop closes every subscriber and refuses new ones: Run has ended.
func (h *Hub) stop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.stopped = true
	for org, set := range h.subs {
		for s := range set {
			close(s.events)
		}
		delete(h.subs, org)
	}
}
