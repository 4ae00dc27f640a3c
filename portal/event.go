package portal

import (
	"context"

	"github.com/kith-health/kith/activity"
	"github.com/kith-health/kith/pulid"
)

// Portal actions of signing in, recorded in a client's portal activity.
const (
	ActionSignedIn          = "SIGNED_IN"
	ActionInvitationClaimed = "INVITATION_CLAIMED"
)

// recordAll notes action for every client email may act for in org.
func (s *Service) recordAll(ctx context.Context, org pulid.ID, email, action string) error {
	all, err := s.Accesses(ctx, org, email)
	if err != nil {
		return err
	}
	for _, a := range all {
		e := activity.Event{OrgID: org, ClientID: a.ClientID, ContactID: a.ContactID, Email: email, Action: action}
		if err := activity.RecordEvent(ctx, s.client(ctx), e); err != nil {
			return err
		}
	}
	return nil
}
