package booking

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/organization"
	"github.com/kith-health/kith/ent/predicate"
	"github.com/kith-health/kith/ent/service"
	"github.com/kith-health/kith/ent/servicepractitioner"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/pulid"
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

// practitionersColumn is the other column withPractice adds: the service's
// active practitioners as a JSON array of practitioner objects.
const practitionersColumn = "practitioners"

// practitioner is an object of practitionersColumn: what slotsOf reads of a
// practitioner.
type practitioner struct {
	ID       pulid.ID `json:"id"`
	Name     string   `json:"name"`
	TimeZone string   `json:"time_zone"`
}

// withPractice joins a service query to the service's organisation and
// selects its practiceColumns and its active practitioners with it, so one
// statement reads all three; practiceOf and practitionersOf read them back.
// A slug other than "" also keeps only services of the organisation with
// that slug.
//
// The organisation and the practitioners are read through the service's
// row: the service query's privacy rules decide whether the viewer may read
// the service, the organisation joined is the service's own, and the
// practitioners are the service's links to staff of that organisation, as
// the staff and link privacy rules would confine them.
func withPractice(slug string) predicate.Service {
	return func(s *sql.Selector) {
		t := sql.Table(organization.Table)
		s.Join(t).On(s.C(service.FieldOrganizationID), t.C(organization.FieldID))
		object, array := "json_object", "json_group_array"
		if s.Dialect() == dialect.Postgres {
			object, array = "json_build_object", "json_agg"
		}
		pairs := make([]string, len(practiceColumns))
		for i, c := range practiceColumns {
			pairs[i] = "'" + c + "', " + t.C(c)
		}
		s.AppendSelect(sql.As("CAST("+object+"("+strings.Join(pairs, ", ")+") AS TEXT)", practiceColumn))
		// A correlated subquery, written out: the builder would quote the
		// outer columns as the inner table's.
		org, id := s.C(service.FieldOrganizationID), s.C(service.FieldID)
		s.AppendSelect(sql.As(fmt.Sprintf(`(SELECT CAST(%[1]s(%[2]s('id', st.%[3]s, 'name', st.%[4]s, 'time_zone', st.%[5]s)) AS TEXT)
 FROM %[6]s AS sp JOIN %[7]s AS st ON st.%[3]s = sp.%[8]s
 WHERE sp.%[9]s = %[10]s AND sp.%[11]s = %[12]s AND st.%[13]s = %[12]s AND st.%[14]s)`,
			array, object, staff.FieldID, staff.FieldName, staff.FieldTimeZone,
			servicepractitioner.Table, staff.Table, servicepractitioner.FieldStaffID,
			servicepractitioner.FieldServiceID, id, servicepractitioner.FieldOrganizationID, org,
			staff.FieldOrganizationID, staff.FieldActive), practitionersColumn))
		if slug != "" {
			s.Where(sql.EQ(t.C(organization.FieldSlug), slug))
		}
	}
}

// practitionersOf is the active practitioners of svc, read with it by
// withPractice, by name then ID (only their ID, name and time zone are set).
func practitionersOf(svc *ent.Service) ([]*ent.Staff, error) {
	var list []practitioner
	if err := unmarshalValue(svc, practitionersColumn, &list); err != nil {
		return nil, fmt.Errorf("reading the practitioners of service %s: %w", svc.ID, err)
	}
	out := make([]*ent.Staff, len(list))
	for i, p := range list {
		out[i] = &ent.Staff{ID: p.ID, Name: p.Name, TimeZone: p.TimeZone, OrganizationID: svc.OrganizationID, Active: true}
	}
	slices.SortFunc(out, func(a, b *ent.Staff) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	return out, nil
}

// unmarshalValue decodes the JSON text of svc's added column into v; a NULL
// (PostgreSQL's aggregate of no rows) leaves v as it is.
func unmarshalValue(svc *ent.Service, column string, v any) error {
	raw, err := svc.Value(column)
	if err != nil {
		return err
	}
	var text []byte
	switch raw := raw.(type) {
	case string:
		text = []byte(raw)
	case []byte:
		text = raw
	case nil:
		return nil
	default:
		return fmt.Errorf("column %s is a %T", column, raw)
	}
	return json.Unmarshal(text, v)
}

// practiceOf is the organisation of svc, read with it by withPractice: its
// ID, time zone and booking rules, the fields Effective and loadSchedules
// use (no other field is set).
func practiceOf(svc *ent.Service) (*ent.Organization, error) {
	var p practice
	if err := unmarshalValue(svc, practiceColumn, &p); err != nil {
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
