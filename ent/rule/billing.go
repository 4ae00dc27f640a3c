package rule

import (
	"context"
	"fmt"
	"slices"

	"entgo.io/ent"
	"entgo.io/ent/entql"

	"github.com/kith-health/kith"
	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/payment"
	"github.com/kith-health/kith/ent/privacy"
	"github.com/kith-health/kith/schematype"
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
func AllowPortalCreate(scope schematype.PortalScope, clientField, contactField string) privacy.MutationRule {
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
func AllowPortalChange(scope schematype.PortalScope, ops ent.Op, clientColumn string, fields ...string) privacy.MutationRule {
	narrow := portalRows(clientColumn, func(p viewer.Portal) bool { return p.Can(string(scope)) })
	return privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
		if _, ok := viewer.PortalFromContext(ctx); !ok || !m.Op().Is(ops) {
			return privacy.Skip
		}
		for _, f := range touched(m) {
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

// Columns and values of the invoices table the payment rule reads.
const (
	invoiceClient = "client_id"
	invoiceStatus = "status"
	invoiceOpen   = "OPEN"
	invoicePaid   = "PAID"
)

// invoicePayFields are the only fields a portal viewer may write on an
// invoice: paying it sets its status (its hook stamps paid_at), and locking
// it first touches only updated_at.
var invoicePayFields = []string{"status", "updated_at"}

// AllowPortalPayInvoice lets a portal viewer with MANAGE_BILLING (the client
// itself always) make the writes paying makes (package billing's Pay) to an
// invoice of the client it acts for: one invoice at a time, while it is
// OPEN, touching only its status, which may become PAID and nothing else,
// and only once the invoice has a SUCCEEDED payment (Pay records it first).
// Another client's invoice, or one it may not see, is left out as missing
// (NOT_FOUND), and one no longer OPEN is not written; another status, another field, an edge
// or several rows at once is FORBIDDEN. Other viewers are left to the next
// rule.
func AllowPortalPayInvoice() privacy.MutationRule {
	narrow := privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		p, _ := viewer.PortalFromContext(ctx)
		client := string(p.ClientID)
		if !p.Can(string(schematype.PortalScopeManageBilling)) {
			client = "" // no row matches: what it may not see reads as missing
		}
		f.Where(entql.FieldEQ(invoiceClient, client))
		f.Where(entql.FieldEQ(invoiceStatus, invoiceOpen))
		return privacy.Allow
	})
	return privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
		if _, ok := viewer.PortalFromContext(ctx); !ok {
			return privacy.Skip
		}
		if !m.Op().Is(ent.OpUpdateOne) || !onlyFields(m, invoicePayFields) {
			return privacy.Denyf("%w", kith.ErrForbidden)
		}
		if status, ok := m.Field(invoiceStatus); ok {
			if fmt.Sprint(status) != invoicePaid {
				return privacy.Denyf("%w", kith.ErrForbidden)
			}
			if paid, err := hasSucceededPayment(ctx, m); err != nil || !paid {
				return privacy.Denyf("%w", kith.ErrForbidden)
			}
		}
		return narrow.EvalMutation(ctx, m)
	})
}

// hasSucceededPayment reports whether the invoice m updates has a
// SUCCEEDED payment (in m's transaction, read as kith itself in the
// viewer's organisation): what makes it PAID.
func hasSucceededPayment(ctx context.Context, m ent.Mutation) (bool, error) {
	im, ok := m.(*gen.InvoiceMutation)
	if !ok {
		return false, nil
	}
	id, ok := im.ID()
	p, _ := viewer.PortalFromContext(ctx)
	if !ok {
		return false, nil
	}
	return im.Client().Payment.Query().
		Where(payment.InvoiceID(id), payment.StatusEQ(payment.StatusSucceeded)).
		Exist(viewer.NewContext(ctx, viewer.System{OrgID: p.OrgID}))
}

// touched is every field m writes: those it sets, clears or appends to
// (AppendedFields, which ent's Fields leaves out).
func touched(m ent.Mutation) []string {
	fields := slices.Concat(m.Fields(), m.ClearedFields())
	if a, ok := m.(interface{ AppendedFields() []string }); ok {
		fields = append(fields, a.AppendedFields()...)
	}
	return fields
}

// onlyFields reports whether m writes no field but fields (setting,
// clearing, adding to or appending to one), and no edge.
func onlyFields(m ent.Mutation, fields []string) bool {
	if len(m.AddedFields()) > 0 || len(m.AddedEdges()) > 0 || len(m.RemovedEdges()) > 0 || len(m.ClearedEdges()) > 0 {
		return false
	}
	for _, f := range touched(m) {
		if !slices.Contains(fields, f) {
			return false
		}
	}
	return true
}

// idString is an ID field's value as a string; "" when unset.
func idString(v ent.Value) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}
