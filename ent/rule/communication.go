package rule

import (
	"context"

	"entgo.io/ent"
	"entgo.io/ent/entql"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent/privacy"
	"github.com/kith-health/kith/viewer"
)

// AllowIfAdminElseSkip allows owners and admins and leaves other viewers to
// the rules after it (unlike AllowIfAdmin, which forbids other staff).
func AllowIfAdminElseSkip() privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if s, ok := viewer.StaffFromContext(ctx); ok && s.CanAdminister() {
			return privacy.Allow
		}
		return privacy.Skip
	})
}

// AllowIfOwner allows owners and forbids other staff.
func AllowIfOwner() privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		s, ok := viewer.StaffFromContext(ctx)
		switch {
		case !ok:
			return privacy.Skip
		case s.Role == viewer.RoleOwner:
			return privacy.Allow
		default:
			return privacy.Denyf("%w", kith.ErrForbidden)
		}
	})
}

// RelatedToStaff is the condition, on communications, that staff member
// id may read one: it is among its parties, or a client among them (certain
// or candidate) is assigned to it. Owners and admins read every one.
func RelatedToStaff(id string) entql.P {
	return entql.HasEdgeWith("parties", entql.Or(
		entql.FieldEQ("staff_id", id),
		entql.HasEdgeWith("client", entql.HasEdgeWith("practitioners", entql.FieldEQ("id", id))),
	))
}

// FilterRelatedCommunications narrows a staff member other than an owner
// or admin to the communications they are related to (RelatedToStaff) and
// allows them; it refuses their deletes. Other viewers (the portal) are
// left to the next rule, which denies.
func FilterRelatedCommunications() privacy.QueryMutationRule {
	return relatedFilter(RelatedToStaff)
}

// FilterRelatedParties is FilterRelatedCommunications for the parties of
// communications: a party reads as its communication does.
func FilterRelatedParties() privacy.QueryMutationRule {
	return relatedFilter(func(id string) entql.P { return entql.HasEdgeWith("communication", RelatedToStaff(id)) })
}

func relatedFilter(p func(string) entql.P) privacy.QueryMutationRule {
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		s, ok := viewer.StaffFromContext(ctx)
		if !ok {
			return privacy.Skip
		}
		id := s.StaffID
		if s.IsAPIKey() { // related to nothing: its ID is no staff member's
			id = s.APIKeyID
		}
		f.Where(p(string(id)))
		return privacy.Allow
	})
}

// AllowStaffLogCall lets any staff member create a communication: the only
// one staff create is a call logged by hand (the Communication hook refuses
// any other), and its logger is among its parties.
func AllowStaffLogCall() privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
		if _, ok := viewer.StaffFromContext(ctx); ok && m.Op().Is(ent.OpCreate) {
			return privacy.Allow
		}
		if _, ok := viewer.StaffFromContext(ctx); ok && m.Op().Is(ent.OpDelete|ent.OpDeleteOne) {
			return privacy.Denyf("%w", kith.ErrForbidden)
		}
		return privacy.Skip
	})
}

// HideFromOtherStaff lets staff other than owners and admins query the
// rows and find none: an edge to one (a communication's mailbox) reads as
// null rather than failing their whole read. Other viewers are left to the
// next rule.
func HideFromOtherStaff() privacy.QueryRule {
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		if _, ok := viewer.StaffFromContext(ctx); !ok {
			return privacy.Skip
		}
		f.Where(entql.FieldEQ("id", ""))
		return privacy.Allow
	})
}
