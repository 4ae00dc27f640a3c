package rule

import (
	"context"
	"slices"

	"entgo.io/ent"
	"entgo.io/ent/entql"

	"github.com/kith-health/kith"
	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/ent/privacy"
	"github.com/kith-health/kith/viewer"
)

// portalBookFields are the fields a portal booking may set (package booking
// sets them; the rest come from defaults and hooks).
var portalBookFields = []string{
	appointment.FieldID, appointment.FieldCreatedAt, appointment.FieldUpdatedAt, appointment.FieldOrganizationID,
	appointment.FieldClientID, appointment.FieldPractitionerID, appointment.FieldServiceID,
	appointment.FieldStartsAt, appointment.FieldEndsAt, appointment.FieldLocation, appointment.FieldTelehealthURL,
	appointment.FieldIdempotencyKey, appointment.FieldBookedVia, appointment.FieldStatus,
}

// portalMoveFields are the only fields a portal viewer may change on an
// appointment: what rescheduling and cancelling set.
var portalMoveFields = []string{
	appointment.FieldStartsAt, appointment.FieldEndsAt, appointment.FieldPractitionerID,
	appointment.FieldStatus, appointment.FieldCancellationReason, appointment.FieldCancelledAt,
	appointment.FieldUpdatedAt,
}

// AllowPortalAppointmentWrites lets a portal viewer who may manage the
// appointments of the client it acts for (viewer.Portal.CanManageAppointments:
// the client itself, or a contact whose link has can-manage-appointments)
// book, reschedule and cancel that client's appointments, and nothing else:
//   - create an appointment of the acting client, BOOKED, booked via PORTAL,
//     with no staff author and no notes;
//   - update one appointment of the acting client (the update is narrowed
//     to its rows, so another client's reads as missing), changing only its
//     start, end, practitioner, status (to CANCELLED only) and cancellation.
//
// A portal viewer acting for nobody is refused as NOT_FOUND; one that may
// not manage appointments as FORBIDDEN (it may see them); any other write
// as FORBIDDEN. The booking rules themselves (hours, notice, overlaps) are
// package booking's and the appointment hooks'. Other viewers are left to
// the next rule.
func AllowPortalAppointmentWrites() privacy.MutationRule {
	return privacy.AppointmentMutationRuleFunc(func(ctx context.Context, m *gen.AppointmentMutation) error {
		p, ok := viewer.PortalFromContext(ctx)
		if !ok {
			return privacy.Skip
		}
		switch {
		case p.ClientID == "":
			return privacy.Denyf("%w", kith.ErrNotFound)
		case !p.CanManageAppointments:
			return privacy.Denyf("%w", kith.ErrForbidden)
		case len(m.ClearedFields()) > 0 || len(m.AddedFields()) > 0:
			return privacy.Denyf("%w", kith.ErrForbidden)
		}
		switch {
		case m.Op().Is(ent.OpCreate):
			client, _ := m.ClientID()
			via, _ := m.BookedVia()
			status, ok := m.Status()
			if client != p.ClientID || via != appointment.BookedViaPortal || (ok && status != appointment.StatusBooked) ||
				!only(touched(m), portalBookFields) {
				return privacy.Denyf("%w", kith.ErrForbidden)
			}
			return privacy.Allow
		case m.Op().Is(ent.OpUpdateOne):
			if status, ok := m.Status(); (ok && status != appointment.StatusCancelled) || !only(touched(m), portalMoveFields) {
				return privacy.Denyf("%w", kith.ErrForbidden)
			}
			m.Filter().Where(entql.FieldEQ(appointment.FieldClientID, string(p.ClientID)))
			return privacy.Allow
		default:
			return privacy.Denyf("%w", kith.ErrForbidden)
		}
	})
}

// only reports whether every field is one of allowed.
func only(fields, allowed []string) bool {
	for _, f := range fields {
		if !slices.Contains(allowed, f) {
			return false
		}
	}
	return true
}

// AllowPortalBookableServices lets a portal viewer read the services the
// practice offers online (bookable_online), as anyone may through the
// widget; others read as missing. Booking links an appointment to its
// service, which the viewer must see. Other viewers are left to the next rule.
func AllowPortalBookableServices() privacy.QueryMutationRule {
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		if _, ok := viewer.PortalFromContext(ctx); !ok {
			return privacy.Skip
		}
		f.Where(entql.FieldEQ("bookable_online", true))
		return privacy.Allow
	})
}
