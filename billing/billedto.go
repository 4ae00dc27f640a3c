package billing

import (
	"context"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// BilledTo is whom inv is addressed to as the viewer in ctx may see it:
// staff and kith itself always; in the portal the client itself, and the
// contact it is addressed to, acting for the invoice's client. Another
// contact with MANAGE_BILLING sees the invoice but not another person's
// name and address: nil, as for an invoice addressed to the client.
func BilledTo(ctx context.Context, inv *ent.Invoice) *schematype.BilledTo {
	if inv.BilledTo == nil {
		return nil
	}
	switch v := viewer.FromContext(ctx).(type) {
	case viewer.Staff, viewer.System:
		return inv.BilledTo
	case viewer.Portal:
		if v.ClientID == inv.ClientID && (v.AsClient() || string(v.ContactID) == inv.BilledTo.ContactID) {
			return inv.BilledTo
		}
	}
	return nil
}
