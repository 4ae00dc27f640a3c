package schema

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"time"

	"entgo.io/ent"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/database/transaction"
	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointmentchange"
	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/ent/clientprofile"
	"github.com/kith-health/kith/ent/communication"
	"github.com/kith-health/kith/ent/effect"
	"github.com/kith-health/kith/ent/form"
	"github.com/kith-health/kith/ent/hook"
	"github.com/kith-health/kith/ent/invoice"
	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/ent/payment"
	"github.com/kith-health/kith/ent/phoneoptout"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
)

// txMutation is a mutation that tells the transaction it runs in: every
// generated mutation is one.
type txMutation interface {
	Tx() (*gen.Tx, error)
}

// emit tells the client's Events (package event) of e in the change's
// transaction, so that it is written with the change and delivered to the
// organisation's webhook endpoints once it commits. Without Events attached
// (a tool without a server) nothing is told. A change written through a
// transaction's client whose ctx does not carry that transaction (a
// context made before it began) is told in it all the same: ctx is given
// m's transaction.
func emit(ctx context.Context, m txMutation, s *effect.Slot, es ...effect.Event) error {
	events := s.Events()
	if events == nil || len(es) == 0 {
		return nil
	}
	if transaction.From(ctx) == nil {
		if tx, err := m.Tx(); err == nil {
			ctx = transaction.With(ctx, tx)
		}
	}
	if err := events.Emit(ctx, es...); err != nil {
		return fmt.Errorf("writing the %s event: %w", es[0].Type, err)
	}
	return nil
}

// appointmentEvents are the event types of an appointment's history.
var appointmentEvents = map[appointmentchange.Action]schematype.EventType{
	appointmentchange.ActionBooked:      schematype.EventAppointmentBooked,
	appointmentchange.ActionRescheduled: schematype.EventAppointmentRescheduled,
	appointmentchange.ActionCancelled:   schematype.EventAppointmentCancelled,
	appointmentchange.ActionConfirmed:   schematype.EventAppointmentConfirmed,
	appointmentchange.ActionMissed:      schematype.EventAppointmentMissed,
	appointmentchange.ActionCompleted:   schematype.EventAppointmentCompleted,
}

