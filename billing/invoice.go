package billing

import (
	"context"
	"fmt"
	"time"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/invoice"
	entpayment "github.com/kith-health/kith/ent/payment"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// NewInvoice is what staff bill a client.
type NewInvoice struct {
	// Lines are what is billed; the invoice's total is their sum.
	Lines []schematype.InvoiceLine
	// Currency is an ISO 4217 code such as CAD.
	Currency string
	// DueDate (YYYY-MM-DD) is optional.
	DueDate string
	// BillingContact is the link (lk…) of the billing contact the invoice
	// is addressed to, or "" for the client: the schema's hook checks it
	// and keeps a copy of the contact (Invoice.BilledTo).
	BillingContact pulid.ID
}

// CreateInvoice issues an OPEN invoice to client as the viewer in ctx
// (staff), numbered next in the organisation. The schema's hook checks the
// lines and computes the total.
func CreateInvoice(ctx context.Context, db *ent.Client, client pulid.ID, in NewInvoice) (*ent.Invoice, error) {
	if _, err := db.ClientProfile.Get(ctx, client); err != nil {
		return nil, notFoundAs("clientId", client, err)
	}
	create := db.Invoice.Create().SetClientID(client).SetLines(in.Lines).SetCurrency(in.Currency).SetDueDate(in.DueDate)
	if s, ok := viewer.StaffFromContext(ctx); ok {
		if id, ok := s.Person(); ok { // an API key issues for nobody
			create.SetIssuedByID(id)
		}
	}
	if in.BillingContact != "" {
		create.SetBillingContactID(in.BillingContact)
	}
	inv, err := create.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("issuing an invoice: %w", err)
	}
	return inv, nil
}

// VoidInvoice withdraws OPEN invoice id. A paid or void one is
// BAD_USER_INPUT: paid money is refunded, not voided; so is one with a
// PENDING payment, which may be paid any moment.
func VoidInvoice(ctx context.Context, db *ent.Client, id pulid.ID) (*ent.Invoice, error) {
	inv, err := db.Invoice.Get(ctx, id)
	if err != nil {
		return nil, notFoundAs("id", id, err)
	}
	if inv.Status != invoice.StatusOpen {
		return nil, kith.Invalid("id", "invoice %s is already %s and cannot be voided", inv.Number, inv.Status)
	}
	out, err := db.Invoice.UpdateOneID(id).Where(invoice.StatusEQ(invoice.StatusOpen)).SetStatus(invoice.StatusVoid).Save(ctx)
	switch {
	case ent.IsNotFound(err):
		return nil, kith.Invalid("id", "invoice %s was paid meanwhile and cannot be voided", inv.Number)
	case err != nil:
		return nil, fmt.Errorf("voiding invoice %s: %w", inv.Number, err)
	}
	// Checked with the row locked by the update, as a claim locks it (Pay).
	pending, err := db.Payment.Query().
		Where(entpayment.InvoiceID(id), entpayment.StatusEQ(entpayment.StatusPending)).
		First(systemIn(ctx, inv.OrganizationID))
	switch {
	case ent.IsNotFound(err):
		return out, nil
	case err != nil:
		return nil, fmt.Errorf("voiding invoice %s: %w", inv.Number, err)
	case time.Since(pending.CreatedAt) >= PendingLease: // abandoned: see Pay
		return nil, kith.Invalid("id", "invoice %s has a card payment the payment provider never confirmed; "+
			"it is settled when the invoice is next paid in the portal, and until then the invoice cannot be voided", inv.Number)
	default:
		return nil, kith.Invalid("id", "invoice %s is being paid and cannot be voided now; look at it again in a moment", inv.Number)
	}
}

// Invoices lists up to first invoices of client, newest first, with
// status when given, as the viewer in ctx may read them: a portal contact
// without MANAGE_BILLING reads none.
func Invoices(ctx context.Context, db *ent.Client, client pulid.ID, status *invoice.Status, first int) ([]*ent.Invoice, error) {
	q := db.Invoice.Query().Where(invoice.ClientID(client)).
		Order(ent.Desc(invoice.FieldCreatedAt), ent.Desc(invoice.FieldID)).
		Limit(min(max(first, 0), 100))
	if status != nil {
		q.Where(invoice.StatusEQ(*status))
	}
	out, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing invoices: %w", err)
	}
	return out, nil
}
