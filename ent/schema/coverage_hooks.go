package schema

import (
	"context"
	"errors"
	"fmt"
	"time"

	"entgo.io/ent"

	"github.com/kith-health/kith"
	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/coverage"
	"github.com/kith-health/kith/healthcard"
	"github.com/kith-health/kith/pulid"
)

// validateHealthCard checks a coverage's health card whenever its region,
// number or version is written (every new coverage, and
// validateHealthCard, which writes the region it has): the format of its
// region (healthcard.Check, against the client's name, date of birth and
// sex), then the eligibility service attached to the client
// (effect.Slot.SetHealthCardValidator) for a well-formed one. A card that
// cannot be right is refused on the field at fault; otherwise the card is
// stored normalised with when, how and what its validation found. A
// coverage without a number keeps no validation.
func validateHealthCard() ent.Hook {
	return hookOn(func(ctx context.Context, m *gen.CoverageMutation) error {
		if !m.Op().Is(ent.OpCreate) && !cardWritten(m) {
			return nil
		}
		if !m.Op().Is(ent.OpCreate | ent.OpUpdateOne) {
			return fmt.Errorf("health cards are validated one coverage at a time")
		}
		card := healthcard.Card{
			Region:  current(m.Region, m.RegionCleared, m.OldRegion, ctx),
			Number:  current(m.HealthCardNumber, m.HealthCardNumberCleared, m.OldHealthCardNumber, ctx),
			Version: current(m.HealthCardVersion, m.HealthCardVersionCleared, m.OldHealthCardVersion, ctx),
		}
		clientID, err := coverageClient(ctx, m)
		if err != nil {
			return err
		}
		cl, err := m.Client().ClientProfile.Get(ctx, clientID)
		if err != nil {
			return &kith.NotFoundError{Field: "clientID", ID: clientID}
		}
		card.FirstName, card.LastName, card.DateOfBirth, card.Sex = cl.FirstName, cl.LastName, cl.DateOfBirth, cl.SexAssignedAtBirth
		res, err := healthcard.Check(card)
		if err != nil {
			return err
		}
		if v := m.Effects.HealthCardValidator(); res.Status == healthcard.StatusValid {
			if _, format := v.(healthcard.Format); !format {
				card.Region, card.Number, card.Version = res.Region, res.Number, res.Version
				if res, err = eligibility(ctx, v, card, res); err != nil {
					return err
				}
			}
		}
		setNonEmpty(m.SetRegion, m.ClearRegion, res.Region)
		setNonEmpty(m.SetHealthCardNumber, m.ClearHealthCardNumber, res.Number)
		setNonEmpty(m.SetHealthCardVersion, m.ClearHealthCardVersion, res.Version)
		if res.Number == "" {
			m.ClearHealthCardValidatedAt()
			m.ClearHealthCardValidatedBy()
			m.ClearHealthCardStatus()
			m.ClearHealthCardNote()
			return nil
		}
		m.SetHealthCardValidatedAt(time.Now().UTC().Truncate(time.Microsecond)) // as PostgreSQL keeps it
		m.SetHealthCardValidatedBy(res.Method)
		m.SetHealthCardStatus(coverage.HealthCardStatus(res.Status))
		m.SetHealthCardNote(res.Note)
		return nil
	}, writeOps)
}

// eligibilityTime is how long the eligibility service may take: it is asked
// inside the write's transaction.
const eligibilityTime = 5 * time.Second

// eligibility asks v about a card whose format is right (formatted). A card
// the service refuses (a *kith.ValidationError) refuses the write; a
// service that fails or does not answer in eligibilityTime does not: the
// card is kept as its format check found it, UNCHECKED, with a note saying
// why, and validateHealthCard asks again later.
func eligibility(ctx context.Context, v healthcard.Validator, card healthcard.Card, formatted healthcard.Result) (healthcard.Result, error) {
	ctx, cancel := context.WithTimeout(ctx, eligibilityTime)
	defer cancel()
	res, err := v.Validate(ctx, card)
	var invalid *kith.ValidationError
	switch {
	case err == nil:
		return res, nil
	case errors.As(err, &invalid):
		return res, err
	}
	formatted.Status = healthcard.StatusUnchecked
	formatted.Note = "the format is right, but the eligibility service did not answer; run validateHealthCard to ask it again"
	return formatted, nil
}

// cardWritten reports whether m sets or clears the region, number or version.
func cardWritten(m *gen.CoverageMutation) bool {
	_, region := m.Region()
	_, number := m.HealthCardNumber()
	_, version := m.HealthCardVersion()
	return region || number || version || m.RegionCleared() || m.HealthCardNumberCleared() || m.HealthCardVersionCleared()
}

// current is the value a field will have: the one m sets, "" when m
// clears it, else the stored one.
func current(set func() (string, bool), cleared func() bool, old func(context.Context) (string, error), ctx context.Context) string {
	if v, ok := set(); ok {
		return v
	}
	if cleared() {
		return ""
	}
	v, _ := old(ctx)
	return v
}

// setNonEmpty sets v, or clears the field when v is empty.
func setNonEmpty(set func(string), clear func(), v string) {
	if v == "" {
		clear()
		return
	}
	set(v)
}

// coverageClient is the client a coverage mutation writes for.
func coverageClient(ctx context.Context, m *gen.CoverageMutation) (pulid.ID, error) {
	if id, ok := m.ClientID(); ok {
		return id, nil
	}
	id, err := m.OldClientID(ctx)
	if err != nil {
		return "", fmt.Errorf("reading the coverage's client: %w", err)
	}
	return id, nil
}
