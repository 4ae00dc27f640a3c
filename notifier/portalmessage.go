package notifier

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/ent/clientprofile"
	"github.com/kith-health/kith/link"
	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
)

// ReasonNoPortalAccess is why a portal message notice is skipped when its
// person cannot read the thread in the portal now (no active access, or a
// contact without the MESSAGING scope).
const ReasonNoPortalAccess = "they cannot read messages in the portal"

// notifyPortalMessage records one KindPortalMessage email to the person of
// msg's thread (the client, or the contact through its link) and queues
// its SendArgs job (insert). It goes by email whatever the client's
// preferred method, and is skipped, with the reason, when the person has no
// address, no consent, a bounced address, or cannot read the thread.
func (q *Queue) notifyPortalMessage(ctx context.Context, db *ent.Client, etx *ent.Tx, msg *ent.PortalMessage) error {
	sys := systemIn(ctx, msg.OrganizationID)
	c, err := db.ClientProfile.Query().Where(clientprofile.ID(msg.ClientID)).
		WithOrganization().
		WithContactLinks(func(l *ent.ClientContactQuery) {
			l.Where(clientcontact.ContactID(msg.ContactID)).WithContact() // none for the client's own thread
		}).
		Only(sys)
	if err != nil {
		return err
	}
	recipients := link.Recipients(c, c.Edges.ContactLinks)
	r, canRead := recipients[0], c.PortalStatus == schematype.PortalStatusActive
	if msg.ContactID != "" {
		if len(recipients) < 2 {
			return nil // the link is gone: nobody to tell
		}
		r = recipients[1]
		canRead = r.Link.PortalStatus == schematype.PortalStatusActive && slices.Contains(r.Link.PortalScopes, schematype.PortalScopeMessaging)
	}
	prefs, err := loadPreferences(sys, db, c)
	if err != nil {
		return err
	}
	prefs.Method = clientprofile.PreferredContactMethodEmail
	plan := compose.Plan(schematype.MessageKindPortalMessage, []*link.Recipient{r}, prefs)
	if len(plan) == 0 {
		return nil
	}
	d := plan[0]
	if !d.Skipped && !canRead {
		d.Skipped, d.Reason = true, ReasonNoPortalAccess
	}
	org := c.Edges.Organization
	t, _, err := Effective(sys, db, org, schematype.MessageKindPortalMessage, schematype.ChannelEmail, c.Language)
	if err != nil {
		return err
	}
	v := compose.Occasion{Org: org, Client: c, Recipient: r}.Values(t.Language, q.cfg.Links)
	v["PortalLink"] = q.cfg.Links.Safe(messagesLink(q.cfg.Links, string(c.ID)))
	shown := t.Render(v)
	n, err := newNotification(db, c, schematype.MessageKindPortalMessage, d, shown, time.Now().UTC()).Save(sys)
	if err != nil {
		return fmt.Errorf("recording notification: %w", err)
	}
	if d.Skipped {
		return nil
	}
	return q.insert(ctx, etx, river.InsertManyParams{Args: SendArgs{NotificationIDs: []pulid.ID{n.ID}}})
}

// messagesLink is where a portal message notice points: the portal's
// messages, acting for client. Empty without a portal address.
func messagesLink(links compose.Links, client string) string {
	if links.PortalURL == "" {
		return ""
	}
	return strings.TrimRight(links.PortalURL, "/") + "/portal/messages?client=" + url.QueryEscape(client)
}
