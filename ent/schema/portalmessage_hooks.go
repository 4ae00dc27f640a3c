package schema

import (
	"context"
	"strings"
	"unicode/utf8"

	"entgo.io/ent"

	"github.com/kith-health/kith"
	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/ent/hook"
	"github.com/kith-health/kith/ent/portalmessage"
	"github.com/kith-health/kith/viewer"
)

// maxMessageRunes caps a portal message's length.
const maxMessageRunes = 10000

// stampPortalMessage checks a new message's body and records who wrote it:
// a staff member writes FROM_PRACTICE under their own name; a portal user's
// address is kept with what they write.
func stampPortalMessage() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.PortalMessageFunc(func(ctx context.Context, m *gen.PortalMessageMutation) (ent.Value, error) {
			body, _ := m.Body()
			body = strings.TrimSpace(body)
			switch n := utf8.RuneCountInString(body); {
			case n == 0:
				return nil, kith.Invalid("body", "the message is empty; write something to send")
			case n > maxMessageRunes:
				return nil, kith.Invalid("body", "the message is %d characters long; the limit is %d", n, maxMessageRunes)
			}
			m.SetBody(body)
			if st, ok := viewer.StaffFromContext(ctx); ok {
				if d, ok := m.Direction(); ok && d != portalmessage.DirectionFromPractice {
					return nil, kith.Invalid("direction", "staff write messages from the practice")
				}
				m.SetDirection(portalmessage.DirectionFromPractice)
				if id, ok := st.Person(); ok { // an API key writes as the practice, not a person
					m.SetStaffID(id)
				}
			}
			if p, ok := viewer.PortalFromContext(ctx); ok {
				m.SetAuthorEmail(p.Email)
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate)
}

// requireLinkedContact refuses a message in the thread of a contact who is
// not linked to the client: NOT_FOUND on contactId, as for a contact of
// another organisation.
func requireLinkedContact() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.PortalMessageFunc(func(ctx context.Context, m *gen.PortalMessageMutation) (ent.Value, error) {
			contact, ok := m.ContactID()
			if !ok || contact == "" {
				return next.Mutate(ctx, m)
			}
			client, _ := m.ClientID()
			org, _ := m.OrganizationID()
			linked, err := m.Client().ClientContact.Query().
				Where(clientcontact.ClientID(client), clientcontact.ContactID(contact)).
				Exist(viewer.NewContext(ctx, viewer.System{OrgID: org}))
			if err != nil {
				return nil, err
			}
			if !linked {
				return nil, &kith.NotFoundError{Field: "contactId", ID: contact}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate)
}
