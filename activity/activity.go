// Package activity owns a client's portal activity: what a client or its
// contacts did in the portal for the client (signed in, claimed an
// invitation, paid an invoice, submitted a form…), which staff read in
// Client.portalActivity. Every portal feature records its own actions,
// named in UPPER_CASE by the package that records them, in the transaction
// of the change, so a failed request leaves no trace.
package activity

import (
	"context"
	"fmt"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/portalevent"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// Event is one portal action to record.
type Event struct {
	// OrgID and ClientID are the organisation and the client acted for.
	OrgID, ClientID pulid.ID
	// ContactID is the contact who acted; empty for the client itself.
	ContactID pulid.ID
	// Email is the address the person signed in with.
	Email string
	// Action is what was done, such as SIGNED_IN.
	Action string
	// Detail describes it in a few words; optional, clipped to a line.
	Detail string
	// SubjectID is the record it was done to; optional.
	SubjectID pulid.ID
}

// Record notes that the portal viewer in ctx did action for the client it
// acts for, about subject (optional) described by detail, through db (the
// request's transaction). Outside a portal request acting for a client it
// records nothing.
func Record(ctx context.Context, db *ent.Client, action, detail string, subject pulid.ID) error {
	p, ok := viewer.PortalFromContext(ctx)
	if !ok || p.ClientID == "" {
		return nil
	}
	return RecordEvent(ctx, db, Event{OrgID: p.OrgID, ClientID: p.ClientID, ContactID: p.ContactID, Email: p.Email,
		Action: action, Detail: detail, SubjectID: subject})
}

// RecordEvent notes e through db, as kith itself in e's organisation: for
// what happens before the person acts for a client (signing in, claiming
// an invitation).
func RecordEvent(ctx context.Context, db *ent.Client, e Event) error {
	create := db.PortalEvent.Create().
		SetOrganizationID(e.OrgID).SetClientID(e.ClientID).SetEmail(e.Email).
		SetAction(e.Action).SetDetail(schematype.Clip(e.Detail, schematype.MaxLineLength))
	if e.ContactID != "" {
		create.SetContactID(e.ContactID)
	}
	if e.SubjectID != "" {
		create.SetSubjectID(e.SubjectID)
	}
	if err := create.Exec(viewer.NewContext(ctx, viewer.System{OrgID: e.OrgID})); err != nil {
		return fmt.Errorf("recording portal activity: %w", err)
	}
	return nil
}

// List lists the latest first portal events of client c, newest first, as
// the viewer in ctx (staff) may read them.
func List(ctx context.Context, db *ent.Client, c pulid.ID, first int) ([]*ent.PortalEvent, error) {
	out, err := db.PortalEvent.Query().
		Where(portalevent.ClientID(c)).
		Order(ent.Desc(portalevent.FieldCreatedAt), ent.Desc(portalevent.FieldID)).
		Limit(min(max(first, 0), 100)).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading portal activity: %w", err)
	}
	return out, nil
}
