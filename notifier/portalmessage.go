package notifier

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/ent/clientprofile"
	"github.com/kith-health/kith/ent/hook"
	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/ent/portalmessage"
	"github.com/kith-health/kith/link"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
)

// ReasonNoPortalAccess is why a portal message notice is skipped when its
// person cannot read the thread in the portal now (no active access, or a
// contact without the MESSAGING scope).
const ReasonNoPortalAccess = "they cannot read messages in the portal"

// followPortalMessages is the hook through which a message the practice
// writes in a portal thread tells the thread's person by email, in the
// mutation's transaction: "You have a new message from [PracticeName]"
// with a link to the portal, never the message itself (it is health
// information). Messages from the portal email nobody: staff see them as
// unread in the client's threads.
func (q *Queue) followPortalMessages() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.PortalMessageFunc(func(ctx context.Context, m *ent.PortalMessageMutation) (ent.Value, error) {
			if d, _ := m.Direction(); d == portalmessage.DirectionFromPractice {
				if err := needTx(ctx); err != nil {
					return nil, err
				}
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			msg, ok := v.(*ent.PortalMessage)
			if !ok || msg.Direction != portalmessage.DirectionFromPractice {
				return v, nil
			}
			etx := transaction.From(ctx) // nil outside a transaction
			if err := q.notifyPortalMessage(ctx, m.Client(), etx, msg); err != nil {
				return nil, fmt.Errorf("telling of the new message: %w", err)
			}
			return v, nil
		})
	}, ent.OpCreate)
}

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
	r, canRead := recipients[0], c.PortalStatus == kith.PortalStatusActive
	if msg.ContactID != "" {
		if len(recipients) < 2 {
			return nil // the link is gone: nobody to tell
		}
		r = recipients[1]
		canRead = r.Link.PortalStatus == kith.PortalStatusActive && slices.Contains(r.Link.PortalScopes, kith.PortalScopeMessaging)
	}
	prefs, err := loadPreferences(sys, db, c)
	if err != nil {
		return err
	}
	prefs.Method = clientprofile.PreferredContactMethodEmail
	plan := Plan(schematype.MessageKindPortalMessage, []*link.Recipient{r}, prefs)
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
	v := Occasion{Org: org, Client: c, Recipient: r}.Values(t.Language, q.cfg.Links)
	v["PortalLink"] = q.cfg.Links.safe(messagesLink(q.cfg.Links, string(c.ID)))
	shown := t.Render(v)
	create := db.Notification.Create().
		SetClientID(c.ID).SetRecipientName(r.Name).
		SetKind(schematype.MessageKindPortalMessage).SetChannel(d.Channel).SetAddress(d.Address).
		SetSubject(shown.Subject).SetHTML(shown.HTML).SetText(shown.Text).
		SetSendAfter(time.Now().UTC())
	if r.Contact != nil {
		create.SetContactID(r.Contact.ID)
	}
	if d.Skipped {
		create.SetStatus(notification.StatusSkipped).SetReason(d.Reason)
	}
	n, err := create.Save(sys)
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
func messagesLink(links Links, client string) string {
	if links.PortalURL == "" {
		return ""
	}
	return strings.TrimRight(links.PortalURL, "/") + "/portal/messages?client=" + url.QueryEscape(client)
}
