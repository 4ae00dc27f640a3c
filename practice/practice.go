// Package practice owns setting up an organisation: the practice itself and
// its first owner, as the `kith org create` command, the demo and tests do it.
package practice

import (
	"context"
	"fmt"

	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/viewer"
)

// Practice describes a new organisation and its owner.
type Practice struct {
	// Name is the practice's name.
	Name string
	// Slug is the short name staff sign in with.
	Slug string
	// TimeZone is an IANA zone. Default "UTC".
	TimeZone string
	// Language is a BCP 47 tag. Default "en".
	Language string
	// PhoneRegion is the ISO 3166 region for phone numbers. Default "US".
	PhoneRegion string
	// OwnerName and OwnerEmail describe the first owner.
	OwnerName, OwnerEmail string
	// OwnerPassword, when set, lets the owner sign in with a password.
	OwnerPassword string
}

// Create writes the organisation and its owner in one transaction.
func Create(ctx context.Context, client *ent.Client, authn *auth.Service, p Practice) (*ent.Organization, *ent.Staff, error) {
	ctx = viewer.SystemContext(ctx)
	var hash string
	if p.OwnerPassword != "" {
		var err error
		if hash, err = authn.HashPassword(p.OwnerPassword); err != nil {
			return nil, nil, err
		}
	}
	var org *ent.Organization
	var st *ent.Staff
	_, err := transaction.Run(ctx, client, func(ctx context.Context, tx *ent.Client) (struct{}, error) {
		create := tx.Organization.Create().SetName(p.Name).SetSlug(p.Slug)
		if p.TimeZone != "" {
			create.SetTimeZone(p.TimeZone)
		}
		if p.Language != "" {
			create.SetDefaultLanguage(p.Language)
		}
		if p.PhoneRegion != "" {
			create.SetDefaultPhoneRegion(p.PhoneRegion)
		}
		var err error
		if org, err = create.Save(ctx); err != nil {
			return struct{}{}, fmt.Errorf("creating organisation: %w", err)
		}
		owner := tx.Staff.Create().
			SetOrganizationID(org.ID).
			SetName(p.OwnerName).
			SetEmail(p.OwnerEmail).
			SetRole(staff.RoleOwner)
		if hash != "" {
			owner.SetPasswordHash(hash)
		}
		if st, err = owner.Save(ctx); err != nil {
			return struct{}{}, fmt.Errorf("creating owner: %w", err)
		}
		return struct{}{}, nil
	})
	if err != nil {
		return nil, nil, err
	}
	return org.Unwrap(), st.Unwrap(), nil
}
