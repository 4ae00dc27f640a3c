package schema

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/database/transaction"
	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/appointment"
	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/ent/contact"
	"github.com/kith-health/kith/schematype"
)

// validateClient normalises a client's names, email, phones, language, time
// zone and date of birth, fills language and time zone from the organisation,
// and refuses SMS consent without a mobile number. Tags and other phones are
// checked as the whole list the client will have, set or appended to
// (foldAppends).
func validateClient() ent.Hook {
	return hookOn(func(ctx context.Context, m *gen.ClientProfileMutation) error {
		org, err := tenantOf(ctx, m)
		if err != nil {
			return err
		}
		if m.Op().Is(ent.OpCreate) {
			if _, ok := m.Language(); !ok {
				m.SetLanguage(org.DefaultLanguage)
			}
			if _, ok := m.TimeZone(); !ok {
				m.SetTimeZone(org.TimeZone)
			}
		}
		err = each(m, map[string]normalizer{
			"first_name":     required,
			"last_name":      required,
			"preferred_name": trimmed,
			"email":          schematype.NormalizeEmail,
			"mobile_phone":   phoneIn(org.DefaultPhoneRegion),
			"language":       schematype.NormalizeLanguage,
			"time_zone":      timeZone,
			"date_of_birth":  pastDate,
		}, "first_name", "last_name", "preferred_name", "email", "mobile_phone", "language", "time_zone", "date_of_birth")
		if err != nil {
			return err
		}
		if phones, ok := m.OtherPhones(); ok {
			if err := checkPhones("otherPhones", phones); err != nil {
				return err
			}
			for i := range phones {
				n, err := schematype.NormalizePhone(phones[i].Number, org.DefaultPhoneRegion)
				if err != nil || n == "" {
					return kith.Invalid(fmt.Sprintf("otherPhones.%d.number", i), "%q %v", quoted(phones[i].Number), schematype.ErrPhone)
				}
				phones[i].Number = n
			}
			m.SetOtherPhones(phones)
		}
		if tags, ok := m.Tags(); ok {
			if err := checkTexts("tags", tags, maxLabel, len(tags)); err != nil {
				return err
			}
			tags = schematype.Dedupe(tags)
			if len(tags) > maxTags {
				return kith.Invalid("tags", "tags may hold at most %d items, not %d", maxTags, len(tags))
			}
			m.SetTags(tags)
		}
		if a, ok := m.Address(); ok {
			if err := checkAddress("address", a); err != nil {
				return err
			}
		}
		return requireMobileForSMS(ctx, m)
	}, writeOps)
}

// pastDate accepts a YYYY-MM-DD date from earliestBirth (1900-01-01) to today.
func pastDate(s string) (string, error) { return pastDateAt(s, time.Now()) }

// latestZone is the time zone furthest ahead of UTC (Kiribati's, UTC+14):
// a date that is today there is today somewhere, so a child born today in
// a practice east of UTC is not refused as born in the future.
var latestZone = time.FixedZone("UTC+14", 14*60*60)

// pastDateAt is pastDate at the instant now: "today" is the latest date
// anywhere on Earth at now.
func pastDateAt(s string, now time.Time) (string, error) {
	if s == "" {
		return s, nil
	}
	if err := schematype.ValidateDate(s); err != nil {
		return "", err
	}
	if s > now.In(latestZone).Format(time.DateOnly) {
		return "", fmt.Errorf("is in the future")
	}
	if s < earliestBirth {
		return "", fmt.Errorf("is before %s", earliestBirth)
	}
	return s, nil
}

// requireMobileForSMS refuses SMS consent on a client that has, or will have, no mobile number.
func requireMobileForSMS(ctx context.Context, m *gen.ClientProfileMutation) error {
	consent, ok := m.SmsConsent()
	if !ok && m.Op().Is(ent.OpUpdateOne) {
		if consent, ok = oldOr(m.OldSmsConsent(ctx)); !ok {
			return nil
		}
	}
	if !consent {
		return nil
	}
	mobile, set := m.MobilePhone()
	if !set && !m.MobilePhoneCleared() && m.Op().Is(ent.OpUpdateOne) {
		mobile, _ = oldOr(m.OldMobilePhone(ctx))
	}
	if mobile == "" {
		return kith.Invalid("smsConsent", "SMS consent needs a mobile number; add one or leave SMS consent off")
	}
	return nil
}

// oldOr returns an old value and whether it could be read.
func oldOr[T any](v T, err error) (T, bool) { return v, err == nil }

// requireReachableClient lets a client with neither email nor mobile be
// created only when the same transaction links it to a contact with an email
// or phone (a minor whose parents receive the messages). The check runs at
// commit, after the links are written.
func requireReachableClient() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			cm, ok := m.(*gen.ClientProfileMutation)
			if !ok || !m.Op().Is(ent.OpCreate) {
				return next.Mutate(ctx, m)
			}
			email, _ := cm.Email()
			mobile, _ := cm.MobilePhone()
			if email != "" || mobile != "" {
				return next.Mutate(ctx, m)
			}
			if transaction.From(ctx) == nil {
				return nil, errUnreachable // no link can follow in the same transaction
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			id, _ := cm.ID()
			err = transaction.BeforeCommit(ctx, func(ctx context.Context, tx *gen.Tx) error {
				ok, err := tx.ClientContact.Query().
					Where(clientcontact.ClientID(id), clientcontact.HasContactWith(contact.Or(contact.EmailNEQ(""), contact.PhoneNEQ("")))).
					Exist(ctx)
				if err != nil {
					return fmt.Errorf("checking the client's contacts: %w", err)
				}
				if !ok {
					return errUnreachable
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			return v, nil
		})
	}
}

var errUnreachable = kith.Invalid("contacts",
	"a client with neither email nor mobile needs at least one contact with an email or phone, added in the same request")

// followClientTimeZone moves the client's upcoming appointments to its new time zone.
func followClientTimeZone() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			cm, ok := m.(*gen.ClientProfileMutation)
			if !ok || !m.Op().Is(ent.OpUpdateOne) {
				return next.Mutate(ctx, m)
			}
			tz, set := cm.TimeZone()
			if !set {
				return next.Mutate(ctx, m)
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			id, _ := cm.ID()
			err = cm.Client().Appointment.Update().
				Where(appointment.ClientID(id), appointment.StartsAtGT(time.Now())).
				SetTimeZone(tz).Exec(ctx)
			if err != nil {
				return nil, fmt.Errorf("moving appointments to the client's time zone: %w", err)
			}
			return v, nil
		})
	}
}