// emitAppointmentEvents tells, after an appointment is written, of the
// appointment.* event of each change to its history (changeActions, as
// recordAppointmentChange records them): appointment.booked for a new one,
// .rescheduled when it moved, and .confirmed, .cancelled, .completed or
// .missed as its status changes.
func emitAppointmentEvents() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.AppointmentFunc(func(ctx context.Context, m *gen.AppointmentMutation) (ent.Value, error) {
			previous, err := previousStart(ctx, m)
			if err != nil {
				return nil, err
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			a, ok := v.(*gen.Appointment)
			if !ok {
				return v, nil
			}
			for _, action := range changeActions(m, a, previous) {
				if err := emitAppointmentEvent(ctx, m, a, action, previous); err != nil {
					return nil, err
				}
			}
			return v, nil
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}

// emitAppointmentEvent tells of the event of one change to a's history:
// its times, status, people and how it was booked, never its notes or
// address.
func emitAppointmentEvent(ctx context.Context, m *gen.AppointmentMutation, a *gen.Appointment, action appointmentchange.Action, previous *time.Time) error {
	t, ok := appointmentEvents[action]
	if !ok {
		return nil
	}
	actor := actorOf(ctx, a, action)
	data := map[string]any{
		"clientId":       a.ClientID,
		"practitionerId": a.PractitionerID,
		"startsAt":       a.StartsAt.UTC(),
		"endsAt":         a.EndsAt.UTC(),
		"timeZone":       a.TimeZone,
		"status":         a.Status,
		"bookedVia":      a.BookedVia,
		"actor":          actor,
	}
	if a.ServiceID != "" {
		data["serviceId"] = a.ServiceID
	}
	if a.PracticeLocationID != "" {
		data["practiceLocationId"] = a.PracticeLocationID
	}
	if previous != nil && action == appointmentchange.ActionRescheduled {
		data["previousStartsAt"] = previous.UTC()
	}
	return emit(ctx, m, m.Effects, effect.Event{Type: t, OrganizationID: a.OrganizationID, ObjectID: a.ID, Data: data})
}

// eventsOn is whether a mutation on s may cause integrator events: only
// with Events attached. Hooks check it before any read an event alone
// needs, so that a client without Events (a CLI tool) pays nothing.
func eventsOn(s *effect.Slot) bool { return s.Events() != nil }

// clientUnchanged are the fields of a client whose change is no
// client.updated: the time of the write, and its portal access, which has
// events of its own (portal.access_granted, .access_revoked).
var clientUnchanged = []string{clientprofile.FieldUpdatedAt, clientprofile.FieldPortalStatus}

// emitClientEvents tells, after a client is written, of client.created for
// a new one, and of client.updated, with the GraphQL names of the fields
// and edges that changed (changedFields, never their values), for a change
// to one; a change that changes nothing (the same values written again, or
// only its portal access) tells nothing.
func emitClientEvents() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.ClientProfileFunc(func(ctx context.Context, m *gen.ClientProfileMutation) (ent.Value, error) {
			if !eventsOn(m.Effects) {
				return next.Mutate(ctx, m)
			}
			var changed []string
			if m.Op().Is(ent.OpUpdateOne) {
				var err error
				if changed, err = changedFields(ctx, m, clientUnchanged); err != nil {
					return nil, err
				}
				if len(changed) == 0 {
					return next.Mutate(ctx, m)
				}
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			c, ok := v.(*gen.ClientProfile)
			if !ok {
				return v, nil
			}
			e := effect.Event{Type: schematype.EventClientCreated, OrganizationID: c.OrganizationID, ObjectID: c.ID,
				Data: map[string]any{"status": c.Status, "portalStatus": c.PortalStatus}}
			if m.Op().Is(ent.OpUpdateOne) {
				e.Type, e.Data["changedFields"] = schematype.EventClientUpdated, changed
			}
			return v, emit(ctx, m, m.Effects, e)
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}

// changedFields are the GraphQL names, sorted, of the fields m sets to
// another value than the row had, or clears while set, and of the edges it
// adds or removes, but for those of skip. It reads the row once (before it
// is written).
func changedFields(ctx context.Context, m ent.Mutation, skip []string) ([]string, error) {
	var out []string
	for _, f := range m.Fields() {
		if slices.Contains(skip, f) {
			continue
		}
		v, _ := m.Field(f)
		old, err := m.OldField(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("reading the %s before the change: %w", f, err)
		}
		if !sameValue(old, v) {
			out = append(out, kith.CamelCase(f))
		}
	}
	for _, f := range m.ClearedFields() {
		if slices.Contains(skip, f) {
			continue
		}
		old, err := m.OldField(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("reading the %s before the change: %w", f, err)
		}
		if !isZero(old) {
			out = append(out, kith.CamelCase(f))
		}
	}
	for _, e := range slices.Concat(m.AddedEdges(), m.RemovedEdges(), m.ClearedEdges()) {
		if name := kith.CamelCase(e); !slices.Contains(out, name) && !isFieldEdge(m, e) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// isFieldEdge reports whether edge e of m is held by a field m changes
// (default_location by default_location_id), which changedFields names.
func isFieldEdge(m ent.Mutation, e string) bool {
	for _, f := range slices.Concat(m.Fields(), m.ClearedFields()) {
		if f == e+"_id" {
			return true
		}
	}
	return false
}

// sameValue reports whether a field's old and new values are the same,
// pointers followed (an optional Nillable field's old value is one); an
// empty list is the same as none.
func sameValue(old, v any) bool {
	return reflect.DeepEqual(deref(old), deref(v)) || (emptyList(old) && emptyList(v))
}

// emptyList reports whether v is a list (or map) with nothing in it.
func emptyList(v any) bool {
	r := reflect.ValueOf(deref(v))
	return (r.Kind() == reflect.Slice || r.Kind() == reflect.Map) && r.Len() == 0
}

// isZero reports whether a field's old value is empty: clearing it
// changes nothing.
func isZero(v any) bool {
	v = deref(v)
	return v == nil || reflect.ValueOf(v).IsZero() || (reflect.ValueOf(v).Kind() == reflect.Slice && reflect.ValueOf(v).Len() == 0)
}

// deref is what v points to, or v; nil for a nil pointer.
func deref(v any) any {
	r := reflect.ValueOf(v)
	for r.Kind() == reflect.Pointer {
		if r.IsNil() {
			return nil
		}
		r = r.Elem()
	}
	if !r.IsValid() {
		return nil
	}
	return r.Interface()
}

// portalEvents are the event types of a portal status a client's or a
// link's access moves to.
var portalEvents = map[schematype.PortalStatus]schematype.EventType{
	schematype.PortalStatusActive:  schematype.EventPortalAccessGranted,
	schematype.PortalStatusRevoked: schematype.EventPortalAccessRevoked,
}

// portalMutation is a mutation of a client's or a link's portal access.
type portalMutation interface {
	txMutation
	PortalStatus() (schematype.PortalStatus, bool)
	OldPortalStatus(context.Context) (schematype.PortalStatus, error)
}

// portalChange is the portal event m, an update of one row, causes: the
// status it moves the row's portal access to, when that is ACTIVE (the
// invitation was claimed) or REVOKED and the row was not in it already.
func portalChange(ctx context.Context, m portalMutation) (schematype.EventType, schematype.PortalStatus, error) {
	s, set := m.PortalStatus()
	t, ok := portalEvents[s]
	if !set || !ok {
		return "", "", nil
	}
	old, err := m.OldPortalStatus(ctx)
	if err != nil {
		return "", "", fmt.Errorf("reading the portal access before the change: %w", err)
	}
	if old == s {
		return "", "", nil
	}
	return t, old, nil
}

// emitClientPortalEvents tells, after a client's own portal access
// changes, of portal.access_granted when it becomes ACTIVE (the client
// claimed its invitation) and of portal.access_revoked when it is revoked.
// The event is about the client (data.id is its ID).
func emitClientPortalEvents() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.ClientProfileFunc(func(ctx context.Context, m *gen.ClientProfileMutation) (ent.Value, error) {
			if !eventsOn(m.Effects) {
				return next.Mutate(ctx, m)
			}
			t, previous, err := portalChange(ctx, m)
			if err != nil || t == "" {
				return nextOr(ctx, m, next, err)
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			c, ok := v.(*gen.ClientProfile)
			if !ok {
				return v, nil
			}
			return v, emit(ctx, m, m.Effects, effect.Event{Type: t, OrganizationID: c.OrganizationID, ObjectID: c.ID, Data: map[string]any{
				"clientId": c.ID, "portalStatus": c.PortalStatus, "previousPortalStatus": previous,
			}})
		})
	}, ent.OpUpdateOne)
}

// nextOr is err when set, else m written through next.
func nextOr(ctx context.Context, m ent.Mutation, next ent.Mutator, err error) (ent.Value, error) {
	if err != nil {
		return nil, err
	}
	return next.Mutate(ctx, m)
}

// linkData is what a link's events say of it: the client, the contact and
// how they are linked; never the contact's name or addresses.
func linkData(l *gen.ClientContact) map[string]any {
	types := l.ContactTypes
	if types == nil {
		types = []schematype.ContactType{}
	}
	return map[string]any{
		"clientId": l.ClientID, "contactId": l.ContactID, "relationship": l.Relationship, "contactTypes": types,
	}
}

// emitLinkEvents tells, after a contact is linked to a client, of
// contact.linked, and after a link is removed, of contact.unlinked (for
// each link a bulk delete removes: they are read before); both are about
// the link (data.id is its ID). A link's portal access becoming ACTIVE or
// REVOKED tells portal.access_granted or .access_revoked, with its scopes.
func emitLinkEvents() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.ClientContactFunc(func(ctx context.Context, m *gen.ClientContactMutation) (ent.Value, error) {
			if !eventsOn(m.Effects) {
				return next.Mutate(ctx, m)
			}
			switch {
			case m.Op().Is(ent.OpDelete | ent.OpDeleteOne):
				return unlink(ctx, m, next)
			case m.Op().Is(ent.OpUpdateOne):
				return linkPortal(ctx, m, next)
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			l, ok := v.(*gen.ClientContact)
			if !ok {
				return v, nil
			}
			return v, emit(ctx, m, m.Effects, effect.Event{Type: schematype.EventContactLinked, OrganizationID: l.OrganizationID, ObjectID: l.ID, Data: linkData(l)})
		})
	}, ent.OpCreate|ent.OpUpdateOne|ent.OpDelete|ent.OpDeleteOne)
}

// unlink removes the links m deletes, read first, and tells of
// contact.unlinked for each.
func unlink(ctx context.Context, m *gen.ClientContactMutation, next ent.Mutator) (ent.Value, error) {
	ids, err := m.IDs(ctx)
	if err != nil || len(ids) == 0 {
		return nextOr(ctx, m, next, err)
	}
	links, err := m.Client().ClientContact.Query().Where(clientcontact.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the links before they are removed: %w", err)
	}
	v, err := next.Mutate(ctx, m)
	if err != nil {
		return v, err
	}
	es := make([]effect.Event, len(links))
	for i, l := range links {
		es[i] = effect.Event{Type: schematype.EventContactUnlinked, OrganizationID: l.OrganizationID, ObjectID: l.ID, Data: linkData(l)}
	}
	return v, emit(ctx, m, m.Effects, es...)
}

// linkPortal writes m, an update of one link, and tells of the portal
// event its change of portal access causes, if any.
func linkPortal(ctx context.Context, m *gen.ClientContactMutation, next ent.Mutator) (ent.Value, error) {
	t, previous, err := portalChange(ctx, m)
	if err != nil || t == "" {
		return nextOr(ctx, m, next, err)
	}
	v, err := next.Mutate(ctx, m)
	if err != nil {
		return v, err
	}
	l, ok := v.(*gen.ClientContact)
	if !ok {
		return v, nil
	}
	scopes := l.PortalScopes
	if scopes == nil {
		scopes = []schematype.PortalScope{}
	}
	return v, emit(ctx, m, m.Effects, effect.Event{Type: t, OrganizationID: l.OrganizationID, ObjectID: l.ID, Data: map[string]any{
		"clientId": l.ClientID, "contactId": l.ContactID, "portalStatus": l.PortalStatus, "previousPortalStatus": previous,
		"portalScopes": scopes, "canManageAppointments": l.CanManageAppointments,
	}})
}

// notificationEvents are the event types of the statuses a notification
// moves to.
var notificationEvents = map[notification.Status]schematype.EventType{
	notification.StatusSent:      schematype.EventNotificationSent,
	notification.StatusDelivered: schematype.EventNotificationDelivered,
	notification.StatusFailed:    schematype.EventNotificationFailed,
	notification.StatusSkipped:   schematype.EventNotificationSkipped,
}

// emitNotificationEvents tells, after a notification moves to SENT,
// DELIVERED, FAILED or SKIPPED, or is created in one of them (skipped or
// failed at once), of notification.sent, .delivered, .failed or .skipped.
// The notifier and the providers' reports move notifications in bulk
// updates (conditional on their status, so that a report never moves one
// backwards): each row such an update moved tells its own event, the rows
// read after the update by the IDs that matched before it.
func emitNotificationEvents() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.NotificationFunc(func(ctx context.Context, m *gen.NotificationMutation) (ent.Value, error) {
			s, set := m.Status()
			if _, ok := notificationEvents[s]; !ok || !set || !eventsOn(m.Effects) {
				return next.Mutate(ctx, m)
			}
			if m.Op().Is(ent.OpUpdate) {
				return updateNotifications(ctx, m, next, s)
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			n, ok := v.(*gen.Notification)
			if !ok {
				return v, nil
			}
			e, ok := notificationEvent(n)
			if !ok {
				return v, nil
			}
			return v, emit(ctx, m, m.Effects, e)
		})
	}, ent.OpCreate|ent.OpUpdateOne|ent.OpUpdate)
}

