package portal

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/activity"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/ent/clientprofile"
	"github.com/kith-health/kith/ent/organization"
	"github.com/kith-health/kith/ent/portalinvitation"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// InvitationPrefix marks invitation claim tokens.
const InvitationPrefix = "kith_pi_"

// InviteClient gives client id its own portal access: it emails the client
// an invitation to claim, and marks the client INVITED until it does. The
// viewer in ctx (staff) must see the client. A newer invitation voids the
// older ones.
func (s *Service) InviteClient(ctx context.Context, id pulid.ID) (*ent.ClientProfile, error) {
	db := s.client(ctx)
	c, err := db.ClientProfile.Get(ctx, id)
	if err != nil {
		return nil, notFoundAs("clientId", id, err)
	}
	switch {
	case c.Email == "":
		return nil, kith.Invalid("clientId", "%s has no email address; add one before inviting them to the portal", c.FirstName)
	case !c.EmailConsent:
		return nil, kith.Invalid("clientId", "%s has not agreed to email, and portal invitations go by email", c.FirstName)
	case c.PortalStatus == schematype.PortalStatusActive:
		return nil, kith.Invalid("clientId", "%s already has portal access and signs in with their email", c.FirstName)
	}
	if err := s.invite(ctx, c, nil, c.Email, c.FirstName, c.LastName); err != nil {
		return nil, err
	}
	return c.Update().SetPortalStatus(schematype.PortalStatusInvited).Save(ctx)
}

// InviteNewClient invites c, a client just created in ctx's transaction,
// to the portal when its organisation asks for it (portalInviteOnCreate)
// and c has an email address and email consent: the invitation InviteClient
// sends, valid for Config.InvitationTTL (72 hours), sent only once the
// transaction commits and never if it rolls back. It returns c as it now
// is: INVITED when invited, else unchanged (its portalStatus stays NONE),
// which is how the caller knows.
func (s *Service) InviteNewClient(ctx context.Context, c *ent.ClientProfile) (*ent.ClientProfile, error) {
	if c.Email == "" || !c.EmailConsent || c.PortalStatus != schematype.PortalStatusNone {
		return c, nil
	}
	db := s.client(ctx)
	on, err := db.Organization.Query().
		Where(organization.ID(c.OrganizationID), organization.PortalInviteOnCreate(true)).
		Exist(systemIn(ctx, c.OrganizationID))
	if err != nil {
		return nil, fmt.Errorf("reading the organisation's portal setting: %w", err)
	}
	if !on {
		return c, nil
	}
	if err := s.invite(ctx, c, nil, c.Email, c.FirstName, c.LastName); err != nil {
		return nil, err
	}
	return c.Update().SetPortalStatus(schematype.PortalStatusInvited).Save(ctx)
}

// InviteContact gives the contact of link id portal access for the link's
// client: it sets the scopes and the can-manage-appointments flag when
// given, emails the contact an invitation, and marks the link INVITED
// until it is claimed. A contact whose access is active gets no new
// invitation; changing its scopes needs none.
func (s *Service) InviteContact(ctx context.Context, id pulid.ID, scopes []schematype.PortalScope, canManage *bool) (*ent.ClientContact, error) {
	db := s.client(ctx)
	l, err := db.ClientContact.Query().Where(clientcontact.ID(id)).WithContact().WithClient().Only(ctx)
	if err != nil {
		return nil, notFoundAs("linkId", id, err)
	}
	co := l.Edges.Contact
	update := l.Update()
	if scopes != nil {
		update.SetPortalScopes(schematype.Dedupe(scopes))
	}
	if canManage != nil {
		update.SetCanManageAppointments(*canManage)
	}
	switch {
	case co.Email == "":
		return nil, kith.Invalid("linkId", "%s has no email address; add one before inviting them to the portal", co.FirstName)
	case l.PortalStatus != schematype.PortalStatusActive:
		if err := s.invite(ctx, l.Edges.Client, l, co.Email, co.FirstName, co.LastName); err != nil {
			return nil, err
		}
		update.SetPortalStatus(schematype.PortalStatusInvited)
	}
	return update.Save(ctx)
}

// RevokeClient ends client id's own portal access at once and voids its
// unclaimed invitations. Its sessions stay but no longer reach the client.
func (s *Service) RevokeClient(ctx context.Context, id pulid.ID) (*ent.ClientProfile, error) {
	c, err := s.client(ctx).ClientProfile.Get(ctx, id)
	if err != nil {
		return nil, notFoundAs("clientId", id, err)
	}
	if err := s.voidInvitations(ctx, c.OrganizationID, c.ID, ""); err != nil {
		return nil, err
	}
	return c.Update().SetPortalStatus(schematype.PortalStatusRevoked).Save(ctx)
}

