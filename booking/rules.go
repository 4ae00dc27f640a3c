package booking

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
)

// Rules are the booking rules that apply to one service: the organisation's,
// overridden by the service's where it sets them.
type Rules struct {
	// MinNoticeMinutes: clients book at least this long before the start.
	MinNoticeMinutes int
	// MaxAdvanceDays: clients book at most this many days ahead.
	MaxAdvanceDays int
	// CancelMinNoticeMinutes: clients cancel at least this long before the start.
	CancelMinNoticeMinutes int
	// RescheduleMinNoticeMinutes: clients reschedule at least this long before the start.
	RescheduleMinNoticeMinutes int
	// SlotIntervalMinutes is the step between offered start times.
	SlotIntervalMinutes int
	// BufferBeforeMinutes must be free of appointments before an appointment.
	BufferBeforeMinutes int
	// BufferAfterMinutes must be free of appointments after an appointment.
	BufferAfterMinutes int
	// RequireCancellationReason: clients give a reason to cancel.
	RequireCancellationReason bool
	// Location is the practice's time zone, in which MaxAdvanceDays counts
	// calendar days; nil is UTC.
	Location *time.Location
}

// Effective returns the rules of svc: org's, overridden by svc's non-null
// overrides. A nil svc gives the organisation's rules.
func Effective(org *ent.Organization, svc *ent.Service) Rules {
	r := Rules{
		MinNoticeMinutes:           org.BookingMinNoticeMinutes,
		MaxAdvanceDays:             org.BookingMaxAdvanceDays,
		CancelMinNoticeMinutes:     org.CancelMinNoticeMinutes,
		RescheduleMinNoticeMinutes: org.RescheduleMinNoticeMinutes,
		SlotIntervalMinutes:        org.SlotIntervalMinutes,
		BufferBeforeMinutes:        org.BufferBeforeMinutes,
		BufferAfterMinutes:         org.BufferAfterMinutes,
		RequireCancellationReason:  org.RequireCancellationReason,
	}
	r.Location, _ = Location(org.TimeZone) // a zone that does not load counts in UTC
	if r.Location == nil {
		r.Location = time.UTC
	}
	if svc == nil {
		return r
	}
	over := func(dst *int, v *int) {
		if v != nil {
			*dst = *v
		}
	}
	over(&r.MinNoticeMinutes, svc.BookingMinNoticeMinutes)
	over(&r.MaxAdvanceDays, svc.BookingMaxAdvanceDays)
	over(&r.CancelMinNoticeMinutes, svc.CancelMinNoticeMinutes)
	over(&r.RescheduleMinNoticeMinutes, svc.RescheduleMinNoticeMinutes)
	over(&r.SlotIntervalMinutes, svc.SlotIntervalMinutes)
	over(&r.BufferBeforeMinutes, svc.BufferBeforeMinutes)
	over(&r.BufferAfterMinutes, svc.BufferAfterMinutes)
	if svc.RequireCancellationReason != nil {
		r.RequireCancellationReason = *svc.RequireCancellationReason
	}
	if r.SlotIntervalMinutes <= 0 {
		r.SlotIntervalMinutes = 15 // rows written before the rule existed
	}
	return r
}

func minutes(n int) time.Duration { return time.Duration(n) * time.Minute }

// Earliest is the earliest start a client may book at now.
func (r Rules) Earliest(now time.Time) time.Time { return now.Add(minutes(r.MinNoticeMinutes)) }

// Latest is the instant a client's booking must start before: the same
// wall-clock time MaxAdvanceDays calendar days after now in the practice's
// zone, so a day across a daylight-saving change is 23 or 25 hours.
func (r Rules) Latest(now time.Time) time.Time {
	loc := r.Location
	if loc == nil {
		loc = time.UTC
	}
	return now.In(loc).AddDate(0, 0, r.MaxAdvanceDays)
}

// CheckCancel says whether an appointment starting at start may be cancelled
// at now with reason: staff always may; clients with enough notice and, when
// the rules require one, a reason.
func (r Rules) CheckCancel(start, now time.Time, reason string, asStaff bool) error {
	if asStaff {
		return nil
	}
	if start.Sub(now) < minutes(r.CancelMinNoticeMinutes) {
		return kith.Invalid("id", "appointments can be cancelled online up to %s before they start; call the practice", humanMinutes(r.CancelMinNoticeMinutes))
	}
	if r.RequireCancellationReason && strings.TrimSpace(reason) == "" {
		return kith.Invalid("reason", "give a reason to cancel")
	}
	return nil
}

