package schema

import (
	"context"
	"fmt"

	"entgo.io/ent"

	"github.com/kith-health/kith"
	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/pulid"
)

// validateLocation normalises a location's name, time zone (the
// organisation's when a new one has none) and phone (E.164, read in the
// organisation's phone region), and bounds its address.
func validateLocation() ent.Hook {
	return hookOn(func(ctx context.Context, m *gen.LocationMutation) error {
		org, err := tenantOf(ctx, m)
		if err != nil {
			return err
		}
		if tz, ok := m.TimeZone(); m.Op().Is(ent.OpCreate) && (!ok || tz == "") {
			m.SetTimeZone(org.TimeZone)
		}
		if a, ok := m.Address(); ok {
			if err := checkAddress("address", a); err != nil {
				return err
			}
		}
		return each(m, map[string]normalizer{
			"name":      required,
			"time_zone": optionalZone,
			"phone":     phoneIn(org.DefaultPhoneRegion),
		}, "name", "time_zone", "phone")
	}, writeOps)
}

// optionalZone accepts an IANA zone name, or nothing.
func optionalZone(s string) (string, error) {
	if s == "" {
		return s, nil
	}
	return timeZone(s)
}

// checkActiveLocation refuses to name location id on field unless it is
// active: an archived location stays on what already names it, and nothing
// new may choose it. Another organisation's location, or none, has already
// been refused as NOT_FOUND by the tenant mixin (rule.EdgesInOrganization).
func checkActiveLocation(ctx context.Context, c *gen.Client, field string, id pulid.ID) error {
	l, err := c.Location.Get(ctx, id)
	if gen.IsNotFound(err) {
		return &kith.NotFoundError{Field: field, ID: id}
	}
	if err != nil {
		return fmt.Errorf("reading the location: %w", err)
	}
	if !l.Active {
		return kith.Invalid(field, "the location %q is archived; choose an active location", quoted(l.Name))
	}
	return nil
}