// RevokeContact ends the portal access of link id's contact for its client
// at once, from the contact's very next request, and voids its unclaimed
// invitations.
func (s *Service) RevokeContact(ctx context.Context, id pulid.ID) (*ent.ClientContact, error) {
	l, err := s.client(ctx).ClientContact.Get(ctx, id)
	if err != nil {
		return nil, notFoundAs("linkId", id, err)
	}
	if err := s.voidInvitations(ctx, l.OrganizationID, l.ClientID, l.ID); err != nil {
		return nil, err
	}
	return l.Update().SetPortalStatus(schematype.PortalStatusRevoked).Save(ctx)
}

// invite voids the older invitations of client (and link), stores a new
// one and emails its link to email.
func (s *Service) invite(ctx context.Context, c *ent.ClientProfile, l *ent.ClientContact, email, first, last string) error {
	var linkID, contactID pulid.ID
	if l != nil {
		linkID, contactID = l.ID, l.ContactID
	}
	if err := s.voidInvitations(ctx, c.OrganizationID, c.ID, linkID); err != nil {
		return err
	}
	token, h, err := newSecret(InvitationPrefix)
	if err != nil {
		return err
	}
	create := s.client(ctx).PortalInvitation.Create().
		SetOrganizationID(c.OrganizationID).SetClientID(c.ID).
		SetEmail(normalEmail(email)).SetTokenHash(h).
		SetExpiresAt(s.now().Add(s.cfg.InvitationTTL))
	if linkID != "" {
		create.SetLinkID(linkID)
	}
	if st, ok := viewer.StaffFromContext(ctx); ok {
		if id, ok := st.Person(); ok { // an API key invites for nobody
			create.SetInvitedBy(id)
		}
	}
	if err := create.Exec(systemIn(ctx, c.OrganizationID)); err != nil {
		return fmt.Errorf("inviting to the portal: %w", err)
	}
	err = s.mail.SendSecret(ctx, notifier.Secret{
		Kind: schematype.MessageKindPortalInvitation, ClientID: c.ID, ContactID: contactID,
		To: normalEmail(email), FirstName: first, LastName: last, Language: c.Language,
		Link: s.claimLink(token),
	})
	if err != nil {
		return fmt.Errorf("inviting to the portal: %w", err)
	}
	return nil
}

// voidInvitations voids the unclaimed invitations of client, for the
// client itself when link is empty or for link's contact.
func (s *Service) voidInvitations(ctx context.Context, org, client, link pulid.ID) error {
	q := s.client(ctx).PortalInvitation.Update().
		Where(portalinvitation.ClientID(client), portalinvitation.ClaimedAtIsNil(), portalinvitation.VoidedAtIsNil())
	if link == "" {
		q.Where(portalinvitation.LinkIDIsNil())
	} else {
		q.Where(portalinvitation.LinkID(link))
	}
	if err := q.SetVoidedAt(s.now()).Exec(systemIn(ctx, org)); err != nil {
		return fmt.Errorf("voiding older invitations: %w", err)
	}
	return nil
}

// claimLink is the address an invitation email points to.
func (s *Service) claimLink(token string) string {
	if s.cfg.PublicURL == "" {
		return token
	}
	return strings.TrimRight(s.cfg.PublicURL, "/") + "/portal/claim?token=" + url.QueryEscape(token)
}

// InvitationState is where an invitation stands.
type InvitationState string

// Invitation states.
const (
	InvitationValid   InvitationState = "VALID"
	InvitationExpired InvitationState = "EXPIRED"
	InvitationUsed    InvitationState = "USED"
	InvitationVoid    InvitationState = "VOID"
)

// Invitation is what an invitation link is for, shown before it is claimed.
type Invitation struct {
	// Practice is the organisation's name.
	Practice string
	// ClientFirstName is the first name of the client it gives access to.
	ClientFirstName string
	// Email is the address it was sent to, which the person signs in with.
	Email string
	// AsContact is true when it is for a contact of the client.
	AsContact bool
	// ExpiresAt is when it can no longer be claimed.
	ExpiresAt time.Time
	// State says whether it can still be claimed.
	State InvitationState
}

