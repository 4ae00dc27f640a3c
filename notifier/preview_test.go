package notifier_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/ent/notification"
	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/notifier/notifiertest"
	"github.com/kith-health/kith/schematype"
)

// TestPreviewAgreesWithSending: for every recipient of a client and every
// channel, previewMessage says what sending did: the same address, and the
// same reason for a copy skipped (a parent sharing the child's email, a
// parent without a phone), or the flag that keeps a recipient out.
func TestPreviewAgreesWithSending(t *testing.T) {
	t.Parallel()
	env := notifiertest.New(t)
	p := env.Practice(t, "maple")
	client := env.Client(t, p, map[string]any{"firstName": "Nina", "lastName": "Park", "email": "nina@example.com",
		"mobilePhone": "+14165550100", "smsConsent": true, "preferredContactMethod": "BOTH", "notifyConfirmations": true},
		map[string]any{"contact": map[string]any{"firstName": "Kim", "lastName": "Park", "email": "Nina@Example.com", "phone": "+14165550101"},
			"relationship": "PARENT", "notifyConfirmations": true, "allowDuplicate": true},
		map[string]any{"contact": map[string]any{"firstName": "Lee", "lastName": "Park", "email": "lee@example.com"},
			"relationship": "PARENT", "notifyConfirmations": true, "allowDuplicate": true},
		map[string]any{"contact": map[string]any{"firstName": "Ola", "lastName": "Park", "email": "ola@example.com"},
			"relationship": "OTHER", "notifyReminders": true, "allowDuplicate": true})
	id := env.Book(t, p, client, 72*time.Hour)

	var recipients struct {
		Node struct {
			Recipients []struct {
				Name    string
				Contact *struct{ ID string }
			}
		}
	}
	env.API.OK(p.Token, `query($id: ID!){ node(id: $id) { ... on Client { recipients { name contact { id } } } } }`,
		map[string]any{"id": client}, &recipients)
	require.Len(t, recipients.Node.Recipients, 4)

	type outcome struct{ Address, Reason string }
	sent := map[string]outcome{}
	for _, ch := range schematype.Channels {
		for _, n := range env.Notifications(t, id, ch) {
			if n.Kind != schematype.MessageKindConfirmation {
				continue
			}
			if n.Status != notification.StatusSkipped {
				require.Equal(t, notification.StatusQueued, n.Status)
			}
			sent[n.RecipientName+" "+string(ch)] = outcome{n.Address, n.Reason}
		}
	}
	require.Equal(t, outcome{"nina@example.com", "same address as Nina Park"}, sent["Kim Park EMAIL"])
	require.Equal(t, outcome{"", compose.ReasonNoPhone}, sent["Lee Park SMS"])
	require.Len(t, sent, 6, "Ola takes reminders only")

	for _, r := range recipients.Node.Recipients {
		for _, ch := range schematype.Channels {
			vars := map[string]any{"a": id, "ch": ch}
			if r.Contact != nil {
				vars["c"] = r.Contact.ID
			}
			var preview struct {
				PreviewMessage struct {
					RecipientName string
					Address       *string
					SkippedReason *string
				}
			}
			env.API.OK(p.Token, `query($a: ID!, $c: ID, $ch: Channel!){ previewMessage(appointmentID: $a, contactID: $c, kind: CONFIRMATION, channel: $ch){ recipientName address skippedReason } }`,
				vars, &preview)
			got := outcome{deref(preview.PreviewMessage.Address), deref(preview.PreviewMessage.SkippedReason)}
			want, ok := sent[r.Name+" "+string(ch)]
			if !ok {
				want = outcome{Reason: compose.ReasonFlagOff}
			}
			require.Equal(t, r.Name, preview.PreviewMessage.RecipientName)
			require.Equal(t, want, got, "%s on %s: the preview says what sending did", r.Name, ch)
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