// updateNotifications writes m, a bulk update moving notifications to s,
// confined to the rows it matches now, and tells of the event of each row
// it moved, read again after the update.
func updateNotifications(ctx context.Context, m *gen.NotificationMutation, next ent.Mutator, s notification.Status) (ent.Value, error) {
	ids, err := m.IDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("finding the notifications to update: %w", err)
	}
	if len(ids) == 0 {
		return next.Mutate(ctx, m)
	}
	m.Where(notification.IDIn(ids...))
	v, err := next.Mutate(ctx, m)
	if err != nil {
		return v, err
	}
	if n, ok := v.(int); ok && n == 0 {
		return v, nil
	}
	ns, err := m.Client().Notification.Query().Where(notification.IDIn(ids...), notification.StatusEQ(s)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the updated notifications: %w", err)
	}
	es := make([]effect.Event, 0, len(ns))
	for _, n := range ns {
		if e, ok := notificationEvent(n); ok {
			es = append(es, e)
		}
	}
	return v, emit(ctx, m, m.Effects, es...)
}

// notificationEvent is the event of n's status, if it has one: its kind,
// channel, status and times, and whom and what it was for by ID; never its
// address, recipient's name, wording or reason (a provider's may quote the
// address).
func notificationEvent(n *gen.Notification) (effect.Event, bool) {
	t, ok := notificationEvents[n.Status]
	if !ok {
		return effect.Event{}, false
	}
	data := map[string]any{"clientId": n.ClientID, "kind": n.Kind, "channel": n.Channel, "status": n.Status, "attempts": n.Attempts}
	for k, id := range map[string]pulid.ID{"appointmentId": n.AppointmentID, "contactId": n.ContactID, "formId": n.FormID, "scheduledMessageId": n.ScheduledMessageID} {
		if id != "" {
			data[k] = id
		}
	}
	for k, at := range map[string]*time.Time{"sentAt": n.SentAt, "deliveredAt": n.DeliveredAt, "failedAt": n.FailedAt} {
		if at != nil {
			data[k] = at.UTC()
		}
	}
	return effect.Event{Type: t, OrganizationID: n.OrganizationID, ObjectID: n.ID, Data: data}, true
}

