package schema

import (
	"context"
	"errors"
	"slices"
	"strings"

	"entgo.io/ent"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/email"
	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/communication"
	"github.com/kith-health/kith/ent/communicationparty"
	"github.com/kith-health/kith/ent/effect"
	"github.com/kith-health/kith/ent/hook"
	"github.com/kith-health/kith/ent/mailbox"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// errClosedCall is the error of a staff edit of a closed call.
var errClosedCall = errors.New("this call is closed: its title, description and people can no longer be changed")

// staffEditable are the fields staff may change on a communication: on an
// open call its title and description, and ending it.
var staffEditable = []string{
	communication.FieldTitle, communication.FieldDescription, communication.FieldStatus,
	communication.FieldEndedAt, communication.FieldClosedAt, communication.FieldClosedByID,
	communication.FieldUpdatedAt,
}

// guardCommunication keeps a communication's lifecycle: a call is OPEN
// when created (unless kith records it closed) and only ever moves to
// CLOSED; emails and SMS have no status. Staff create nothing but calls
// logged by hand; they edit only an open call's title and description (an
// email's or SMS's are as they came) and only one at a time; a closed call
// is read-only to them (BAD_USER_INPUT). The people a communication
// concerns are its parties, changed by package communication, which
// touches the communication, so that this guard sees those changes too.
func guardCommunication() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return hook.CommunicationFunc(func(ctx context.Context, m *gen.CommunicationMutation) (ent.Value, error) {
			if err := checkCommunication(ctx, m); err != nil {
				return nil, err
			}
			return next.Mutate(ctx, m)
		})
	}
}

func checkCommunication(ctx context.Context, m *gen.CommunicationMutation) error {
	v := viewer.FromContext(ctx)
	system := v != nil && v.IsSystem()
	switch {
	case m.Op().Is(ent.OpCreate):
		kind, _ := m.Kind()
		status, hasStatus := m.Status()
		if kind == communication.KindCall {
			if !hasStatus {
				m.SetStatus(communication.StatusOpen)
			}
		} else if hasStatus {
			return kith.Invalid("status", "only a call has a status; an email or SMS has none")
		}
		if !system {
			if source, _ := m.Source(); kind != communication.KindCall || source != communication.SourceLogged {
				return kith.ErrForbidden
			}
			if status == communication.StatusClosed && hasStatus {
				return kith.Invalid("status", "a logged call starts OPEN; end it with endCall")
			}
		}
		return nil
	case m.Op().Is(ent.OpUpdate) && !system:
		return kith.ErrForbidden // staff change one communication at a time
	case m.Op().Is(ent.OpUpdateOne):
		old, err := m.OldStatus(ctx)
		if err != nil {
			return err
		}
		kind, err := m.OldKind(ctx)
		if err != nil {
			return err
		}
		if status, ok := m.Status(); ok || m.StatusCleared() {
			switch {
			case kind != communication.KindCall:
				return kith.Invalid("id", "only a call can be ended; this is an %s", strings.ToLower(string(kind)))
			case m.StatusCleared() || old != nil && *old == communication.StatusClosed && status != communication.StatusClosed:
				return kith.Invalid("id", "a closed call cannot be opened again")
			}
		}
		if system {
			return nil
		}
		for _, f := range m.Fields() {
			if !slices.Contains(staffEditable, f) {
				return kith.ErrForbidden
			}
		}
		if kind != communication.KindCall {
			for _, f := range []string{communication.FieldTitle, communication.FieldDescription} {
				if _, ok := m.Field(f); ok || m.FieldCleared(f) {
					return kith.Invalid(kith.CamelCase(f), "an %s is kept as it came: only the people it concerns (relatedTo) can be changed",
						strings.ToLower(string(kind)))
				}
			}
			return nil
		}
		if old != nil && *old == communication.StatusClosed {
			return kith.Invalid("id", "%s", errClosedCall.Error())
		}
	}
	return nil
}

// sanitizeCommunication cleans an email's HTML before it is stored
// (email.Sanitize): no scripts, styles, event handlers, forms or remote
// images, whichever path recorded it (mailbox import, Inbound Parse).
func sanitizeCommunication() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.CommunicationFunc(func(ctx context.Context, m *gen.CommunicationMutation) (ent.Value, error) {
			if html, ok := m.HTMLBody(); ok && html != "" {
				m.SetHTMLBody(email.Sanitize(html))
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate)
}

// announceCall tells the client's CallEvents (package callevent), in the
// change's transaction, of every change to a call: STARTED when it is
// recorded, CLOSED when it is closed, UPDATED otherwise. Staff watching
// calls (the callEvents subscription) hear of it once it commits.
func announceCall() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.CommunicationFunc(func(ctx context.Context, m *gen.CommunicationMutation) (ent.Value, error) {
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			c, ok := v.(*gen.Communication)
			events := m.Effects.CallEvents()
			if !ok || events == nil || c.Kind != communication.KindCall {
				return v, nil
			}
			kind := effect.CallUpdated
			switch {
			case m.Op().Is(ent.OpCreate):
				kind = effect.CallStarted
			case c.Status != nil && *c.Status == communication.StatusClosed:
				if s, set := m.Status(); set && s == communication.StatusClosed {
					kind = effect.CallClosed
				}
			}
			if err := events.CallChanged(ctx, effect.CallEvent{OrganizationID: c.OrganizationID, CommunicationID: c.ID, Kind: kind}); err != nil {
				return nil, err
			}
			return v, nil
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}

// validateParty refuses a party that names not exactly one person.
func validateParty() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.CommunicationPartyFunc(func(ctx context.Context, m *gen.CommunicationPartyMutation) (ent.Value, error) {
			n := 0
			for _, f := range []string{communicationparty.FieldClientID, communicationparty.FieldContactID, communicationparty.FieldStaffID} {
				if v, ok := m.Field(f); ok && v != "" {
					n++
				}
			}
			if n != 1 {
				return nil, kith.Invalid("relatedTo", "each person a communication concerns is one client, contact or staff member")
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate)
}

// normalizeMailbox lower-cases a mailbox's address and trims its server
// and user name.
func normalizeMailbox() ent.Hook {
	return hookOn(func(_ context.Context, m *gen.MailboxMutation) error {
		return each(m, map[string]normalizer{
			mailbox.FieldAddress:  func(s string) (string, error) { return nonEmpty(schematype.NormalizeEmail(s)) },
			mailbox.FieldHost:     func(s string) (string, error) { return required(strings.ToLower(s)) },
			mailbox.FieldUsername: required,
		}, mailbox.FieldAddress, mailbox.FieldHost, mailbox.FieldUsername)
	}, writeOps)
}