// CheckReschedule says whether an appointment starting at start may be moved
// at now: staff always may; clients with enough notice.
func (r Rules) CheckReschedule(start, now time.Time, asStaff bool) error {
	if asStaff || start.Sub(now) >= minutes(r.RescheduleMinNoticeMinutes) {
		return nil
	}
	return kith.Invalid("id", "appointments can be rescheduled online up to %s before they start; call the practice", humanMinutes(r.RescheduleMinNoticeMinutes))
}

// humanMinutes writes a number of minutes as people say it: "24 hours", "90 minutes".
func humanMinutes(n int) string {
	switch {
	case n%(24*60) == 0 && n >= 24*60:
		return plural(n/(24*60), "day")
	case n%60 == 0 && n >= 60:
		return plural(n/60, "hour")
	}
	return plural(n, "minute")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// RulesInput changes an organisation's booking rules; nil fields stay.
type RulesInput struct {
	BookingMinNoticeMinutes    *int
	BookingMaxAdvanceDays      *int
	CancelMinNoticeMinutes     *int
	RescheduleMinNoticeMinutes *int
	SlotIntervalMinutes        *int
	BufferBeforeMinutes        *int
	BufferAfterMinutes         *int
	RequireCancellationReason  *bool
	// WidgetAllowedOrigins replaces the origins allowed to embed the widget.
	WidgetAllowedOrigins []string
}

// UpdateRules changes the booking rules of organisation orgID, as the
// viewer in ctx (owners and admins, by the organisation's policy).
func UpdateRules(ctx context.Context, db *ent.Client, orgID pulid.ID, in RulesInput) (*ent.Organization, error) {
	u := db.Organization.UpdateOneID(orgID)
	for _, f := range []struct {
		name string
		v    *int
		set  func(int) *ent.OrganizationUpdateOne
	}{
		{"booking_min_notice_minutes", in.BookingMinNoticeMinutes, u.SetBookingMinNoticeMinutes},
		{"booking_max_advance_days", in.BookingMaxAdvanceDays, u.SetBookingMaxAdvanceDays},
		{"cancel_min_notice_minutes", in.CancelMinNoticeMinutes, u.SetCancelMinNoticeMinutes},
		{"reschedule_min_notice_minutes", in.RescheduleMinNoticeMinutes, u.SetRescheduleMinNoticeMinutes},
		{"slot_interval_minutes", in.SlotIntervalMinutes, u.SetSlotIntervalMinutes},
		{"buffer_before_minutes", in.BufferBeforeMinutes, u.SetBufferBeforeMinutes},
		{"buffer_after_minutes", in.BufferAfterMinutes, u.SetBufferAfterMinutes},
	} {
		if f.v == nil {
			continue
		}
		if err := CheckLimit(f.name, *f.v); err != nil {
			return nil, err
		}
		f.set(*f.v)
	}
	if in.RequireCancellationReason != nil {
		u.SetRequireCancellationReason(*in.RequireCancellationReason)
	}
	if in.WidgetAllowedOrigins != nil {
		origins, err := NormalizeOrigins(in.WidgetAllowedOrigins)
		if err != nil {
			return nil, err
		}
		u.SetWidgetAllowedOrigins(origins)
	}
	org, err := u.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("updating booking rules: %w", err)
	}
	return org, nil
}

// CheckLimit refuses a value of the booking rule named (ent field name) out
// of its range, schematype.BookingRuleLimits'.
func CheckLimit(name string, v int) error {
	lim, ok := schematype.BookingRuleLimits[name]
	if !ok || lim.Contains(v) {
		return nil
	}
	return kith.Invalid(kith.CamelCase(name), "%d is out of range: give %d to %d", v, lim.Min, lim.Max)
}

// NormalizeOrigins checks web origins (scheme, host and optional port, such
// as https://maple.example) and returns them lower-cased, without
// duplicates. Plain http is accepted only for localhost, for development.
func NormalizeOrigins(in []string) ([]string, error) {
	out := make([]string, 0, len(in))
	for i, o := range in {
		field := fmt.Sprintf("widgetAllowedOrigins.%d", i)
		u, err := url.Parse(strings.TrimSpace(o))
		if err != nil || u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
			return nil, kith.Invalid(field, "%q is not a web origin: write the scheme and host only, such as https://maple.example", o)
		}
		host := strings.ToLower(u.Host)
		switch {
		case u.Scheme == "https":
		case u.Scheme == "http" && (u.Hostname() == "localhost" || u.Hostname() == "127.0.0.1"):
		default:
			return nil, kith.Invalid(field, "%q is not allowed: the widget's page must use https (http only for localhost)", o)
		}
		if origin := u.Scheme + "://" + host; !slices.Contains(out, origin) {
			out = append(out, origin)
		}
	}
	return out, nil
}
