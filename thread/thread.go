// Package thread owns the portal's message threads (seed 003): secure
// messaging between the practice and the client portal, not the
// notifications notifier/compose renders and notifier sends. A thread is a
// client and one person: the client's own thread (no contact) holds only
// the client's messages, and each contact has its own thread with the
// practice about the client. Staff read and answer every thread of the
// clients they see; a portal user reads and writes only its own thread of
// the client it acts for, a contact only with the MESSAGING scope. Those
// rights are the privacy rules of PortalMessage (rule.AllowPortalThreadRows
// and rule.AllowPortalMessageWrites); this package only asks for the rows.
//
// The notifier (notifier.NewQueue) emails the person when staff write, so
// every path meets it; staff learn of portal messages from the threads'
// unread counts, not by email.
package thread

import (
	"context"
	stdsql "database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/activity"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/ent/contact"
	"github.com/kith-health/kith/ent/portalmessage"
	"github.com/kith-health/kith/ent/predicate"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// ActionMessageSent is the portal activity of a message sent to the practice.
const ActionMessageSent = "MESSAGE_SENT"

// maxFirst caps how many messages one read returns.
const maxFirst = 100

// Thread is one message thread about a client, as staff list them.
type Thread struct {
	// ClientID is the client the thread is about.
	ClientID pulid.ID
	// Contact is the contact whose thread it is; nil for the client's own.
	Contact *ent.Contact
	// Link is the contact's link to the client; nil for the client's own
	// thread, or when the link was removed since.
	Link *ent.ClientContact
	// LastMessage is the latest message; nil when there is none.
	LastMessage *ent.PortalMessage
	// UnreadCount counts the messages from the portal staff have not read.
	UnreadCount int
	// CanReadInPortal says whether the person can read the thread in the
	// portal now.
	CanReadInPortal bool
}

// inThread narrows messages to the thread of client and contact (empty for
// the client's own).
func inThread(client, contact pulid.ID) predicate.PortalMessage {
	if contact == "" {
		return portalmessage.And(portalmessage.ClientID(client), portalmessage.ContactIDIsNil())
	}
	return portalmessage.And(portalmessage.ClientID(client), portalmessage.ContactID(contact))
}

// newestFirst orders messages latest first.
func newestFirst(q *ent.PortalMessageQuery) *ent.PortalMessageQuery {
	return q.Order(ent.Desc(portalmessage.FieldCreatedAt), ent.Desc(portalmessage.FieldID))
}

// List lists the message threads of client id as the staff viewer in
// ctx sees them: the client's own first, then each contact's that has
// messages or that the contact can read in the portal, latest activity
// first. A client the viewer does not see is NOT_FOUND on clientId.
func List(ctx context.Context, db *ent.Client, id pulid.ID) ([]*Thread, error) {
	c, err := db.ClientProfile.Get(ctx, id)
	if err != nil {
		return nil, notFoundAs("clientId", id, err)
	}
	links, err := c.QueryContactLinks().WithContact().Order(clientcontact.ByCreatedAt(), clientcontact.ByID()).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing message threads: %w", err)
	}
	last, unread, err := summaries(ctx, db, id)
	if err != nil {
		return nil, err
	}
	threads := []*Thread{{ClientID: id, CanReadInPortal: c.PortalStatus == schematype.PortalStatusActive}}
	linked := map[pulid.ID]bool{}
	for _, l := range links {
		linked[l.ContactID] = true
		if _, written := last[l.ContactID]; written || readable(l) {
			threads = append(threads, &Thread{ClientID: id, Contact: l.Edges.Contact, Link: l, CanReadInPortal: readable(l)})
		}
	}
	var unlinked []pulid.ID // threads of contacts no longer linked
	for who := range last {
		if who != "" && !linked[who] {
			unlinked = append(unlinked, who)
		}
	}
	if len(unlinked) > 0 {
		slices.Sort(unlinked)
		cs, err := db.Contact.Query().Where(contact.IDIn(unlinked...)).Order(contact.ByID()).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing message threads: %w", err)
		}
		for _, co := range cs { // a deleted contact's thread is left out
			threads = append(threads, &Thread{ClientID: id, Contact: co})
		}
	}
	for _, t := range threads {
		t.LastMessage, t.UnreadCount = last[t.contactID()], unread[t.contactID()]
	}
	slices.SortStableFunc(threads[1:], func(a, b *Thread) int { return b.activity().Compare(a.activity()) })
	return threads, nil
}

