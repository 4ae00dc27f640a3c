package schematype

import (
	"fmt"
	"slices"
)

// EventType is the type of an event kith tells integrators of by webhook,
// such as appointment.booked: what webhook endpoints subscribe to and the
// "type" of each payload (package webhook).
type EventType string

// The event types an endpoint may subscribe to.
const (
	EventAppointmentBooked      EventType = "appointment.booked"
	EventAppointmentRescheduled EventType = "appointment.rescheduled"
	EventAppointmentCancelled   EventType = "appointment.cancelled"
	EventAppointmentConfirmed   EventType = "appointment.confirmed"
	EventAppointmentMissed      EventType = "appointment.missed"
	EventAppointmentCompleted   EventType = "appointment.completed"
	EventClientCreated          EventType = "client.created"
	EventClientUpdated          EventType = "client.updated"
	EventContactLinked          EventType = "contact.linked"
	EventContactUnlinked        EventType = "contact.unlinked"
	EventNotificationSent       EventType = "notification.sent"
	EventNotificationDelivered  EventType = "notification.delivered"
	EventNotificationFailed     EventType = "notification.failed"
	EventNotificationSkipped    EventType = "notification.skipped"
	EventSMSOptedOut            EventType = "sms.opted_out"
	EventSMSOptedIn             EventType = "sms.opted_in"
	EventSMSReplyReceived       EventType = "sms.reply_received"
	EventPortalAccessGranted    EventType = "portal.access_granted"
	EventPortalAccessRevoked    EventType = "portal.access_revoked"
	EventFormSubmitted          EventType = "form.submitted"
	EventInvoicePaid            EventType = "invoice.paid"
	EventPaymentFailed          EventType = "payment.failed"
	EventCommunicationCreated   EventType = "communication.created"
	EventCommunicationClosed    EventType = "communication.closed"
)

// EventWebhookTest is the type of the event sendTestWebhook sends to one
// endpoint, whatever it subscribes to; no endpoint subscribes to it.
const EventWebhookTest EventType = "webhook.test"

// EventTypes lists the event types an endpoint may subscribe to, in the
// order the documentation gives them.
var EventTypes = []EventType{
	EventAppointmentBooked, EventAppointmentRescheduled, EventAppointmentCancelled,
	EventAppointmentConfirmed, EventAppointmentMissed, EventAppointmentCompleted,
	EventClientCreated, EventClientUpdated, EventContactLinked, EventContactUnlinked,
	EventNotificationSent, EventNotificationDelivered, EventNotificationFailed, EventNotificationSkipped,
	EventSMSOptedOut, EventSMSOptedIn, EventSMSReplyReceived,
	EventPortalAccessGranted, EventPortalAccessRevoked, EventFormSubmitted,
	EventInvoicePaid, EventPaymentFailed, EventCommunicationCreated, EventCommunicationClosed,
}

// CheckEventTypes checks an endpoint's subscription: at least one type,
// each one kith sends (see EventTypes). It returns them without repeats,
// in EventTypes' order.
func CheckEventTypes(types []string) ([]EventType, error) {
	if len(types) == 0 {
		return nil, fmt.Errorf("is empty: subscribe to at least one event type, such as %s", EventAppointmentBooked)
	}
	out := make([]EventType, 0, len(types))
	for _, t := range EventTypes {
		if slices.Contains(types, string(t)) {
			out = append(out, t)
		}
	}
	for _, t := range types {
		if !slices.Contains(EventTypes, EventType(t)) {
			return nil, fmt.Errorf("holds %q, which is not an event type kith sends; the types are listed in the README's Webhooks section", Clip(t, 40))
		}
	}
	return out, nil
}
