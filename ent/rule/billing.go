package rule

import (
	"context"
	"fmt"
	"slices"

	"entgo.io/ent"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent/privacy"
	"github.com/kith-health/kith/viewer"
)

// Portal writes. Billing uses them: a portal viewer pays an invoice (a
// Payment row, the invoice marked PAID) and adds or removes saved cards. They
// are deny by default like every rule: other viewers are left to the next
// rule, and a portal viewer is allowed only what they describe.

// AllowPortalCreate lets a portal viewer with scope (the client itself
// always) create a row for the client it acts for, in its own name: the
// row's clientField must name that client, and its contactField the
// viewer's contact (empty when the client acts). A portal viewer without
// the scope is FORBIDDEN; one writing for another client or contact reads
// as NOT_FOUND, like a client that does not exist.
func AllowPortalCreate(scope kith.PortalScope, clientField, contactField string) privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
		p, ok := viewer.PortalFromContext(ctx)
		if !ok || !m.Op().Is(ent.OpCreate) {
			return privacy.Skip
		}
		if !p.Can(string(scope)) {
			return privacy.Denyf("%w", kith.ErrForbidden)
		}
		client, _ := m.Field(clientField)
		contact, _ := m.Field(contactField)
		if p.ClientID == "" || idString(client) != string(p.ClientID) || idString(contact) != string(p.ContactID) {
			return privacy.Denyf("%w", kith.ErrNotFound)
		}
		return privacy.Allow
	})
}

// AllowPortalChange lets a portal viewer with scope (the client itself
// always) run ops (updates or deletes of one row) on rows of the client it
// acts for, found by clientColumn, setting only fields. A row of another
// client, or one it may not see, is left out as missing (NOT_FOUND); a
// change to any other field, or to edges, is FORBIDDEN.
func AllowPortalChange(scope kith.PortalScope, ops ent.Op, clientColumn string, fields ...string) privacy.MutationRule {
	narrow := portalRows(clientColumn, func(p viewer.Portal) bool { return p.Can(string(scope)) })
	return privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
		if _, ok := viewer.PortalFromContext(ctx); !ok || !m.Op().Is(ops) {
			return privacy.Skip
		}
		for _, f := range slices.Concat(m.Fields(), m.ClearedFields()) {
			if !slices.Contains(fields, f) {
				return privacy.Denyf("%w", kith.ErrForbidden)
			}
		}
		if len(m.AddedEdges()) > 0 || len(m.RemovedEdges()) > 0 || len(m.ClearedEdges()) > 0 {
			return privacy.Denyf("%w", kith.ErrForbidden)
		}
		return narrow.EvalMutation(ctx, m)
	})
}

// idString is an ID field's value as a string; "" when unset.
func idString(v ent.Value) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}