// Of is the thread of client and contact (empty for the client's own)
// as the staff viewer in ctx sees it.
func Of(ctx context.Context, db *ent.Client, client, contact pulid.ID) (*Thread, error) {
	c, err := db.ClientProfile.Get(ctx, client)
	if err != nil {
		return nil, notFoundAs("clientId", client, err)
	}
	t := &Thread{ClientID: client, CanReadInPortal: c.PortalStatus == schematype.PortalStatusActive}
	if contact != "" {
		if t.Contact, err = db.Contact.Get(ctx, contact); err != nil {
			return nil, notFoundAs("contactId", contact, err)
		}
		t.Link, err = db.ClientContact.Query().Where(clientcontact.ClientID(client), clientcontact.ContactID(contact)).Only(ctx)
		if err != nil && !ent.IsNotFound(err) {
			return nil, fmt.Errorf("reading the thread: %w", err)
		}
		t.CanReadInPortal = t.Link != nil && readable(t.Link)
	}
	return t, t.load(ctx, db)
}

// readable reports whether l's contact can read its thread in the portal.
func readable(l *ent.ClientContact) bool {
	return l.PortalStatus == schematype.PortalStatusActive && slices.Contains(l.PortalScopes, schematype.PortalScopeMessaging)
}

// contactID is the thread's contact, empty for the client's own.
func (t *Thread) contactID() pulid.ID {
	if t.Contact == nil {
		return ""
	}
	return t.Contact.ID
}

// activity is when the thread last had a message; zero without any.
func (t *Thread) activity() time.Time {
	if t.LastMessage == nil {
		return time.Time{}
	}
	return t.LastMessage.CreatedAt
}

// load reads the thread's latest message and unread count.
func (t *Thread) load(ctx context.Context, db *ent.Client) error {
	q := db.PortalMessage.Query().Where(inThread(t.ClientID, t.contactID()))
	last, err := newestFirst(q.Clone()).First(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return fmt.Errorf("reading the thread: %w", err)
	}
	t.LastMessage = last
	t.UnreadCount, err = q.Where(portalmessage.DirectionEQ(portalmessage.DirectionFromPortal), portalmessage.ReadAtIsNil()).Count(ctx)
	if err != nil {
		return fmt.Errorf("reading the thread: %w", err)
	}
	return nil
}

// summaries reads the latest message and the count of unread portal
// messages of every thread of client, by the thread's contact ("" for the
// client's own), in two statements however many threads there are.
func summaries(ctx context.Context, db *ent.Client, client pulid.ID) (map[pulid.ID]*ent.PortalMessage, map[pulid.ID]int, error) {
	latest, err := db.PortalMessage.Query().Where(portalmessage.ClientID(client), latestOfThread()).All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("listing message threads: %w", err)
	}
	last := make(map[pulid.ID]*ent.PortalMessage, len(latest))
	for _, m := range latest {
		last[m.ContactID] = m
	}
	var counts []struct {
		ContactID stdsql.NullString `json:"contact_id"`
		Count     int               `json:"count"`
	}
	err = db.PortalMessage.Query().
		Where(portalmessage.ClientID(client), portalmessage.DirectionEQ(portalmessage.DirectionFromPortal), portalmessage.ReadAtIsNil()).
		GroupBy(portalmessage.FieldContactID).Aggregate(ent.Count()).Scan(ctx, &counts)
	if err != nil {
		return nil, nil, fmt.Errorf("listing message threads: %w", err)
	}
	unread := make(map[pulid.ID]int, len(counts))
	for _, c := range counts {
		unread[pulid.ID(c.ContactID.String)] = c.Count
	}
	return last, unread, nil
}

// latestOfThread keeps the latest message of each thread (newestFirst's
// first): those with no later message of the same client and contact.
func latestOfThread() predicate.PortalMessage {
	return func(s *sql.Selector) {
		later := sql.Dialect(s.Dialect()).Table(portalmessage.Table).As("later")
		thread := func(c func(string) string) string { return "COALESCE(" + c(portalmessage.FieldContactID) + ", '')" }
		created, id := portalmessage.FieldCreatedAt, portalmessage.FieldID
		s.Where(sql.NotExists(sql.Dialect(s.Dialect()).Select(later.C(id)).From(later).Where(sql.And(
			sql.ColumnsEQ(later.C(portalmessage.FieldClientID), s.C(portalmessage.FieldClientID)),
			sql.ExprP(thread(later.C)+" = "+thread(s.C)),
			sql.Or(
				sql.ColumnsGT(later.C(created), s.C(created)),
				sql.And(sql.ColumnsEQ(later.C(created), s.C(created)), sql.ColumnsGT(later.C(id), s.C(id))),
			),
		))))
	}
}

