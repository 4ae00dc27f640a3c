package portal

import (
	"context"
	"fmt"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/portalevent"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// Portal actions recorded in a client's portal activity. Packages that add
// portal features record their own, in the same UPPER_CASE style.
const (
	ActionSignedIn          = "SIGNED_IN"
	ActionInvitationClaimed = "INVITATION_CLAIMED"
)

// Record notes that the portal viewer in ctx did action for the client it
// acts for, about subject (optional) described by detail. It writes in the
// request's transaction, so a failed request leaves no trace.
func Record(ctx context.Context, db *ent.Client, action, detail string, subject pulid.ID) error {
	p, ok := viewer.PortalFromContext(ctx)
	if !ok || p.ClientID == "" {
		return nil
	}
	return record(ctx, db, p.OrgID, p.ClientID, p.ContactID, p.Email, action, detail, subject)
}

func record(ctx context.Context, db *ent.Client, org, client, contact pulid.ID, email, action, detail string, subject pulid.ID) error {
	create := db.PortalEvent.Create().
		SetOrganizationID(org).SetClientID(client).SetEmail(email).
		SetAction(action).SetDetail(kith.Clip(detail, kith.MaxLineLength))
	if contact != "" {
		create.SetContactID(contact)
	}
	if subject != "" {
		create.SetSubjectID(subject)
	}
	if err := create.Exec(systemIn(ctx, org)); err != nil {
		return fmt.Errorf("recording portal activity: %w", err)
	}
	return nil
}

// recordAll notes action for every client email may act for in org.
func (s *Service) recordAll(ctx context.Context, org pulid.ID, email, action string) error {
	all, err := s.Accesses(ctx, org, email)
	if err != nil {
		return err
	}
	for _, a := range all {
		if err := record(ctx, s.client(ctx), org, a.ClientID, a.ContactID, email, action, "", ""); err != nil {
			return err
		}
	}
	return nil
}

// Activity lists the latest portal events of client c, newest first, as
// the viewer in ctx (staff) may read them.
func Activity(ctx context.Context, db *ent.Client, c pulid.ID, first int) ([]*ent.PortalEvent, error) {
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