// Invitation describes the invitation of token without using it: opening
// a link (as mail scanners do) must not use it up.
func (s *Service) Invitation(ctx context.Context, token string) (*Invitation, error) {
	inv, err := s.findInvitation(ctx, token)
	if err != nil {
		return nil, err
	}
	sys := systemIn(ctx, inv.OrganizationID)
	org, err := s.client(ctx).Organization.Query().Where(organization.ID(inv.OrganizationID)).Only(sys)
	if err != nil {
		return nil, fmt.Errorf("reading the invitation: %w", err)
	}
	c, err := s.client(ctx).ClientProfile.Query().Where(clientprofile.ID(inv.ClientID)).Only(sys)
	if err != nil {
		return nil, fmt.Errorf("reading the invitation: %w", err)
	}
	first := c.FirstName
	if c.PreferredName != "" {
		first = c.PreferredName
	}
	return &Invitation{
		Practice: org.Name, ClientFirstName: first, Email: inv.Email, AsContact: inv.LinkID != "",
		ExpiresAt: inv.ExpiresAt, State: s.state(inv),
	}, nil
}

// Claim uses the invitation of token: the client's or the contact's portal
// access becomes ACTIVE and a session starts for the invited email. It
// works once, however many claims race: the first one wins.
func (s *Service) Claim(ctx context.Context, token string) (*Session, error) {
	inv, err := s.findInvitation(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := unusable(s.state(inv)); err != nil {
		return nil, err
	}
	sys := systemIn(ctx, inv.OrganizationID)
	db := s.client(ctx)
	now := s.now()
	n, err := db.PortalInvitation.Update().
		Where(portalinvitation.ID(inv.ID), portalinvitation.ClaimedAtIsNil(), portalinvitation.VoidedAtIsNil(), portalinvitation.ExpiresAtGT(now)).
		SetClaimedAt(now).
		Save(sys)
	if err != nil {
		return nil, fmt.Errorf("claiming the invitation: %w", err)
	}
	if n == 0 {
		return nil, unusable(InvitationUsed)
	}
	if inv.LinkID != "" {
		err = db.ClientContact.UpdateOneID(inv.LinkID).SetPortalStatus(schematype.PortalStatusActive).Exec(sys)
	} else {
		err = db.ClientProfile.UpdateOneID(inv.ClientID).SetPortalStatus(schematype.PortalStatusActive).Exec(sys)
	}
	if err != nil {
		return nil, fmt.Errorf("claiming the invitation: %w", err)
	}
	var contact pulid.ID
	if inv.LinkID != "" {
		l, err := db.ClientContact.Get(sys, inv.LinkID)
		if err != nil {
			return nil, fmt.Errorf("claiming the invitation: %w", err)
		}
		contact = l.ContactID
	}
	e := activity.Event{OrgID: inv.OrganizationID, ClientID: inv.ClientID, ContactID: contact, Email: inv.Email, Action: ActionInvitationClaimed, SubjectID: inv.ID}
	if err := activity.RecordEvent(ctx, db, e); err != nil {
		return nil, err
	}
	return s.issue(ctx, inv.OrganizationID, inv.Email)
}

// findInvitation is the invitation of token, in any organisation.
func (s *Service) findInvitation(ctx context.Context, token string) (*ent.PortalInvitation, error) {
	if !strings.HasPrefix(strings.TrimSpace(token), InvitationPrefix) {
		return nil, kith.Invalid("token", "this invitation link is not valid; check that it was copied whole")
	}
	inv, err := s.client(ctx).PortalInvitation.Query().
		Where(portalinvitation.TokenHash(hash(token))).
		Only(viewer.SystemContext(ctx))
	switch {
	case ent.IsNotFound(err):
		return nil, kith.Invalid("token", "this invitation link is not valid; check that it was copied whole")
	case err != nil:
		return nil, fmt.Errorf("reading the invitation: %w", err)
	}
	return inv, nil
}

// state is where inv stands now.
func (s *Service) state(inv *ent.PortalInvitation) InvitationState {
	switch {
	case inv.VoidedAt != nil:
		return InvitationVoid
	case inv.ClaimedAt != nil:
		return InvitationUsed
	case !s.now().Before(inv.ExpiresAt):
		return InvitationExpired
	default:
		return InvitationValid
	}
}

// unusable is the error of claiming an invitation in state, or nil.
func unusable(state InvitationState) error {
	switch state {
	case InvitationVoid:
		return kith.Invalid("token", "this invitation was replaced by a newer one or withdrawn; use the latest email or ask the practice")
	case InvitationUsed:
		return kith.Invalid("token", "this invitation has already been used; sign in with your email instead")
	case InvitationExpired:
		return kith.Invalid("token", "this invitation has expired; ask the practice for a new one")
	}
	return nil
}

// notFoundAs reports a missing record as NOT_FOUND on field.
func notFoundAs(field string, id pulid.ID, err error) error {
	if ent.IsNotFound(err) {
		return &kith.NotFoundError{Field: field, ID: id}
	}
	return err
}
