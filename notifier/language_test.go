package notifier_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/notifier/notifiertest"
	"github.com/kith-health/kith/schematype"
)

// TestRecipientLanguageChoosesTheDefault: in an English-speaking practice,
// a client reading fr-CA gets kith's French wording, not the English one,
// until the practice writes its own French; a language kith does not write
// falls back on the practice's own wording, then on kith's in its language.
func TestRecipientLanguageChoosesTheDefault(t *testing.T) {
	t.Parallel()
	env := notifiertest.New(t)
	p := env.Practice(t, "maple")

	type effective struct {
		Language  string
		Subject   *string
		Text      *string
		IsDefault bool
	}
	effectiveIn := func(lang string) effective {
		var out struct{ EffectiveMessageTemplate effective }
		env.API.OK(p.Token, `query($l: String){ effectiveMessageTemplate(kind: CONFIRMATION, channel: EMAIL, language: $l) { language subject text isDefault } }`,
			map[string]any{"l": lang}, &out)
		return out.EffectiveMessageTemplate
	}
	for _, lang := range []string{"fr", "fr-CA", "FR-ca"} {
		got := effectiveIn(lang)
		require.Equal(t, "fr", got.Language, lang)
		require.True(t, got.IsDefault, lang)
		require.Equal(t, compose.Default(schematype.MessageKindConfirmation, schematype.ChannelEmail, "fr").Text, *got.Text, lang)
	}

	client := env.Client(t, p, map[string]any{"firstName": "Élodie", "lastName": "Roy", "email": "elodie@example.com",
		"language": "fr-CA", "notifyConfirmations": true})
	id := env.Book(t, p, client, 72*time.Hour)
	ns := env.Notifications(t, id, schematype.ChannelEmail)
	require.Len(t, ns, 1)
	require.True(t, strings.HasPrefix(ns[0].Text, "Bonjour Élodie,"), ns[0].Text)
	require.Contains(t, ns[0].Subject, "Rendez-vous confirmé")
	require.Contains(t, ns[0].HTML, `lang="fr"`)

	var preview struct {
		PreviewMessage struct{ Language, Text string }
	}
	env.API.OK(p.Token, `query($a: ID!){ previewMessage(appointmentID: $a, kind: REMINDER, channel: EMAIL){ language text } }`,
		map[string]any{"a": id}, &preview)
	require.Equal(t, "fr", preview.PreviewMessage.Language)
	require.Contains(t, preview.PreviewMessage.Text, "Nous vous rappelons")

	// The practice's own English wording does not reach a French reader;
	// its own French wording does, and serves fr-CA.
	save := func(lang, subject string) {
		env.API.OK(p.Token, saveTemplate, map[string]any{"in": map[string]any{"kind": "CONFIRMATION", "channel": "EMAIL", "language": lang,
			"subject": subject, "text": "[RecipientFirstName]: " + subject}}, nil)
	}
	save("en", "Booked")
	got := effectiveIn("fr-CA")
	require.Equal(t, "fr", got.Language)
	require.True(t, got.IsDefault)
	got = effectiveIn("de")
	require.Equal(t, "en", got.Language, "kith writes no German: the practice's own, in its language")
	require.False(t, got.IsDefault)
	require.Equal(t, "Booked", *got.Subject)
	save("fr", "Réservé")
	got = effectiveIn("fr-CA")
	require.Equal(t, "fr", got.Language)
	require.False(t, got.IsDefault)
	require.Equal(t, "Réservé", *got.Subject)
}
