package schema

import (
	"context"
	"fmt"
	"strings"
	"time"

	"entgo.io/ent"

	"github.com/kith-health/kith"
	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// normalizer rewrites a field's value, or says why it is wrong.
type normalizer func(string) (string, error)

// normalize applies fn to field when the mutation sets it, and reports a
// failure as a ValidationError on the field's GraphQL name. Text that is
// not valid UTF-8 or holds a NUL is refused before fn sees it; its length
// is the field's validator's to check, after fn.
func normalize(m ent.Mutation, field string, fn normalizer) error {
	v, ok := m.Field(field)
	if !ok {
		return nil
	}
	s, _ := v.(string)
	if err := schematype.CheckText(s, len(s)); err != nil {
		return schematype.FieldValidation(field, err)
	}
	out, err := fn(s)
	if err != nil {
		return kith.Invalid(kith.CamelCase(field), "%q %v", quoted(s), err)
	}
	return m.SetField(field, out)
}

// quoted is s cut to its first 40 characters, for an error message to
// show without echoing a whole page of input.
func quoted(s string) string {
	n := 0
	for i := range s {
		if n++; n > 40 {
			return s[:i] + "…"
		}
	}
	return s
}

// required trims a value and refuses an empty one.
func required(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fmt.Errorf("is empty; it is required")
	}
	return s, nil
}

// trimmed trims surrounding white space.
func trimmed(s string) (string, error) { return strings.TrimSpace(s), nil }

// phoneIn reads phone numbers in region.
func phoneIn(region string) normalizer {
	return func(s string) (string, error) { return schematype.NormalizePhone(s, region) }
}

// timeZone accepts IANA zone names.
func timeZone(s string) (string, error) { return s, schematype.ValidateTimeZone(s) }

// region accepts phone regions such as CA.
func region(s string) (string, error) {
	if !schematype.ValidRegion(s) {
		return "", fmt.Errorf("is not a phone region kith knows; use an ISO 3166 code such as CA or GB")
	}
	return strings.ToUpper(s), nil
}

// each applies normalizers to fields in order, stopping at the first failure.
func each(m ent.Mutation, fields map[string]normalizer, order ...string) error {
	for _, f := range order {
		if err := normalize(m, f, fields[f]); err != nil {
			return err
		}
	}
	return nil
}

// hookOn runs check before the mutation on the given operations.
func hookOn[M ent.Mutation](check func(context.Context, M) error, ops ent.Op) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if typed, ok := m.(M); ok && m.Op().Is(ops) {
				if err := check(ctx, typed); err != nil {
					return nil, err
				}
			}
			return next.Mutate(ctx, m)
		})
	}
}

// writeOps are creates and updates.
const writeOps = ent.OpCreate | ent.OpUpdate | ent.OpUpdateOne

// tenantOf returns the organisation a tenant mutation writes in.
func tenantOf(ctx context.Context, m interface {
	OrganizationID() (pulid.ID, bool)
	OldOrganizationID(context.Context) (pulid.ID, error)
	Client() *gen.Client
}) (*gen.Organization, error) {
	id, ok := m.OrganizationID()
	if !ok {
		var err error
		if id, err = m.OldOrganizationID(ctx); err != nil {
			return nil, fmt.Errorf("finding the organisation: %w", err)
		}
	}
	return m.Client().Organization.Get(ctx, id)
}

func validateOrganization() ent.Hook {
	return hookOn(func(ctx context.Context, m *gen.OrganizationMutation) error {
		phoneRegion, ok := m.DefaultPhoneRegion()
		if !ok {
			phoneRegion, _ = oldOr(m.OldDefaultPhoneRegion(ctx))
		}
		err := each(m, map[string]normalizer{
			"name":                 required,
			"time_zone":            timeZone,
			"default_language":     schematype.NormalizeLanguage,
			"default_phone_region": region,
			"phone":                phoneIn(phoneRegion),
			"email":                schematype.NormalizeEmail,
			"quiet_hours_start":    clockTime,
			"quiet_hours_end":      clockTime,
		}, "name", "time_zone", "default_language", "default_phone_region", "phone", "email", "quiet_hours_start", "quiet_hours_end")
		if err != nil {
			return err
		}
		if origins, ok := m.WidgetAllowedOrigins(); ok {
			if err := checkTexts("widgetAllowedOrigins", origins, maxURL, maxOrigins); err != nil {
				return err
			}
		}
		if leads, ok := m.ReminderLeadMinutes(); ok { // set or appended to (foldAppends)
			for _, l := range leads {
				if l <= 0 || l > maxLeadMinutes {
					return kith.Invalid("reminderLeadMinutes", "%d is not a lead time: give minutes before the appointment, from 1 to 43200 (30 days)", l)
				}
			}
			leads = schematype.Dedupe(leads)
			if len(leads) > maxLeads {
				return kith.Invalid("reminderLeadMinutes", "give at most %d lead times, not %d", maxLeads, len(leads))
			}
			m.SetReminderLeadMinutes(leads)
		}
		return nil
	}, writeOps)
}

// clockTime accepts a time of day written HH:MM.
func clockTime(s string) (string, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return "", fmt.Errorf("is not a time of day written HH:MM, such as 21:00")
	}
	return t.Format("15:04"), nil
}

func normalizeStaffEmail() ent.Hook {
	return hookOn(func(ctx context.Context, m *gen.StaffMutation) error {
		norm := map[string]normalizer{
			"name":  required,
			"email": func(s string) (string, error) { return nonEmpty(schematype.NormalizeEmail(s)) },
			"phone": trimmed,
		}
		if phone, ok := m.Field("phone"); ok && phone != "" {
			org, err := tenantOf(ctx, m)
			if err != nil {
				return err
			}
			norm["phone"] = phoneIn(org.DefaultPhoneRegion)
		}
		return each(m, norm, "name", "email", "phone")
	}, writeOps)
}

// nonEmpty refuses an empty result of a normalizer.
func nonEmpty(s string, err error) (string, error) {
	if err == nil && s == "" {
		return "", fmt.Errorf("is empty; it is required")
	}
	return s, err
}

// protectOwners lets only owners create an owner, make someone an owner or
// change an owner, so an admin cannot take over the practice.
func protectOwners() ent.Hook {
	return hookOn(func(ctx context.Context, m *gen.StaffMutation) error {
		s, ok := viewer.StaffFromContext(ctx)
		if !ok || s.Role == viewer.RoleOwner {
			return nil
		}
		if role, ok := m.Role(); ok && role == staff.RoleOwner {
			return kith.ErrForbidden
		}
		if m.Op().Is(ent.OpUpdateOne) {
			if old, err := m.OldRole(ctx); err == nil && old == staff.RoleOwner {
				return kith.ErrForbidden
			}
		}
		return nil
	}, writeOps)
}
