package timeline

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/ent/appointmentchange"
	"github.com/kith-health/kith/ent/communication"
	"github.com/kith-health/kith/ent/contact"
	"github.com/kith-health/kith/ent/form"
	"github.com/kith-health/kith/ent/invoice"
	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/ent/payment"
	"github.com/kith-health/kith/ent/portalevent"
	"github.com/kith-health/kith/ent/shareddocument"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
)

// Entry is one thing that happened with a client (GraphQL's TimelineEntry).
type Entry struct {
	// ID is the entry's ID: its record's, with a suffix when one record
	// gives several entries (a form sent, then submitted).
	ID string
	// At is when it happened.
	At time.Time
	// Kind is what happened.
	Kind Kind
	// Summary says it in a line.
	Summary string
	// Actor is who did it.
	Actor appointmentchange.Actor
	// Staff is the staff member who did it, if staff did.
	Staff *ent.Staff
	// Contact is the contact who did it, or a message's recipient.
	Contact *ent.Contact
	// Record is what the entry is about; nil when it cannot be read.
	Record ent.Noder

	staffID, contactID pulid.ID
	// unsigned keeps the staff member's name out of the summary (a
	// message's summary ends with its status).
	unsigned bool
}

// ids collects the IDs of rows of each source, in order.
type ids map[string][]pulid.ID

// span is the time window of a page's rows of one source.
type span struct{ lo, hi time.Time }

// spans are the windows of each source.
type spans map[string]span

// add widens the window of src to t.
func (s spans) add(src string, t time.Time) {
	w, ok := s[src]
	if !ok || t.Before(w.lo) {
		w.lo = t
	}
	if !ok || t.After(w.hi) {
		w.hi = t
	}
	s[src] = w
}

// load reads the records of rows through ent as the viewer in ctx, one
// statement per kind of record (and one each for the staff and contacts
// named), and turns each row into its entry. A row whose record can no
// longer be read (deleted since) is left out.
func load(ctx context.Context, db *ent.Client, client *ent.ClientProfile, rows []row) ([]*Entry, error) {
	by, when := ids{}, spans{}
	for _, r := range rows {
		when.add(r.src, r.pos.At)
		src := r.src
		if src == srcFormSubmitted || src == srcFormWithdrawn {
			src = srcFormSent
		}
		by[src] = append(by[src], r.rid)
	}
	l := loaded{}
	if err := l.read(ctx, db, client.ID, by, when); err != nil {
		return nil, err
	}
	out := make([]*Entry, 0, len(rows))
	for _, r := range rows {
		e := l.entry(client, r)
		if e == nil {
			continue
		}
		e.ID, e.At = r.pos.EID, r.pos.At
		out = append(out, e)
	}
	if err := l.people(ctx, db, out); err != nil {
		return nil, err
	}
	return out, nil
}

// loaded holds the records of a page by ID.
type loaded struct {
	changes       map[pulid.ID]*ent.AppointmentChange
	appointments  map[pulid.ID]*ent.Appointment
	notifications map[pulid.ID]*ent.Notification
	forms         map[pulid.ID]*ent.Form
	documents     map[pulid.ID]*ent.SharedDocument
	events        map[pulid.ID]*ent.PortalEvent
	payments      map[pulid.ID]*ent.Payment
	invoices      map[pulid.ID]*ent.Invoice
	comms         map[pulid.ID]*ent.Communication
}

// byID indexes records by their ID.
func byID[T any](all []T, id func(T) pulid.ID) map[pulid.ID]T {
	m := make(map[pulid.ID]T, len(all))
	for _, x := range all {
		m[id(x)] = x
	}
	return m
}

