package rule

import (
	"context"

	"entgo.io/ent/entql"

	"github.com/kith-health/kith/ent/privacy"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// AllowPortalClientRows lets a portal viewer read the rows that belong to
// the client it acts for, found by column: "id" for the client itself,
// "client_id" for its appointments. A portal viewer acting for nobody
// reads nothing, and what it may not see reads as missing (an empty list,
// NOT_FOUND for one record); other viewers are left to the next rule.
func AllowPortalClientRows(column string) privacy.QueryMutationRule {
	return portalRows(column, func(viewer.Portal) bool { return true })
}

// AllowPortalScopeRows is AllowPortalClientRows for records a contact sees
// only with scope, such as shared documents (VIEW_DOCUMENTS); a client
// acting for itself always sees them. Without the scope they read as
// missing.
func AllowPortalScopeRows(column string, scope schematype.PortalScope) privacy.QueryMutationRule {
	return portalRows(column, func(p viewer.Portal) bool { return p.Can(string(scope)) })
}

// AllowPortalOwnRows lets a portal viewer read the rows of the client it
// acts for that are its own: a contact's rows name its contact in
// contactColumn, the client's own rows leave it empty. Message threads use
// it: each contact has its own thread about the client, and the client's
// thread shows only the client's messages.
func AllowPortalOwnRows(clientColumn, contactColumn string) privacy.QueryMutationRule {
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		p, ok := viewer.PortalFromContext(ctx)
		if !ok {
			return privacy.Skip
		}
		f.Where(entql.FieldEQ(clientColumn, string(p.ClientID))) // none when acting for nobody
		if p.AsClient() {
			f.Where(entql.FieldNil(contactColumn))
		} else {
			f.Where(entql.FieldEQ(contactColumn, string(p.ContactID)))
		}
		return privacy.Allow
	})
}

// AllowIfPortal lets any portal viewer through; FilterOrganization has
// already confined it to its organisation. For records the portal shows of
// the practice itself: its name, its practitioners' names.
func AllowIfPortal() privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if _, ok := viewer.PortalFromContext(ctx); ok {
			return privacy.Allow
		}
		return privacy.Skip
	})
}

// portalRows narrows a portal viewer to the rows of column naming the client
// it acts for, or to none when may says no.
func portalRows(column string, may func(viewer.Portal) bool) privacy.QueryMutationRule {
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		p, ok := viewer.PortalFromContext(ctx)
		if !ok {
			return privacy.Skip
		}
		client := string(p.ClientID)
		if !may(p) {
			client = "" // no row matches: what it may not see reads as missing
		}
		f.Where(entql.FieldEQ(column, client))
		return privacy.Allow
	})
}