// emitOptOutEvents tells, after a number texts STOP (its opt-out is
// written), of sms.opted_out, and after it texts START (its opt-out is
// removed, read first), of sms.opted_in: each about the opt-out (data.id
// is its ID, which phoneOptOuts lists while it stands), with the word it
// texted, never the number.
func emitOptOutEvents() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.PhoneOptOutFunc(func(ctx context.Context, m *gen.PhoneOptOutMutation) (ent.Value, error) {
			if !eventsOn(m.Effects) {
				return next.Mutate(ctx, m)
			}
			if m.Op().Is(ent.OpCreate) {
				v, err := next.Mutate(ctx, m)
				if err != nil {
					return v, err
				}
				o, ok := v.(*gen.PhoneOptOut)
				if !ok {
					return v, nil
				}
				return v, emit(ctx, m, m.Effects, effect.Event{Type: schematype.EventSMSOptedOut, OrganizationID: o.OrganizationID, ObjectID: o.ID,
					Data: map[string]any{"keyword": o.Keyword, "optedOutAt": o.CreatedAt.UTC()}})
			}
			ids, err := m.IDs(ctx)
			if err != nil || len(ids) == 0 {
				return nextOr(ctx, m, next, err)
			}
			outs, err := m.Client().PhoneOptOut.Query().Where(phoneoptout.IDIn(ids...)).All(ctx)
			if err != nil {
				return nil, fmt.Errorf("reading the opt-outs before they are lifted: %w", err)
			}
			m.Where(phoneoptout.IDIn(ids...))
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			if n, ok := v.(int); ok && n == 0 {
				return v, nil
			}
			es := make([]effect.Event, len(outs))
			for i, o := range outs {
				es[i] = effect.Event{Type: schematype.EventSMSOptedIn, OrganizationID: o.OrganizationID, ObjectID: o.ID,
					Data: map[string]any{"keyword": o.Keyword, "optedOutAt": o.CreatedAt.UTC()}}
			}
			return v, emit(ctx, m, m.Effects, es...)
		})
	}, ent.OpCreate|ent.OpDelete|ent.OpDeleteOne)
}