// read loads the records of by. The tables that grow with a client's
// history are read by ID within the client's rows of the page's window (its
// (client_id, created_at) index), which is also the plan SQLite, without
// statistics, picks over the organisation's index. The forms of the page's
// messages are read with the page's forms, and the appointments of its
// forms with those of its appointment changes, so each kind of record costs
// one statement.
func (l *loaded) read(ctx context.Context, db *ent.Client, client pulid.ID, by ids, when spans) error {
	wrap := func(err error) error { return fmt.Errorf("reading the timeline's records: %w", err) }
	var appts []pulid.ID
	if len(by[srcAppointment]) > 0 {
		all, err := db.AppointmentChange.Query().Where(appointmentchange.ClientID(client),
			appointmentchange.CreatedAtGTE(when[srcAppointment].lo), appointmentchange.CreatedAtLTE(when[srcAppointment].hi),
			appointmentchange.IDIn(by[srcAppointment]...)).All(ctx)
		if err != nil {
			return wrap(err)
		}
		l.changes = byID(all, func(x *ent.AppointmentChange) pulid.ID { return x.ID })
		for _, c := range all {
			appts = append(appts, c.AppointmentID)
		}
	}
	forms := by[srcFormSent]
	if len(by[srcMessage]) > 0 {
		all, err := db.Notification.Query().Where(notification.ClientID(client),
			notification.CreatedAtGTE(when[srcMessage].lo), notification.CreatedAtLTE(when[srcMessage].hi),
			notification.IDIn(by[srcMessage]...)).All(ctx)
		if err != nil {
			return wrap(err)
		}
		l.notifications = byID(all, func(x *ent.Notification) pulid.ID { return x.ID })
		for _, n := range all {
			if n.FormID != "" {
				forms = append(forms, n.FormID)
			}
		}
	}
	if len(forms) > 0 {
		all, err := db.Form.Query().Where(form.ClientID(client), form.IDIn(forms...)).All(ctx)
		if err != nil {
			return wrap(err)
		}
		l.forms = byID(all, func(x *ent.Form) pulid.ID { return x.ID })
		for _, f := range all {
			if f.AppointmentID != "" {
				appts = append(appts, f.AppointmentID)
			}
		}
	}
	if len(appts) > 0 {
		as, err := db.Appointment.Query().Where(appointment.IDIn(appts...)).All(ctx)
		if err != nil {
			return wrap(err)
		}
		l.appointments = byID(as, func(x *ent.Appointment) pulid.ID { return x.ID })
	}
	var docs []pulid.ID
	if len(by[srcPortal]) > 0 {
		all, err := db.PortalEvent.Query().Where(portalevent.ClientID(client),
			portalevent.CreatedAtGTE(when[srcPortal].lo), portalevent.CreatedAtLTE(when[srcPortal].hi),
			portalevent.IDIn(by[srcPortal]...)).All(ctx)
		if err != nil {
			return wrap(err)
		}
		l.events = byID(all, func(x *ent.PortalEvent) pulid.ID { return x.ID })
		for _, e := range all {
			if e.SubjectID.Prefix() == "sd" {
				docs = append(docs, e.SubjectID)
			}
		}
	}
	if docs = append(docs, by[srcDocumentShared]...); len(docs) > 0 {
		all, err := db.SharedDocument.Query().Where(shareddocument.ClientID(client), shareddocument.IDIn(docs...)).All(ctx)
		if err != nil {
			return wrap(err)
		}
		l.documents = byID(all, func(x *ent.SharedDocument) pulid.ID { return x.ID })
	}
	if len(by[srcPayment]) > 0 {
		all, err := db.Payment.Query().Where(payment.ClientID(client),
			payment.CreatedAtGTE(when[srcPayment].lo), payment.CreatedAtLTE(when[srcPayment].hi),
			payment.IDIn(by[srcPayment]...)).All(ctx)
		if err != nil {
			return wrap(err)
		}
		l.payments = byID(all, func(x *ent.Payment) pulid.ID { return x.ID })
	}
	if len(by[srcInvoice]) > 0 {
		all, err := db.Invoice.Query().Where(invoice.ClientID(client),
			invoice.CreatedAtGTE(when[srcInvoice].lo), invoice.CreatedAtLTE(when[srcInvoice].hi),
			invoice.IDIn(by[srcInvoice]...)).All(ctx)
		if err != nil {
			return wrap(err)
		}
		l.invoices = byID(all, func(x *ent.Invoice) pulid.ID { return x.ID })
	}
	if len(by[srcCommunication]) > 0 {
		// As the viewer: a communication they may not read (another
		// practitioner's call about the client) is left out.
		all, err := db.Communication.Query().Where(communication.IDIn(by[srcCommunication]...),
			communication.OccurredAtGTE(when[srcCommunication].lo), communication.OccurredAtLTE(when[srcCommunication].hi)).All(ctx)
		if err != nil {
			return wrap(err)
		}
		l.comms = byID(all, func(x *ent.Communication) pulid.ID { return x.ID })
	}
	return nil
}

