package schema

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/field"

	"github.com/kith-health/kith"
	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/scheduleexception"
	"github.com/kith-health/kith/schematype"
)

// optionalTimeZone accepts an IANA zone name, or nothing.
func optionalTimeZone(s string) error {
	if s == "" {
		return nil
	}
	if err := schematype.ValidateTimeZone(s); err != nil {
		return kith.Invalid("timeZone", "%q is not an IANA time zone name, such as America/Toronto", quoted(s))
	}
	return nil
}

// bookingRule is an organisation-wide booking rule in whole units, with its
// default and range. updateBookingRules writes it.
// Its range is schematype.BookingRuleLimits'.
func bookingRule(name string, def int, comment string) ent.Field {
	lim := schematype.BookingRuleLimits[name]
	return field.Int(name).Default(def).Validate(between(lim.Min, lim.Max)).
		Comment(fmt.Sprintf("%s From %d to %d.", comment, lim.Min, lim.Max)).
		Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput))
}

var currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)

// validateService checks a service's duration, price and rule overrides.
// Its practitioners are checked to be staff of the organisation by the
// tenant mixin's EdgesInOrganization.
func validateService() ent.Hook {
	return hookOn(func(ctx context.Context, m *gen.ServiceMutation) error {
		if err := normalize(m, "name", required); err != nil {
			return err
		}
		if d, ok := m.DurationMinutes(); ok && (d <= 0 || d > 24*60) {
			return kith.Invalid("durationMinutes", "%d is not a duration: give minutes, from 1 to 1440", d)
		}
		if p, ok := m.PriceCents(); ok && p < 0 {
			return kith.Invalid("priceCents", "%d is not a price: it cannot be negative", p)
		}
		if c, ok := m.Currency(); ok {
			c = strings.ToUpper(strings.TrimSpace(c))
			if c != "" && !currencyPattern.MatchString(c) {
				return kith.Invalid("currency", "%q is not a currency: use an ISO 4217 code such as CAD", quoted(c))
			}
			m.SetCurrency(c)
		}
		for name, lim := range schematype.BookingRuleLimits {
			v, ok := m.Field(name)
			if !ok {
				continue
			}
			if n, _ := v.(int); !lim.Contains(n) {
				return kith.Invalid(kith.CamelCase(name), "%d is out of range: give %d to %d", n, lim.Min, lim.Max)
			}
		}
		// A price needs its currency, once the change is applied.
		_, hasPrice := m.PriceCents()
		if !hasPrice && !m.PriceCentsCleared() && m.Op().Is(ent.OpUpdateOne) {
			if old, err := m.OldPriceCents(ctx); err == nil && old != nil {
				hasPrice = true
			}
		}
		if hasPrice {
			cur, ok := m.Currency()
			if !ok && !m.CurrencyCleared() && m.Op().Is(ent.OpUpdateOne) {
				cur, _ = oldOr(m.OldCurrency(ctx))
			}
			if cur == "" {
				return kith.Invalid("currency", "a price needs its currency: give an ISO 4217 code such as CAD")
			}
		}
		return nil
	}, writeOps)
}

// validateWorkingHours checks an interval of weekly hours.
func validateWorkingHours() ent.Hook {
	return hookOn(func(ctx context.Context, m *gen.WorkingHoursMutation) error {
		if d, ok := m.Weekday(); ok && (d < 0 || d > 6) {
			return kith.Invalid("weekday", "%d is not a day of the week: give 0 (Sunday) to 6 (Saturday)", d)
		}
		start, ok1 := m.Start()
		end, ok2 := m.End()
		if !ok1 && !ok2 {
			return nil
		}
		if !ok1 {
			start, _ = oldOr(m.OldStart(ctx))
		}
		if !ok2 {
			end, _ = oldOr(m.OldEnd(ctx))
		}
		s, e, err := clockRange(start, end)
		if err != nil {
			return err
		}
		m.SetStart(s)
		m.SetEnd(e)
		return nil
	}, writeOps)
}

// validateScheduleException checks time off has a start before its end, and
// other hours a date and either no times (closed) or a start before an end.
func validateScheduleException() ent.Hook {
	return hookOn(func(_ context.Context, m *gen.ScheduleExceptionMutation) error {
		kind, _ := m.Kind()
		switch kind {
		case scheduleexception.KindTimeOff:
			s, ok1 := m.StartsAt()
			e, ok2 := m.EndsAt()
			switch {
			case !ok1:
				return kith.Invalid("startsAt", "time off needs its start")
			case !ok2:
				return kith.Invalid("endsAt", "time off needs its end")
			case !e.After(s):
				return kith.Invalid("endsAt", "the end of time off must be after its start")
			}
			if err := checkInstant("startsAt", s); err != nil {
				return err
			}
			if err := checkInstant("endsAt", e); err != nil {
				return err
			}
			m.SetStartsAt(s.UTC())
			m.SetEndsAt(e.UTC())
			for _, f := range []string{"date", "start", "end"} {
				if v, ok := m.Field(f); ok && v != "" {
					return kith.Invalid(f, "time off has a start and an end, not a date and hours")
				}
			}
		case scheduleexception.KindHours:
			d, ok := m.Date()
			if !ok {
				return kith.Invalid("date", "other hours need the date they apply to")
			}
			if _, err := time.Parse(time.DateOnly, d); err != nil {
				return kith.Invalid("date", "%q is not a date written YYYY-MM-DD", quoted(d))
			}
			if err := checkDate("date", d); err != nil {
				return err
			}
			if _, ok := m.StartsAt(); ok {
				return kith.Invalid("startsAt", "other hours have a date and local times, not instants")
			}
			if _, ok := m.EndsAt(); ok {
				return kith.Invalid("endsAt", "other hours have a date and local times, not instants")
			}
			start, _ := m.Start()
			end, _ := m.End()
			if start == "" && end == "" {
				return nil // closed that day
			}
			s, e, err := clockRange(start, end)
			if err != nil {
				return err
			}
			m.SetStart(s)
			m.SetEnd(e)
		}
		return nil
	}, ent.OpCreate)
}

// clockRange checks two local times of day, HH:MM (the end may be 24:00),
// with the end after the start, and returns them normalised.
func clockRange(start, end string) (string, string, error) {
	s, err := clockTime(start)
	if err != nil {
		return "", "", kith.Invalid("start", "%q %v", quoted(start), err)
	}
	e := strings.TrimSpace(end)
	if e != "24:00" {
		if e, err = clockTime(end); err != nil {
			return "", "", kith.Invalid("end", "%q %v", quoted(end), err)
		}
	}
	if e <= s {
		return "", "", kith.Invalid("end", "%s is not after the start, %s", e, s)
	}
	return s, e, nil
}
