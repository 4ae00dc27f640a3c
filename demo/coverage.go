package demo

import (
	"context"
	"fmt"

	"github.com/kith-health/kith/billing"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
)

// seedCoverage gives Sam an Ontario health card (validated by its format)
// whose billing contact is Alex, and an open invoice addressed to Alex,
// which keeps Alex's name, address and organisation reference.
func seedCoverage(ctx context.Context, db *ent.Client, sam, alexLink pulid.ID) error {
	if err := db.Coverage.Create().SetClientID(sam).
		SetRegion("Ontario").SetHealthCardNumber("1234-567-897").SetHealthCardVersion("AB").
		SetFeeProgram("Extended health benefits").SetNumberOfSessions(12).
		SetBillingContactID(alexLink).Exec(ctx); err != nil {
		return fmt.Errorf("demo coverage: %w", err)
	}
	_, err := billing.CreateInvoice(ctx, db, sam, billing.NewInvoice{
		Lines:          []schematype.InvoiceLine{{Description: "Individual therapy, 50 minutes", Quantity: 1, UnitAmountCents: 14000}},
		Currency:       "CAD",
		BillingContact: alexLink,
	})
	if err != nil {
		return fmt.Errorf("demo invoice: %w", err)
	}
	return nil
}