// emitFormEvents tells, after a form is submitted, of form.submitted: whom
// it is for, who was asked and when it was submitted; never its title,
// questions, answers or signature.
func emitFormEvents() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.FormFunc(func(ctx context.Context, m *gen.FormMutation) (ent.Value, error) {
			if s, set := m.Status(); !set || s != form.StatusSubmitted || !eventsOn(m.Effects) {
				return next.Mutate(ctx, m)
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			f, ok := v.(*gen.Form)
			if !ok {
				return v, nil
			}
			data := map[string]any{"clientId": f.ClientID, "status": f.Status, "signed": f.SignedAt != nil}
			if f.ContactID != "" {
				data["contactId"] = f.ContactID
			}
			if f.AppointmentID != "" {
				data["appointmentId"] = f.AppointmentID
			}
			if f.SubmittedAt != nil {
				data["submittedAt"] = f.SubmittedAt.UTC()
			}
			return v, emit(ctx, m, m.Effects, effect.Event{Type: schematype.EventFormSubmitted, OrganizationID: f.OrganizationID, ObjectID: f.ID, Data: data})
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}

// emitInvoiceEvents tells, after an invoice is marked PAID, of
// invoice.paid: its client, number, total and currency and when it was
// paid; never its lines or whom it is billed to.
func emitInvoiceEvents() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.InvoiceFunc(func(ctx context.Context, m *gen.InvoiceMutation) (ent.Value, error) {
			if s, set := m.Status(); !set || s != invoice.StatusPaid || !eventsOn(m.Effects) {
				return next.Mutate(ctx, m)
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			inv, ok := v.(*gen.Invoice)
			if !ok {
				return v, nil
			}
			data := map[string]any{"clientId": inv.ClientID, "number": inv.Number, "totalCents": inv.TotalCents, "currency": inv.Currency, "status": inv.Status}
			if inv.PaidAt != nil {
				data["paidAt"] = inv.PaidAt.UTC()
			}
			return v, emit(ctx, m, m.Effects, effect.Event{Type: schematype.EventInvoicePaid, OrganizationID: inv.OrganizationID, ObjectID: inv.ID, Data: data})
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}

// emitPaymentEvents tells, after a payment fails (the card was declined),
// of payment.failed: its invoice, client, amount and currency; never the
// decline's reason, the card or the payer's email. Package billing moves
// a payment in a bulk update conditional on it still being PENDING: the
// payment it moved is read after it, by the ID that matched before.
func emitPaymentEvents() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.PaymentFunc(func(ctx context.Context, m *gen.PaymentMutation) (ent.Value, error) {
			if s, set := m.Status(); !set || s != payment.StatusFailed || !eventsOn(m.Effects) {
				return next.Mutate(ctx, m)
			}
			if !m.Op().Is(ent.OpUpdate) {
				v, err := next.Mutate(ctx, m)
				if err != nil {
					return v, err
				}
				p, ok := v.(*gen.Payment)
				if !ok {
					return v, nil
				}
				return v, emit(ctx, m, m.Effects, paymentEvent(p))
			}
			ids, err := m.IDs(ctx)
			if err != nil || len(ids) == 0 {
				return nextOr(ctx, m, next, err)
			}
			m.Where(payment.IDIn(ids...))
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			if n, ok := v.(int); ok && n == 0 {
				return v, nil
			}
			ps, err := m.Client().Payment.Query().Where(payment.IDIn(ids...), payment.StatusEQ(payment.StatusFailed)).All(ctx)
			if err != nil {
				return nil, fmt.Errorf("reading the updated payments: %w", err)
			}
			es := make([]effect.Event, len(ps))
			for i, p := range ps {
				es[i] = paymentEvent(p)
			}
			return v, emit(ctx, m, m.Effects, es...)
		})
	}, ent.OpCreate|ent.OpUpdateOne|ent.OpUpdate)
}

// paymentEvent is payment.failed for p.
func paymentEvent(p *gen.Payment) effect.Event {
	data := map[string]any{"invoiceId": p.InvoiceID, "clientId": p.ClientID, "amountCents": p.AmountCents, "currency": p.Currency, "status": p.Status}
	if p.ContactID != "" {
		data["contactId"] = p.ContactID
	}
	return effect.Event{Type: schematype.EventPaymentFailed, OrganizationID: p.OrganizationID, ObjectID: p.ID, Data: data}
}

// emitCommunicationEvents tells, after a communication is recorded, of
// communication.created, and also of sms.reply_received for an INBOUND SMS
// (every SMS to the practice's number that is not a keyword kith acts on:
// STOP, START, HELP and confirmations have events of their own, or none);
// and after a call is closed (or recorded closed), of communication.closed.
// Each is about the communication (data.id is its ID) with its kind,
// direction, source and times; never its title, description, bodies,
// addresses or attachments.
func emitCommunicationEvents() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.CommunicationFunc(func(ctx context.Context, m *gen.CommunicationMutation) (ent.Value, error) {
			s, set := m.Status()
			closing := set && s == communication.StatusClosed
			if !eventsOn(m.Effects) || (m.Op().Is(ent.OpUpdateOne) && !closing) {
				return next.Mutate(ctx, m)
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			c, ok := v.(*gen.Communication)
			if !ok {
				return v, nil
			}
			var types []schematype.EventType
			if m.Op().Is(ent.OpCreate) {
				types = append(types, schematype.EventCommunicationCreated)
				if c.Kind == communication.KindSMS && c.Direction == communication.DirectionInbound {
					types = append(types, schematype.EventSMSReplyReceived)
				}
			}
			if closing {
				types = append(types, schematype.EventCommunicationClosed)
			}
			es := make([]effect.Event, len(types))
			for i, t := range types {
				es[i] = effect.Event{Type: t, OrganizationID: c.OrganizationID, ObjectID: c.ID, Data: communicationData(c)}
			}
			return v, emit(ctx, m, m.Effects, es...)
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}

// communicationData is what c's events say of it.
func communicationData(c *gen.Communication) map[string]any {
	data := map[string]any{"kind": c.Kind, "direction": c.Direction, "source": c.Source, "occurredAt": c.OccurredAt.UTC()}
	if c.Status != nil {
		data["status"] = *c.Status
	}
	if c.MailboxID != "" {
		data["mailboxId"] = c.MailboxID
	}
	for k, at := range map[string]*time.Time{"startedAt": c.StartedAt, "answeredAt": c.AnsweredAt, "endedAt": c.EndedAt, "closedAt": c.ClosedAt} {
		if at != nil {
			data[k] = at.UTC()
		}
	}
	if c.DurationSeconds != nil {
		data["durationSeconds"] = *c.DurationSeconds
	}
	if c.Outcome != nil {
		data["outcome"] = *c.Outcome
	}
	if c.ClosedAt != nil {
		data["closedAutomatically"] = c.ClosedAutomatically
		if c.ClosedByID != "" {
			data["closedById"] = c.ClosedByID
		}
	}
	return data
}
