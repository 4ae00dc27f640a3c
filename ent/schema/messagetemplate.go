package schema

import (
	"context"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/kith-health/kith"
	gen "github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/schematype"
)

// MessageTemplate is an organisation's own wording of one kind of message on
// one channel in one language. Where it has none, kith's default is used.
type MessageTemplate struct{ ent.Schema }

// Mixin of MessageTemplate.
func (MessageTemplate) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("mt"), timeMixin{}, tenantMixin{}}
}

// Fields of MessageTemplate.
func (MessageTemplate) Fields() []ent.Field {
	return []ent.Field{
		field.String("kind").GoType(schematype.MessageKind("")).Validate(text(maxCode)).
			Comment("Which message this template words.").
			Annotations(entgql.Type("MessageKind")),
		field.String("channel").GoType(schematype.Channel("")).Validate(text(maxCode)).
			Comment("EMAIL or SMS.").
			Annotations(entgql.Type("Channel")),
		field.String("language").Validate(text(maxCode)).
			Comment("BCP 47 tag (at most 64 characters); recipients in other languages get the organisation's language."),
		field.String("subject").Optional().Validate(text(maxSubject)).
			Comment("Email subject; placeholders allowed. At most 255 characters."),
		field.Text("html").Optional().Validate(text(maxHTML)).
			Comment("Email HTML body; placeholder values are HTML-escaped. At most 100,000 characters."),
		field.Text("text").Optional().Validate(text(maxTemplateText)).
			Comment("SMS text, or the plain-text email body; at most 20,000 characters."),
	}
}

// Indexes of MessageTemplate.
func (MessageTemplate) Indexes() []ent.Index {
	return []ent.Index{index.Fields("organization_id", "kind", "channel", "language").Unique()}
}

// Annotations of MessageTemplate.
func (MessageTemplate) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("An organisation's own wording of one kind of message on one channel in one language. Where it has none, kith's default applies."),
		entsql.Table("message_templates"),
		entgql.QueryField().Description("The organisation's own message templates; kith's defaults fill the gaps (see effectiveMessageTemplate)."),
	}
}

// Hooks of MessageTemplate.
func (MessageTemplate) Hooks() []ent.Hook {
	return []ent.Hook{validateTemplate()}
}

// Policy of MessageTemplate: staff read templates; owners and admins change them.
func (MessageTemplate) Policy() ent.Policy { return adminWritePolicy() }

// validateTemplate normalises the language and refuses a template with an
// unknown placeholder, naming the part (subject, html or text) at fault, or
// one without the parts its channel needs.
func validateTemplate() ent.Hook {
	return hookOn(func(ctx context.Context, m *gen.MessageTemplateMutation) error {
		if err := normalize(m, "language", schematype.NormalizeLanguage); err != nil {
			return err
		}
		t, err := templateOf(ctx, m)
		if err != nil {
			return err
		}
		if !t.Kind.IsValid() {
			return kith.Invalid("kind", "%q is not a kind of message", quoted(string(t.Kind)))
		}
		switch {
		case t.Channel == schematype.ChannelSMS && strings.TrimSpace(t.Text) == "":
			return kith.Invalid("text", "an SMS template needs its text")
		case t.Channel == schematype.ChannelEmail && strings.TrimSpace(t.Subject) == "":
			return kith.Invalid("subject", "an email template needs a subject")
		case t.Channel == schematype.ChannelEmail && strings.TrimSpace(t.HTML+t.Text) == "":
			return kith.Invalid("text", "an email template needs an HTML or a text body")
		case !t.Channel.IsValid():
			return kith.Invalid("channel", "%q is not a channel", quoted(string(t.Channel)))
		}
		// The placeholder and HTML rules are the renderer's (the notifier's).
		n, err := m.Effects.Notifier()
		if err != nil {
			return err
		}
		if part, err := n.CheckTemplate(t.Subject, t.HTML, t.Text); err != nil {
			return kith.Invalid(part, "%v", err)
		}
		return nil
	}, writeOps)
}

// template is a MessageTemplate's wording as a mutation will leave it.
type template struct {
	Kind                schematype.MessageKind
	Channel             schematype.Channel
	Subject, HTML, Text string
}

// templateOf is the template the mutation will leave: its new values, else the old ones.
func templateOf(ctx context.Context, m *gen.MessageTemplateMutation) (template, error) {
	var t template
	if m.Op().Is(ent.OpUpdateOne) {
		id, _ := m.ID()
		old, err := m.Client().MessageTemplate.Get(ctx, id)
		if err != nil {
			return t, err
		}
		t = template{Kind: old.Kind, Channel: old.Channel, Subject: old.Subject, HTML: old.HTML, Text: old.Text}
	}
	if v, ok := m.Kind(); ok {
		t.Kind = v
	}
	if v, ok := m.Channel(); ok {
		t.Channel = v
	}
	if v, ok := m.Subject(); ok {
		t.Subject = v
	}
	if v, ok := m.HTML(); ok {
		t.HTML = v
	}
	if v, ok := m.Text(); ok {
		t.Text = v
	}
	return t, nil
}
