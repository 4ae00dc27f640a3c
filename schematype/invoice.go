package schematype

// InvoiceLine is one line of an invoice: what was provided, how many, and
// the price of one in the invoice currency's smallest unit (cents).
type InvoiceLine struct {
	Description     string `json:"description"`
	Quantity        int    `json:"quantity"`
	UnitAmountCents int    `json:"unit_amount_cents"`
}

// AmountCents is the line's total: quantity times the unit amount.
func (l InvoiceLine) AmountCents() int { return l.Quantity * l.UnitAmountCents }