// entry turns row r into its entry, or nil when its record is gone.
func (l *loaded) entry(client *ent.ClientProfile, r row) *Entry {
	switch r.src {
	case srcAppointment:
		c := l.changes[r.rid]
		if c == nil {
			return nil
		}
		e := &Entry{Kind: Kind("APPOINTMENT_" + string(c.Action)), Actor: c.Actor, staffID: c.StaffID, contactID: c.ContactID}
		zone := client.TimeZone
		if a := l.appointments[c.AppointmentID]; a != nil {
			e.Record, zone = a, a.TimeZone
		}
		e.Summary = appointmentSummary(c, zone)
		return e
	case srcMessage:
		n := l.notifications[r.rid]
		if n == nil {
			return nil
		}
		e := &Entry{Kind: KindMessage, Actor: appointmentchange.ActorKith, contactID: n.ContactID, Record: n}
		f := l.forms[n.FormID]
		if f != nil && n.Kind == schematype.MessageKindFormRequest {
			// The form's request goes because staff sent the form; its
			// reminder is kith's own.
			e.Actor, e.staffID, e.unsigned = staffOrKith(f.SentByID), f.SentByID, true
		}
		e.Summary = messageSummary(n, f)
		return e
	case srcFormSent, srcFormSubmitted, srcFormWithdrawn:
		f := l.forms[r.rid]
		if f == nil {
			return nil
		}
		switch r.src {
		case srcFormSent:
			e := &Entry{Kind: KindFormSent, Actor: staffOrKith(f.SentByID), staffID: f.SentByID, Record: f,
				Summary: fmt.Sprintf("Form %q sent", f.Title)}
			if a := l.appointments[f.AppointmentID]; a != nil {
				e.Summary += " from the appointment of " + when(a.StartsAt, a.TimeZone)
			}
			if f.SignatureRequested {
				e.Summary += ", signature requested"
			}
			return e
		case srcFormWithdrawn:
			// Only staff withdraw a form (withdrawForm); who did is not
			// stored, so staff is null.
			return &Entry{Kind: KindFormWithdrawn, Actor: appointmentchange.ActorStaff, Record: f,
				Summary: fmt.Sprintf("Form %q withdrawn unsubmitted", f.Title)}
		}
		return &Entry{Kind: KindFormSubmitted, Actor: clientOrContact(f.ContactID), contactID: f.ContactID, Record: f,
			Summary: fmt.Sprintf("Form %q submitted by %s", f.Title, f.SubmittedBy)}
	case srcDocumentShared:
		d := l.documents[r.rid]
		if d == nil {
			return nil
		}
		return &Entry{Kind: KindDocumentShared, Actor: staffOrKith(d.SharedByID), staffID: d.SharedByID, Record: d,
			Summary: fmt.Sprintf("Document %q shared", d.Title)}
	case srcPortal:
		p := l.events[r.rid]
		if p == nil {
			return nil
		}
		e := &Entry{Kind: KindPortalActivity, Actor: clientOrContact(p.ContactID), contactID: p.ContactID, Record: p,
			Summary: portalSummary(p)}
		if d := l.documents[p.SubjectID]; d != nil && p.Action == "DOCUMENT_VIEWED" {
			e.Kind, e.Record = KindDocumentViewed, d
			e.Summary = fmt.Sprintf("Document %q viewed in the portal by %s", d.Title, p.Email)
		}
		return e
	case srcPayment:
		p := l.payments[r.rid]
		if p == nil {
			return nil
		}
		return &Entry{Kind: KindPayment, Actor: clientOrContact(p.ContactID), contactID: p.ContactID, Record: p,
			Summary: paymentSummary(p)}
	case srcInvoice:
		iv := l.invoices[r.rid]
		if iv == nil {
			return nil
		}
		return &Entry{Kind: KindInvoiceIssued, Actor: staffOrKith(iv.IssuedByID), staffID: iv.IssuedByID, Record: iv,
			Summary: invoiceSummary(iv, client)}
	case srcCommunication:
		c := l.comms[r.rid]
		if c == nil {
			return nil
		}
		return communicationEntry(c, client)
	}
	return nil
}