// Messages lists the latest first messages of the thread of client and
// contact (empty for the client's own), newest first, as the staff viewer
// in ctx sees them.
func Messages(ctx context.Context, db *ent.Client, client, contact pulid.ID, first int) ([]*ent.PortalMessage, error) {
	if _, err := Of(ctx, db, client, contact); err != nil {
		return nil, err
	}
	out, err := newestFirst(db.PortalMessage.Query().Where(inThread(client, contact))).
		WithAuthor().Limit(min(max(first, 0), maxFirst)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading messages: %w", err)
	}
	return out, nil
}

// Send writes body from the practice in the thread of client and contact
// (empty for the client's own) as the staff viewer in ctx. The notifier
// emails the person that a message is waiting.
func Send(ctx context.Context, db *ent.Client, client, contact pulid.ID, body string) (*ent.PortalMessage, error) {
	if _, err := db.ClientProfile.Get(ctx, client); err != nil {
		return nil, notFoundAs("clientId", client, err)
	}
	create := db.PortalMessage.Create().SetClientID(client).SetBody(body).
		SetDirection(portalmessage.DirectionFromPractice)
	if contact != "" {
		create.SetContactID(contact)
	}
	m, err := create.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("sending the message: %w", err)
	}
	return m, nil
}

// MarkRead marks the portal's unread messages of the thread of client and
// contact read, as the staff viewer in ctx, and returns the thread.
func MarkRead(ctx context.Context, db *ent.Client, client, contact pulid.ID) (*Thread, error) {
	if _, err := Of(ctx, db, client, contact); err != nil {
		return nil, err
	}
	err := db.PortalMessage.Update().
		Where(inThread(client, contact), portalmessage.DirectionEQ(portalmessage.DirectionFromPortal), portalmessage.ReadAtIsNil()).
		SetReadAt(time.Now().UTC()).Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("marking messages read: %w", err)
	}
	return Of(ctx, db, client, contact)
}

// PortalMessages lists the latest first messages of the portal viewer's own
// thread about the client it acts for, newest first. The privacy rules
// narrow the query to that thread, and to nothing without MESSAGING.
func PortalMessages(ctx context.Context, db *ent.Client, first int) ([]*ent.PortalMessage, error) {
	out, err := newestFirst(db.PortalMessage.Query()).WithAuthor().Limit(min(max(first, 0), maxFirst)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading messages: %w", err)
	}
	return out, nil
}

// SendToPractice writes body from the portal viewer in ctx to the practice,
// in its own thread about the client it acts for, and records the portal
// activity. A contact without MESSAGING reads NOT_FOUND, as a thread that
// does not exist.
func SendToPractice(ctx context.Context, db *ent.Client, body string) (*ent.PortalMessage, error) {
	p, ok := viewer.PortalFromContext(ctx)
	if !ok {
		return nil, kith.ErrUnauthenticated
	}
	if p.ClientID == "" { // a caller outside GraphQL: no client to write about
		return nil, kith.ErrNotFound
	}
	create := db.PortalMessage.Create().SetClientID(p.ClientID).SetBody(body).
		SetDirection(portalmessage.DirectionFromPortal)
	if p.ContactID != "" {
		create.SetContactID(p.ContactID)
	}
	m, err := create.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("sending the message: %w", err)
	}
	if err := activity.Record(ctx, db, ActionMessageSent, "", m.ID); err != nil {
		return nil, err
	}
	return m, nil
}

// MarkPortalRead marks the practice's unread messages of the portal
// viewer's own thread read and returns how many there were.
func MarkPortalRead(ctx context.Context, db *ent.Client) (int, error) {
	n, err := db.PortalMessage.Update().
		Where(portalmessage.DirectionEQ(portalmessage.DirectionFromPractice), portalmessage.ReadAtIsNil()).
		SetReadAt(time.Now().UTC()).Save(ctx)
	if err != nil {
		return 0, fmt.Errorf("marking messages read: %w", err)
	}
	return n, nil
}

// notFoundAs reports a missing or hidden record as NOT_FOUND on field.
func notFoundAs(field string, id pulid.ID, err error) error {
	if ent.IsNotFound(err) || errors.Is(err, kith.ErrNotFound) {
		return &kith.NotFoundError{Field: field, ID: id}
	}
	return err
}
