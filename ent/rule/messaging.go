package rule

import (
	"context"

	"entgo.io/ent"
	"entgo.io/ent/entql"

	"github.com/kith-health/kith"
	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/portalmessage"
	"github.com/kith-health/kith/ent/privacy"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// AllowPortalThreadRows lets a portal viewer read its own message thread
// about the client it acts for (AllowPortalOwnRows): the client reads the
// rows whose contactColumn is empty, a contact those naming it, and only
// with the MESSAGING scope. Without it the thread reads as missing (an
// empty list), exactly like one that does not exist. Other viewers are
// left to the next rule.
func AllowPortalThreadRows(clientColumn, contactColumn string) privacy.QueryMutationRule {
	return withPortalScope{
		scope: schematype.PortalScopeMessaging,
		rule:  AllowPortalOwnRows(clientColumn, contactColumn),
		none:  AllowPortalScopeRows(clientColumn, schematype.PortalScopeMessaging), // reads nothing without the scope
	}
}

// withPortalScope is rule for a portal viewer with scope, and none for one
// without it.
type withPortalScope struct {
	scope      schematype.PortalScope
	rule, none privacy.QueryMutationRule
}

func (w withPortalScope) pick(ctx context.Context) privacy.QueryMutationRule {
	if p, ok := viewer.PortalFromContext(ctx); ok && !p.Can(string(w.scope)) {
		return w.none
	}
	return w.rule
}

// EvalQuery implements privacy.QueryRule.
func (w withPortalScope) EvalQuery(ctx context.Context, q ent.Query) error {
	return w.pick(ctx).EvalQuery(ctx, q)
}

// EvalMutation implements privacy.MutationRule.
func (w withPortalScope) EvalMutation(ctx context.Context, m ent.Mutation) error {
	return w.pick(ctx).EvalMutation(ctx, m)
}

// AllowPortalMessageWrites lets a portal viewer write in its own message
// thread about the client it acts for, with the MESSAGING scope (a client
// acting for itself always has it), and nothing else:
//   - create a message FROM_PORTAL whose client is the acting client and
//     whose contact is the viewer's contact (empty as the client), with no
//     staff author;
//   - mark the practice's messages of that thread read (read_at only); the
//     update is narrowed to those rows, so others read as missing.
//
// Everything else a portal viewer tries is denied as NOT_FOUND, like a
// thread that does not exist. Other viewers are left to the next rule.
func AllowPortalMessageWrites() privacy.MutationRule {
	return privacy.PortalMessageMutationRuleFunc(func(ctx context.Context, m *gen.PortalMessageMutation) error {
		p, ok := viewer.PortalFromContext(ctx)
		if !ok {
			return privacy.Skip
		}
		if !p.Can(string(schematype.PortalScopeMessaging)) {
			return privacy.Denyf("%w", kith.ErrNotFound)
		}
		switch {
		case m.Op().Is(ent.OpCreate):
			client, _ := m.ClientID()
			contact, _ := m.ContactID()
			direction, _ := m.Direction()
			_, staff := m.StaffID()
			if client != p.ClientID || contact != p.ContactID || direction != portalmessage.DirectionFromPortal || staff {
				return privacy.Denyf("%w", kith.ErrNotFound)
			}
			return privacy.Allow
		case m.Op().Is(ent.OpUpdate | ent.OpUpdateOne):
			if fields := touched(m); len(fields) != 1 || fields[0] != portalmessage.FieldReadAt || len(m.ClearedFields()) > 0 {
				return privacy.Denyf("%w", kith.ErrNotFound)
			}
			f := m.Filter()
			f.Where(entql.FieldEQ(portalmessage.FieldClientID, string(p.ClientID)))
			if p.AsClient() {
				f.Where(entql.FieldNil(portalmessage.FieldContactID))
			} else {
				f.Where(entql.FieldEQ(portalmessage.FieldContactID, string(p.ContactID)))
			}
			f.WhereDirection(entql.StringEQ(string(portalmessage.DirectionFromPractice)))
			return privacy.Allow
		default:
			return privacy.Denyf("%w", kith.ErrNotFound)
		}
	})
}
