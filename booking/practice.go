package booking

import (
	"fmt"
	"strconv"

	"entgo.io/ent/dialect/sql"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/organization"
	"github.com/kith-health/kith/ent/predicate"
	"github.com/kith-health/kith/ent/service"
)

// practiceColumns are the organisation's columns a slots request reads with
// its service: its booking rules (Effective) and its time zone
// (loadSchedules, for practitioners without their own).
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

// practiceAlias names an organisation column in a service row: prefixed, as
// the service has columns of the same names (its rule overrides).
func practiceAlias(column string) string { return "org_" + column }

// withPractice joins a service query to the service's organisation and
// selects practiceColumns with it, so one statement reads both; practiceOf
// reads the organisation back. A slug other than "" also keeps only
// services of the organisation with that slug.
//
// The organisation is read through the service's row: the service query's
// privacy rules decide whether the viewer may read the service, and the
// organisation joined is the service's own.
func withPractice(slug string) predicate.Service {
	return func(s *sql.Selector) {
		t := sql.Table(organization.Table)
		s.Join(t).On(s.C(service.FieldOrganizationID), t.C(organization.FieldID))
		for _, c := range practiceColumns {
			s.AppendSelect(sql.As(t.C(c), practiceAlias(c)))
		}
		if slug != "" {
			s.Where(sql.EQ(t.C(organization.FieldSlug), slug))
		}
	}
}

// practiceOf is the organisation of svc, read with it by withPractice: its
// ID, time zone and booking rules, the fields Effective and loadSchedules
// use (no other field is set).
func practiceOf(svc *ent.Service) (*ent.Organization, error) {
	org := &ent.Organization{ID: svc.OrganizationID}
	ints := []*int{
		&org.BookingMinNoticeMinutes, &org.BookingMaxAdvanceDays, &org.CancelMinNoticeMinutes,
		&org.RescheduleMinNoticeMinutes, &org.SlotIntervalMinutes, &org.BufferBeforeMinutes, &org.BufferAfterMinutes,
	}
	for i, c := range practiceColumns {
		v, err := svc.Value(practiceAlias(c))
		if err != nil {
			return nil, fmt.Errorf("reading the organisation of service %s: %w", svc.ID, err)
		}
		switch {
		case c == organization.FieldTimeZone:
			org.TimeZone, err = textValue(v)
		case c == organization.FieldRequireCancellationReason:
			org.RequireCancellationReason, err = boolValue(v)
		default:
			*ints[i-1], err = intValue(v)
		}
		if err != nil {
			return nil, fmt.Errorf("reading the organisation of service %s: %s: %w", svc.ID, c, err)
		}
	}
	return org, nil
}

// textValue, intValue and boolValue convert a column selected beyond an
// entity's own, as the SQLite and PostgreSQL drivers answer it.
func textValue(v ent.Value) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case []byte:
		return string(v), nil
	case nil:
		return "", nil
	}
	return "", fmt.Errorf("unexpected %T", v)
}

func intValue(v ent.Value) (int, error) {
	switch v := v.(type) {
	case int64:
		return int(v), nil
	case int32:
		return int(v), nil
	case int:
		return v, nil
	case []byte:
		return strconv.Atoi(string(v))
	case string:
		return strconv.Atoi(v)
	}
	return 0, fmt.Errorf("unexpected %T", v)
}

func boolValue(v ent.Value) (bool, error) {
	switch v := v.(type) {
	case bool:
		return v, nil
	case int64:
		return v != 0, nil
	case []byte:
		return strconv.ParseBool(string(v))
	case string:
		return strconv.ParseBool(v)
	}
	return false, fmt.Errorf("unexpected %T", v)
}
