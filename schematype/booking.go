package schematype

// IntRange is the inclusive range of a whole-number field, Min to Max.
type IntRange struct{ Min, Max int }

// Contains reports whether v is within the range.
func (r IntRange) Contains(v int) bool { return v >= r.Min && v <= r.Max }

// BookingRuleLimits are the allowed ranges of the booking rules, in their
// units (minutes, or days for booking_max_advance_days), keyed by ent field
// name. The organisation's rules and the services' overrides share them;
// the rules themselves (what a limit means when booking) are package
// booking's.
var BookingRuleLimits = map[string]IntRange{
	"booking_min_notice_minutes":    {0, 365 * 24 * 60},
	"booking_max_advance_days":      {1, 730},
	"cancel_min_notice_minutes":     {0, 365 * 24 * 60},
	"reschedule_min_notice_minutes": {0, 365 * 24 * 60},
	"slot_interval_minutes":         {5, 24 * 60},
	"buffer_before_minutes":         {0, 24 * 60},
	"buffer_after_minutes":          {0, 24 * 60},
}
