package notifier

import (
	"context"
	"fmt"
	"slices"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/messagetemplate"
	"github.com/kith-health/kith/ent/predicate"
	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/schematype"
)

// Custom returns the organisation's own templates of kind on channel, in
// every language; the viewer in ctx decides the organisation.
func Custom(ctx context.Context, db *ent.Client, kind schematype.MessageKind, channel schematype.Channel) ([]compose.Template, error) {
	return custom(ctx, db, kind, messagetemplate.Channel(channel))
}

// custom is Custom for the templates of kind that match where (one channel,
// or all of them: see record).
func custom(ctx context.Context, db *ent.Client, kind schematype.MessageKind, where ...predicate.MessageTemplate) ([]compose.Template, error) {
	rows, err := db.MessageTemplate.Query().
		Where(messagetemplate.Kind(kind)).Where(where...).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading templates: %w", err)
	}
	out := make([]compose.Template, len(rows))
	for i, r := range rows {
		out[i] = compose.Template{Kind: r.Kind, Channel: r.Channel, Language: r.Language, Subject: r.Subject, HTML: r.HTML, Text: r.Text}
	}
	return out, nil
}

// Effective returns the wording kith uses for kind on channel for a
// recipient reading language (the organisation's language when empty), and
// whether it is kith's built-in default.
func Effective(ctx context.Context, db *ent.Client, org *ent.Organization, kind schematype.MessageKind, channel schematype.Channel, language string) (compose.Template, bool, error) {
	custom, err := Custom(ctx, db, kind, channel)
	if err != nil {
		return compose.Template{}, false, err
	}
	t, isDefault := effective(custom, org, kind, channel, language)
	return t, isDefault, nil
}

// effective is Effective among custom, the organisation's templates.
func effective(custom []compose.Template, org *ent.Organization, kind schematype.MessageKind, channel schematype.Channel, language string) (compose.Template, bool) {
	if language == "" {
		language = org.DefaultLanguage
	}
	t := compose.SelectTemplate(custom, kind, channel, language, org.DefaultLanguage)
	return t, !slices.Contains(custom, t)
}

// Save stores the organisation's wording of t.Kind on t.Channel in
// t.Language, replacing the one it had. The MessageTemplate hook refuses
// unknown placeholders.
func Save(ctx context.Context, db *ent.Client, t compose.Template) (*ent.MessageTemplate, error) {
	lang, err := schematype.NormalizeLanguage(t.Language)
	if err != nil {
		return nil, kith.Invalid("language", "%q %v", t.Language, err)
	}
	existing, err := db.MessageTemplate.Query().
		Where(messagetemplate.Kind(t.Kind), messagetemplate.Channel(t.Channel), messagetemplate.Language(lang)).
		Only(ctx)
	switch {
	case err == nil:
		return existing.Update().SetSubject(t.Subject).SetHTML(t.HTML).SetText(t.Text).Save(ctx)
	case !ent.IsNotFound(err):
		return nil, fmt.Errorf("saving template: %w", err)
	}
	created, err := db.MessageTemplate.Create().
		SetKind(t.Kind).SetChannel(t.Channel).SetLanguage(lang).
		SetSubject(t.Subject).SetHTML(t.HTML).SetText(t.Text).
		Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("saving template: %w", err)
	}
	return created, nil
}
