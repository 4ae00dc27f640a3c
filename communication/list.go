package communication

import (
	"context"
	"fmt"
	"time"

	"entgo.io/contrib/entgql"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/clientprofile"
	"github.com/kith-health/kith/ent/communication"
	"github.com/kith-health/kith/ent/communicationparty"
	"github.com/kith-health/kith/ent/predicate"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// Filter narrows a list of communications; every condition set must hold.
type Filter struct {
	Kind                          *communication.Kind
	Direction                     *communication.Direction
	Status                        *communication.Status
	ClientID, ContactID, StaffID  *pulid.ID
	OccurredAfter, OccurredBefore *time.Time
}

// where is f as predicates.
func (f *Filter) where() []predicate.Communication {
	if f == nil {
		return nil
	}
	var ps []predicate.Communication
	if f.Kind != nil {
		ps = append(ps, communication.KindEQ(*f.Kind))
	}
	if f.Direction != nil {
		ps = append(ps, communication.DirectionEQ(*f.Direction))
	}
	if f.Status != nil {
		ps = append(ps, communication.StatusEQ(*f.Status))
	}
	if f.ClientID != nil {
		ps = append(ps, communication.HasPartiesWith(communicationparty.ClientID(*f.ClientID)))
	}
	if f.ContactID != nil {
		ps = append(ps, communication.HasPartiesWith(communicationparty.ContactID(*f.ContactID)))
	}
	if f.StaffID != nil {
		ps = append(ps, communication.HasPartiesWith(communicationparty.StaffID(*f.StaffID)))
	}
	if f.OccurredAfter != nil {
		ps = append(ps, communication.OccurredAtGTE(*f.OccurredAfter))
	}
	if f.OccurredBefore != nil {
		ps = append(ps, communication.OccurredAtLT(*f.OccurredBefore))
	}
	return ps
}

// Page is where a list starts and how long it is (Relay's after and first).
type Page struct {
	After *ent.Cursor
	First *int
}

// newestFirst orders lists by when communications happened, newest first.
var newestFirst = ent.WithCommunicationOrder(&ent.CommunicationOrder{
	Direction: entgql.OrderDirectionDesc, Field: ent.CommunicationOrderFieldOccurredAt,
})

// list is a page of the communications where holds, newest first, with
// their parties and the people they name loaded in a constant number of
// statements (PeopleOf and Unassigned then read them, not the database).
func list(ctx context.Context, db *ent.Client, p Page, where ...predicate.Communication) (*ent.CommunicationConnection, error) {
	return db.Communication.Query().Where(where...).WithParties(withPeople).Paginate(ctx, p.After, p.First, nil, nil, newestFirst)
}

// withPeople loads the people of parties, in the order they were added.
func withPeople(q *ent.CommunicationPartyQuery) {
	q.WithClient().WithContact().WithStaff().Order(ent.Asc(communicationparty.FieldCreatedAt), ent.Asc(communicationparty.FieldID))
}

// parties are c's parties with their people: those list loaded, else read.
func parties(ctx context.Context, db *ent.Client, c *ent.Communication) ([]*ent.CommunicationParty, error) {
	if loaded, err := c.Edges.PartiesOrErr(); err == nil {
		return loaded, nil
	}
	q := db.CommunicationParty.Query().Where(communicationparty.CommunicationID(c.ID))
	withPeople(q)
	return q.All(ctx)
}

// requireAdmin refuses viewers other than owners and admins: FORBIDDEN for
// other staff, unauthenticated or staff-only for the rest.
func requireAdmin(ctx context.Context) error {
	s, ok := viewer.StaffFromContext(ctx)
	switch {
	case ok && s.CanAdminister():
		return nil
	case ok:
		return kith.ErrForbidden
	case viewer.FromContext(ctx) == nil:
		return kith.ErrUnauthenticated
	default:
		return kith.ErrStaffOnly
	}
}

// Board is every communication of the viewer's organisation, newest first,
// narrowed by f: owners and admins only.
func Board(ctx context.Context, db *ent.Client, p Page, f *Filter) (*ent.CommunicationConnection, error) {
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	return list(ctx, db, p, f.where()...)
}

// Unmatched is the communications that concern nobody yet, newest first:
// owners and admins only.
func Unmatched(ctx context.Context, db *ent.Client, p Page) (*ent.CommunicationConnection, error) {
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	return list(ctx, db, p, communication.Not(communication.HasParties()))
}

// OfClient is the communications concerning client id (certain or
// candidate), newest first, as far as the viewer may read them (the
// privacy rules).
func OfClient(ctx context.Context, db *ent.Client, id pulid.ID, p Page, f *Filter) (*ent.CommunicationConnection, error) {
	return list(ctx, db, p, append(f.where(), communication.HasPartiesWith(communicationparty.ClientID(id)))...)
}

// OfStaff is the communications staff member id took part in, newest
// first: for them, owners and admins (FORBIDDEN for other staff).
func OfStaff(ctx context.Context, db *ent.Client, id pulid.ID, p Page, f *Filter) (*ent.CommunicationConnection, error) {
	if s, ok := viewer.StaffFromContext(ctx); !ok || s.IsAPIKey() || s.StaffID != id {
		if err := requireAdmin(ctx); err != nil {
			return nil, err
		}
	}
	return list(ctx, db, p, append(f.where(), communication.HasPartiesWith(communicationparty.StaffID(id)))...)
}

// People are whom a communication concerns, as the viewer may read them.
type People struct {
	// Related are the clients, contacts and staff it concerns for certain.
	Related []ent.Noder
	// Candidates are the clients it may concern.
	Candidates []*ent.ClientProfile
}

// PeopleOf reads whom c concerns (from its parties when a list loaded
// them).
func PeopleOf(ctx context.Context, db *ent.Client, c *ent.Communication) (People, error) {
	all, err := parties(ctx, db, c)
	if err != nil {
		return People{}, fmt.Errorf("reading whom communication %s concerns: %w", c.ID, err)
	}
	var p People
	for _, x := range all {
		switch {
		case x.Edges.Client != nil && x.Candidate:
			p.Candidates = append(p.Candidates, x.Edges.Client)
		case x.Edges.Client != nil:
			p.Related = append(p.Related, x.Edges.Client)
		case x.Edges.Contact != nil:
			p.Related = append(p.Related, x.Edges.Contact)
		case x.Edges.Staff != nil:
			p.Related = append(p.Related, x.Edges.Staff)
		}
	}
	return p, nil
}

// Unassigned reports whether c concerns nobody.
func Unassigned(ctx context.Context, db *ent.Client, c *ent.Communication) (bool, error) {
	if loaded, err := c.Edges.PartiesOrErr(); err == nil {
		return len(loaded) == 0, nil
	}
	n, err := db.CommunicationParty.Query().Where(communicationparty.CommunicationID(c.ID)).Exist(ctx)
	if err != nil {
		return false, fmt.Errorf("reading whom communication %s concerns: %w", c.ID, err)
	}
	return !n, nil
}

// Thread is c's thread, oldest first, as far as the viewer may read it: the
// emails sharing its thread key; a call or SMS alone.
func Thread(ctx context.Context, db *ent.Client, c *ent.Communication) ([]*ent.Communication, error) {
	if c.ThreadKey == "" {
		return []*ent.Communication{c}, nil
	}
	return db.Communication.Query().
		Where(communication.OrganizationID(c.OrganizationID), communication.ThreadKey(c.ThreadKey)).
		Order(ent.Asc(communication.FieldOccurredAt), ent.Asc(communication.FieldID)).Limit(maxThread).All(ctx)
}

// maxThread caps the emails of one thread read at once.
const maxThread = 200

// ConcernsStaff is the condition that a communication concerns staff
// member id: they are among its people, or a client among them (certain or
// candidate) is assigned to them. The callEvents subscription tells each
// staff member of the calls it holds for; owners and admins, who may read
// every call, hear of these alone too.
func ConcernsStaff(id pulid.ID) predicate.Communication {
	return communication.HasPartiesWith(communicationparty.Or(
		communicationparty.StaffID(id),
		communicationparty.HasClientWith(clientprofile.HasPractitionersWith(staff.ID(id))),
	))
}
