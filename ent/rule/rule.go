// Package rule holds kith's privacy rules: small constructors that ent
// schemas compose into their policies. The viewer comes from the context
// (package viewer); a policy that no rule allows is denied.
package rule

import (
	"context"

	"entgo.io/ent"
	"entgo.io/ent/entql"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent/privacy"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// organizationField is the tenant column every tenant table carries.
const organizationField = "organization_id"

// FilterOrganization narrows queries, updates and deletes to the viewer's
// organisation, so another organisation's rows read as missing. A system
// viewer without an organisation is not narrowed; a request without a viewer
// is denied as unauthenticated.
func FilterOrganization() privacy.QueryMutationRule {
	return filterBy(organizationField)
}

// FilterOwnOrganization is FilterOrganization for the organisations table itself.
func FilterOwnOrganization() privacy.QueryMutationRule {
	return filterBy("id")
}

func filterBy(column string) privacy.QueryMutationRule {
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		v := viewer.FromContext(ctx)
		if v == nil {
			return privacy.Denyf("%w", kith.ErrUnauthenticated)
		}
		org, ok := v.Organization()
		switch {
		case ok:
			f.Where(entql.FieldEQ(column, string(org)))
			return privacy.Skip
		case v.IsSystem():
			return privacy.Skip
		default:
			return privacy.Denyf("%w", kith.ErrUnauthenticated)
		}
	})
}

// AssignOrganization gives a new row the viewer's organisation and refuses a
// row created for another one. A system viewer without an organisation must
// set the organisation itself.
func AssignOrganization() privacy.MutationRule {
	type tenantMutation interface {
		OrganizationID() (pulid.ID, bool)
		SetOrganizationID(pulid.ID)
	}
	return privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
		if !m.Op().Is(ent.OpCreate) {
			return privacy.Skip
		}
		tm, ok := m.(tenantMutation)
		if !ok {
			return privacy.Denyf("rule: %T has no organisation", m)
		}
		set, hasSet := tm.OrganizationID()
		v := viewer.FromContext(ctx)
		if v == nil {
			return privacy.Denyf("%w", kith.ErrUnauthenticated)
		}
		org, ok := v.Organization()
		switch {
		case ok && hasSet && set != org:
			return privacy.Denyf("%w", kith.ErrNotFound)
		case ok:
			tm.SetOrganizationID(org)
		case !hasSet:
			return privacy.Denyf("rule: creating %s without an organisation", m.Type())
		}
		return privacy.Skip
	})
}

// AllowIfSystem allows kith itself: CLI commands, seeding and jobs.
func AllowIfSystem() privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if v := viewer.FromContext(ctx); v != nil && v.IsSystem() {
			return privacy.Allow
		}
		return privacy.Skip
	})
}

// AllowIfStaff allows any signed-in staff member; FilterOrganization has
// already confined them to their organisation.
func AllowIfStaff() privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if _, ok := viewer.StaffFromContext(ctx); ok {
			return privacy.Allow
		}
		return privacy.Skip
	})
}

// AllowIfAdmin allows owners and admins, and denies other staff as forbidden.
func AllowIfAdmin() privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		s, ok := viewer.StaffFromContext(ctx)
		switch {
		case !ok:
			return privacy.Skip
		case s.CanAdminister():
			return privacy.Allow
		default:
			return privacy.Denyf("%w", kith.ErrForbidden)
		}
	})
}