// people reads the staff and contacts the entries name, one statement each.
func (l *loaded) people(ctx context.Context, db *ent.Client, entries []*Entry) error {
	var staffIDs, contactIDs []pulid.ID
	for _, e := range entries {
		if e.staffID != "" {
			staffIDs = append(staffIDs, e.staffID)
		}
		if e.contactID != "" {
			contactIDs = append(contactIDs, e.contactID)
		}
	}
	var (
		staffByID    map[pulid.ID]*ent.Staff
		contactsByID map[pulid.ID]*ent.Contact
	)
	if len(staffIDs) > 0 {
		all, err := db.Staff.Query().Where(staff.IDIn(staffIDs...)).All(ctx)
		if err != nil {
			return fmt.Errorf("reading the timeline's staff: %w", err)
		}
		staffByID = byID(all, func(x *ent.Staff) pulid.ID { return x.ID })
	}
	if len(contactIDs) > 0 {
		all, err := db.Contact.Query().Where(contact.IDIn(contactIDs...)).All(ctx)
		if err != nil {
			return fmt.Errorf("reading the timeline's contacts: %w", err)
		}
		contactsByID = byID(all, func(x *ent.Contact) pulid.ID { return x.ID })
	}
	for _, e := range entries {
		e.Staff, e.Contact = staffByID[e.staffID], contactsByID[e.contactID]
		if e.Staff != nil && e.Actor == appointmentchange.ActorStaff && !e.unsigned {
			e.Summary += " by " + e.Staff.Name
		}
	}
	return nil
}

func staffOrKith(id pulid.ID) appointmentchange.Actor {
	if id != "" {
		return appointmentchange.ActorStaff
	}
	return appointmentchange.ActorKith
}

func clientOrContact(id pulid.ID) appointmentchange.Actor {
	if id != "" {
		return appointmentchange.ActorContact
	}
	return appointmentchange.ActorClient
}

// when writes t in zone, as a person reads it.
func when(t time.Time, zone string) string {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	return t.In(loc).Format("Mon 2 Jan 2006, 15:04 MST")
}

func appointmentSummary(c *ent.AppointmentChange, zone string) string {
	at := when(c.StartsAt, zone)
	switch c.Action {
	case appointmentchange.ActionBooked:
		return "Appointment booked for " + at
	case appointmentchange.ActionRescheduled:
		if c.PreviousStartsAt != nil {
			return "Appointment moved from " + when(*c.PreviousStartsAt, zone) + " to " + at
		}
		return "Appointment moved to " + at
	case appointmentchange.ActionCancelled:
		s := "Appointment of " + at + " cancelled"
		if c.Reason != "" {
			s += " (" + c.Reason + ")"
		}
		return s
	case appointmentchange.ActionConfirmed:
		return "Appointment of " + at + " confirmed"
	case appointmentchange.ActionCompleted:
		return "Appointment of " + at + " completed"
	case appointmentchange.ActionMissed:
		return "Appointment of " + at + " marked missed"
	}
	return "Appointment of " + at + " changed"
}

