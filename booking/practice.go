package booking

import (
	"encoding/json"
	"fmt"
	"strings"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/organization"
	"github.com/kith-health/kith/ent/predicate"
	"github.com/kith-health/kith/ent/service"
)

// practiceColumns are the organisation's columns a slots request reads with
// its service: its time zone (loadSchedules, for practitioners without
// their own) and its booking rules (Effective). practice names them.
var practiceColumns = []string{
	organization.FieldTimeZone,
	organization.FieldBookingMinNoticeMinutes,
	organization.FieldBookingMaxAdvanceDays,
	organization.FieldCancelMinNoticeMinutes,
	organization.FieldRescheduleMinNoticeMinutes,
	organization.FieldSlotIntervalMinutes,
	organization.FieldBufferBeforeMinutes,
	organization.FieldBufferAfterMinutes,
	organization.FieldRequireCancellationReason,
}

// slotServiceFields are the service's fields slotsOf reads (its length and
// the rules it overrides, Effective): Slots and PublicSlots select only
// them, so SQLite parses a shorter statement and the driver reads fewer
// columns.
var slotServiceFields = []string{
	service.FieldID,
	service.FieldOrganizationID,
	service.FieldDurationMinutes,
	service.FieldBookingMinNoticeMinutes,
	service.FieldBookingMaxAdvanceDays,
	service.FieldCancelMinNoticeMinutes,
	service.FieldRescheduleMinNoticeMinutes,
	service.FieldSlotIntervalMinutes,
	service.FieldBufferBeforeMinutes,
	service.FieldBufferAfterMinutes,
	service.FieldRequireCancellationReason,
}

// practiceColumn is the column of a service row withPractice adds: the
// organisation's practiceColumns as one JSON object. One column, not one per
// field: ent asks the driver for the row's column types once for every
// column that is not the service's own.
const practiceColumn = "practice"

// practice is the JSON object of practiceColumn.
type practice struct {
	TimeZone                   string `json:"time_zone"`
	BookingMinNoticeMinutes    int    `json:"booking_min_notice_minutes"`
	BookingMaxAdvanceDays      int    `json:"booking_max_advance_days"`
	CancelMinNoticeMinutes     int    `json:"cancel_min_notice_minutes"`
	RescheduleMinNoticeMinutes int    `json:"reschedule_min_notice_minutes"`
	SlotIntervalMinutes        int    `json:"slot_interval_minutes"`
	BufferBeforeMinutes        int    `json:"buffer_before_minutes"`
	BufferAfterMinutes         int    `json:"buffer_after_minutes"`
	RequireCancellationReason  flag   `json:"require_cancellation_reason"`
}

// flag is a boolean in JSON as PostgreSQL writes it (true, false) or
// SQLite (1, 0).
type flag bool

// UnmarshalJSON reads true, false, 1 or 0.
func (f *flag) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "true", "1":
		*f = true
	case "false", "0", "null":
		*f = false
	default:
		return fmt.Errorf("%s is not a boolean", b)
	}
	return nil
}

// withPractice joins a service query to the service's organisation and
// selects its practiceColumns with it, so one statement reads both;
// practiceOf reads the organisation back. A slug other than "" also keeps
// only services of the organisation with that slug.
//
// The organisation is read through the service's row: the service query's
// privacy rules decide whether the viewer may read the service, and the
// organisation joined is the service's own.
func withPractice(slug string) predicate.Service {
	return func(s *sql.Selector) {
		t := sql.Table(organization.Table)
		s.Join(t).On(s.C(service.FieldOrganizationID), t.C(organization.FieldID))
		object := "json_object"
		if s.Dialect() == dialect.Postgres {
			object = "json_build_object"
		}
		pairs := make([]string, len(practiceColumns))
		for i, c := range practiceColumns {
			pairs[i] = "'" + c + "', " + t.C(c)
		}
		s.AppendSelect(sql.As("CAST("+object+"("+strings.Join(pairs, ", ")+") AS TEXT)", practiceColumn))
		if slug != "" {
			s.Where(sql.EQ(t.C(organization.FieldSlug), slug))
		}
	}
}

// practiceOf is the organisation of svc, read with it by withPractice: its
// ID, time zone and booking rules, the fields Effective and loadSchedules
// use (no other field is set).
func practiceOf(svc *ent.Service) (*ent.Organization, error) {
	v, err := svc.Value(practiceColumn)
	var text []byte
	switch v := v.(type) {
	case string:
		text = []byte(v)
	case []byte:
		text = v
	}
	var p practice
	if err == nil {
		err = json.Unmarshal(text, &p)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the organisation of service %s: %w", svc.ID, err)
	}
	return &ent.Organization{
		ID: svc.OrganizationID, TimeZone: p.TimeZone,
		BookingMinNoticeMinutes: p.BookingMinNoticeMinutes, BookingMaxAdvanceDays: p.BookingMaxAdvanceDays,
		CancelMinNoticeMinutes: p.CancelMinNoticeMinutes, RescheduleMinNoticeMinutes: p.RescheduleMinNoticeMinutes,
		SlotIntervalMinutes: p.SlotIntervalMinutes, BufferBeforeMinutes: p.BufferBeforeMinutes, BufferAfterMinutes: p.BufferAfterMinutes,
		RequireCancellationReason: bool(p.RequireCancellationReason),
	}, nil
}
