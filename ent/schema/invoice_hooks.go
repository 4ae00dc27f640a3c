package schema

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"entgo.io/ent"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/database/transaction"
	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/invoice"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// Invoice limits: a line's quantity and unit price, and lines per invoice.
const (
	maxInvoiceLines    = 100
	maxLineQuantity    = 1000
	maxLineUnitCents   = 100_000_000
	maxLineDescription = 500
)

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// issueInvoice checks a new invoice's lines, currency and due date, and
// gives it its total (the sum of its lines) and the organisation's next
// number, INV-0001 onwards. Two invoices issued at the same instant may
// race for a number: one of them is a CONFLICT, to be sent again.
func issueInvoice() ent.Hook {
	return hookOn(func(ctx context.Context, m *gen.InvoiceMutation) error {
		lines, _ := m.Lines()
		switch {
		case len(lines) == 0:
			return kith.Invalid("lines", "an invoice needs at least one line")
		case len(lines) > maxInvoiceLines:
			return kith.Invalid("lines", "an invoice has at most %d lines, not %d", maxInvoiceLines, len(lines))
		}
		total := 0
		for i, l := range lines {
			l.Description = strings.TrimSpace(l.Description)
			field := fmt.Sprintf("lines.%d.", i)
			switch {
			case l.Description == "":
				return kith.Invalid(field+"description", "describe what line %d bills", i+1)
			case schematype.CheckText(l.Description, maxLineDescription) != nil:
				return checkOne(field+"description", l.Description, maxLineDescription)
			case l.Quantity < 1 || l.Quantity > maxLineQuantity:
				return kith.Invalid(field+"quantity", "%d is not a quantity: give 1 to %d", l.Quantity, maxLineQuantity)
			case l.UnitAmountCents < 0 || l.UnitAmountCents > maxLineUnitCents:
				return kith.Invalid(field+"unitAmountCents", "%d is not a unit amount: give 0 to %d cents", l.UnitAmountCents, maxLineUnitCents)
			}
			lines[i] = l
			total += l.AmountCents()
		}
		if total <= 0 {
			return kith.Invalid("lines", "the invoice totals 0; bill at least one cent")
		}
		m.SetLines(lines)
		m.SetTotalCents(total)
		currency, _ := m.Currency()
		currency = strings.ToUpper(strings.TrimSpace(currency))
		if !currencyCode.MatchString(currency) {
			return kith.Invalid("currency", "%q is not a currency code; use ISO 4217, such as CAD or USD", quoted(currency))
		}
		m.SetCurrency(currency)
		if due, ok := m.DueDate(); ok && due != "" {
			if err := schematype.ValidateDate(due); err != nil {
				return kith.Invalid("dueDate", "%q is not a date; write it YYYY-MM-DD", quoted(due))
			}
			if err := checkDate("dueDate", due); err != nil {
				return err
			}
		}
		org, ok := m.OrganizationID()
		if !ok {
			return fmt.Errorf("issuing an invoice: no organisation")
		}
		if err := transaction.LockOrganization(ctx, m.Client(), org); err != nil {
			return err
		}
		n, err := m.Client().Invoice.Query().Where(invoice.OrganizationID(org)).
			Count(viewer.NewContext(ctx, viewer.System{OrgID: org}))
		if err != nil {
			return fmt.Errorf("numbering the invoice: %w", err)
		}
		m.SetNumber(fmt.Sprintf("INV-%04d", n+1))
		m.SetStatus(invoice.StatusOpen)
		return nil
	}, ent.OpCreate)
}

// moveInvoice lets an invoice's status change only while it is OPEN, one
// invoice at a time, and stamps when it was paid or voided.
func moveInvoice() ent.Hook {
	return hookOn(func(ctx context.Context, m *gen.InvoiceMutation) error {
		status, ok := m.Status()
		if !ok {
			return nil
		}
		if !m.Op().Is(ent.OpUpdateOne) {
			return fmt.Errorf("invoice status changes one invoice at a time")
		}
		old, err := m.OldStatus(ctx)
		if err != nil {
			return fmt.Errorf("reading the invoice: %w", err)
		}
		if old != invoice.StatusOpen {
			return kith.Invalid("id", "the invoice is already %s and can no longer change", strings.ToLower(string(old)))
		}
		now := time.Now().UTC()
		switch status {
		case invoice.StatusPaid:
			if _, ok := m.PaidAt(); !ok {
				m.SetPaidAt(now)
			}
		case invoice.StatusVoid:
			m.SetVoidedAt(now)
		}
		return nil
	}, ent.OpUpdate|ent.OpUpdateOne)
}
