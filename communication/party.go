package communication

import (
	"context"
	"fmt"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/communicationparty"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// maxRelated caps the people staff name in relatedTo.
const maxRelated = 20

// addParties writes parties of c as kith in c's organisation, each person
// once (certain over candidate).
func addParties(ctx context.Context, db *ent.Client, c *ent.Communication, parties []Party) error {
	if len(parties) == 0 {
		return nil
	}
	sys := viewer.NewContext(ctx, viewer.System{OrgID: c.OrganizationID})
	seen := map[pulid.ID]int{}
	var unique []Party
	for _, p := range parties {
		id := p.ClientID + p.ContactID + p.StaffID
		if i, ok := seen[id]; ok {
			if !p.Candidate {
				unique[i].Candidate = false
			}
			continue
		}
		seen[id] = len(unique)
		unique = append(unique, p)
	}
	creates := make([]*ent.CommunicationPartyCreate, len(unique))
	for i, p := range unique {
		cr := db.CommunicationParty.Create().SetOrganizationID(c.OrganizationID).SetCommunicationID(c.ID).
			SetCandidate(p.Candidate).SetMatchedBy(p.MatchedBy).SetAddress(clip(p.Address)).SetOccurredAt(c.OccurredAt)
		switch {
		case p.ClientID != "":
			cr.SetClientID(p.ClientID)
		case p.ContactID != "":
			cr.SetContactID(p.ContactID)
		default:
			cr.SetStaffID(p.StaffID)
		}
		creates[i] = cr
	}
	if err := db.CommunicationParty.CreateBulk(creates...).Exec(sys); err != nil {
		return fmt.Errorf("writing who the communication concerns: %w", err)
	}
	return nil
}

// replaceParties makes ids (clients, contacts and staff, read as the
// viewer: another organisation's is NOT_FOUND on relatedTo.N) the people c
// concerns, in place of its parties and candidates.
func replaceParties(ctx context.Context, db *ent.Client, c *ent.Communication, ids []pulid.ID) error {
	if len(ids) > maxRelated {
		return kith.Invalid("relatedTo", "relatedTo may name at most %d people, not %d", maxRelated, len(ids))
	}
	parties, err := resolvePeople(ctx, db, ids, "relatedTo")
	if err != nil {
		return err
	}
	sys := viewer.NewContext(ctx, viewer.System{OrgID: c.OrganizationID})
	if _, err := db.CommunicationParty.Delete().Where(communicationparty.CommunicationID(c.ID)).Exec(sys); err != nil {
		return fmt.Errorf("clearing who the communication concerns: %w", err)
	}
	return addParties(ctx, db, c, parties)
}

// resolvePeople reads ids as the viewer and turns them into parties set
// by staff: a client (cl…), a contact (co…) or a staff member (st…). An ID
// of another kind is BAD_USER_INPUT; one the viewer cannot read, another
// organisation's included, NOT_FOUND, on field.N.
func resolvePeople(ctx context.Context, db *ent.Client, ids []pulid.ID, field string) ([]Party, error) {
	parties := make([]Party, 0, len(ids))
	for i, id := range ids {
		at := fmt.Sprintf("%s.%d", field, i)
		var err error
		p := Party{MatchedBy: communicationparty.MatchedByStaff}
		switch id.Prefix() {
		case "cl":
			_, err = db.ClientProfile.Get(ctx, id)
			p.ClientID = id
		case "co":
			_, err = db.Contact.Get(ctx, id)
			p.ContactID = id
		case "st":
			_, err = db.Staff.Get(ctx, id)
			p.StaffID = id
		default:
			return nil, kith.Invalid(at, "%s must be the ID of a client, a contact or a staff member", at)
		}
		if ent.IsNotFound(err) {
			return nil, &kith.NotFoundError{Field: at, ID: id}
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", at, err)
		}
		parties = append(parties, p)
	}
	return parties, nil
}