// words turns an UPPER_CASE name into lower-case words.
func words(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", " ")) }

// messageSummary says n in a line, naming the title of f, n's form, when
// there is one ("Form request "Consent" by email to Alex Rivera: queued").
func messageSummary(n *ent.Notification, f *ent.Form) string {
	kind := words(string(n.Kind))
	channel := "email"
	if n.Channel == "SMS" {
		channel = "SMS"
	}
	s := strings.ToUpper(kind[:1]) + kind[1:]
	if f != nil {
		s += fmt.Sprintf(" %q", f.Title)
	}
	s += " by " + channel + " to " + n.RecipientName + ": " + words(string(n.Status))
	if n.Reason != "" && (n.Status == notification.StatusSkipped || n.Status == notification.StatusFailed || n.Status == notification.StatusCancelled) {
		s += " (" + n.Reason + ")"
	}
	return s
}

func portalSummary(p *ent.PortalEvent) string {
	s := "Portal: " + words(p.Action)
	if p.Detail != "" {
		s += ": " + p.Detail
	}
	return s + " (" + p.Email + ")"
}

func paymentSummary(p *ent.Payment) string {
	return fmt.Sprintf("Payment of %s by %s: %s", amount(p.AmountCents, p.Currency), p.PaidBy, words(string(p.Status)))
}

// invoiceSummary says iv in a line, addressed to its billing contact as it
// stood then (billedTo) or to client.
func invoiceSummary(iv *ent.Invoice, client *ent.ClientProfile) string {
	to := strings.TrimSpace(client.FirstName + " " + client.LastName)
	if iv.BilledTo != nil && iv.BilledTo.Name != "" {
		to = iv.BilledTo.Name
	}
	return fmt.Sprintf("Invoice %s of %s to %s", iv.Number, amount(iv.TotalCents, iv.Currency), to)
}

// amount writes cents of currency as a person reads it: 140.00 CAD.
func amount(cents int, currency string) string {
	return fmt.Sprintf("%d.%02d %s", cents/100, cents%100, currency)
}

// communicationEntry is c's entry on client's timeline: "Call from Sam
// Rivera (answered, 4 min)", "Email to sam@example.com: Thursday", by
// the client or a contact when it came in, by staff (the one who logged a
// call) when it went out.
func communicationEntry(c *ent.Communication, client *ent.ClientProfile) *Entry {
	e := &Entry{Record: c, Kind: map[communication.Kind]Kind{communication.KindCall: KindCall, communication.KindEmail: KindEmail, communication.KindSMS: KindSMS}[c.Kind]}
	counterpart, way := c.FromAddress, "from"
	if c.Direction == communication.DirectionOutbound {
		counterpart, way = "", "to"
		if len(c.ToAddresses) > 0 {
			counterpart = c.ToAddresses[0]
		}
	}
	name, theClient := counterpart, counterpart != "" && (strings.EqualFold(counterpart, client.Email) || counterpart == client.MobilePhone)
	if theClient {
		name = strings.TrimSpace(client.FirstName + " " + client.LastName)
	}
	switch {
	case c.Direction == communication.DirectionOutbound:
		e.Actor, e.staffID = appointmentchange.ActorStaff, c.LoggedByID
	case theClient:
		e.Actor = appointmentchange.ActorClient
	default:
		e.Actor = appointmentchange.ActorContact
	}
	if name == "" {
		name = "an unknown " + map[bool]string{true: "number", false: "address"}[c.Kind != communication.KindEmail]
	}
	switch c.Kind {
	case communication.KindCall:
		e.Summary = "Call " + way + " " + name
		var details []string
		if c.Outcome != nil {
			details = append(details, words(string(*c.Outcome)))
		}
		if c.DurationSeconds != nil {
			details = append(details, duration(*c.DurationSeconds))
		}
		if c.Outcome == nil && c.EndedAt == nil && c.Status != nil && *c.Status == communication.StatusOpen {
			details = append(details, "in progress")
		}
		if len(details) > 0 {
			e.Summary += " (" + strings.Join(details, ", ") + ")"
		}
		if c.Title != "" {
			e.Summary += ": " + c.Title
		}
	case communication.KindEmail:
		subject := c.Subject
		if subject == "" {
			subject = "(no subject)"
		}
		e.Summary = "Email " + way + " " + name + ": " + subject
	default:
		e.Summary = "SMS " + way + " " + name + ": " + schematype.ClipLine(c.TextBody, 80)
	}
	return e
}

// duration writes seconds as a person reads a call's length: 45 s, 4 min.
func duration(seconds int) string {
	if seconds < 60 {
		return fmt.Sprintf("%d s", seconds)
	}
	return fmt.Sprintf("%d min", (seconds+30)/60)
}
