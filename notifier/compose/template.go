package compose

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/kith-health/kith/schematype"
)

// Values maps a placeholder name, without brackets, to its value, already
// formatted (see FormatDate, FormatTime and FormatDuration).
type Values map[string]string

// Render returns text with every known placeholder replaced by its value in v;
// one with no value renders as empty text. Unknown bracketed words are left as
// written. Replacement is a single pass: a value that itself contains
// "[ClientName]" is not expanded again. A section's text (see Placeholders)
// is kept when its condition holds in v and dropped otherwise, its tokens
// always; of sections Validate refuses, a nested start is dropped and an
// unended section runs to the end of the text.
func Render(text string, v Values) string {
	return renderPlaceholders(text, v)
}

// renderPlaceholders replaces each known placeholder in text by its value,
// and keeps or drops each section's text.
func renderPlaceholders(text string, v Values) string {
	var b strings.Builder
	b.Grow(len(text))
	last, open, hidden := 0, false, false
	forEachPlaceholder(text, func(start, end int, name string) bool {
		if !placeholderKnown[name] {
			return true
		}
		if !hidden {
			b.WriteString(text[last:start])
		}
		last = end
		switch shown := sectionShown[name]; {
		case shown != nil:
			if !open {
				open, hidden = true, !shown(v)
			}
		case name == sectionEnd:
			open, hidden = false, false
		case !hidden:
			b.WriteString(v[name])
		}
		return true
	})
	if !hidden {
		b.WriteString(text[last:])
	}
	return b.String()
}

// Template is the text of one kind of message on one channel in one language.
// SMS uses Text only; email uses Subject, HTML and Text.
type Template struct {
	// Kind is the kind of message.
	Kind schematype.MessageKind
	// Channel is SMS or email.
	Channel schematype.Channel
	// Language is the BCP 47 tag the template is written in, such as "fr".
	Language string
	// Subject is the email subject, plain text.
	Subject string
	// HTML is the email's HTML body.
	HTML string
	// Text is the SMS, or the email's plain-text body.
	Text string
}

// TemplateError says which part of a Template is invalid.
type TemplateError struct {
	// Part is "subject", "html" or "text".
	Part string
	// Err is the problem, such as an *UnknownPlaceholderError.
	Err error
}

// Error prefixes the problem with the part.
func (e *TemplateError) Error() string { return fmt.Sprintf("%s: %v", e.Part, e.Err) }

// Unwrap returns Err.
func (e *TemplateError) Unwrap() error { return e.Err }

// Validate returns a *TemplateError for the first part (subject, html,
// text) at fault, or nil: wrapping an *UnknownPlaceholderError for an
// unknown placeholder, a *SectionError for a section that cannot be used,
// or for the HTML body an *HTMLError when it cannot be rendered safely (see
// ValidateHTML).
func (t Template) Validate() error {
	for _, p := range []struct{ part, text string }{
		{"subject", t.Subject},
		{"html", t.HTML},
		{"text", t.Text},
	} {
		if err := Validate(p.text); err != nil {
			return &TemplateError{Part: p.part, Err: err}
		}
		if p.part == "html" && p.text != "" {
			if err := ValidateHTML(p.text); err != nil {
				return &TemplateError{Part: p.part, Err: err}
			}
		}
	}
	return nil
}

// Rendered is a message as a recipient gets it.
type Rendered struct {
	// Subject, HTML and Text are the rendered parts; SMS has Text only.
	Subject, HTML, Text string
	// SMS describes Text as SMS; nil for email.
	SMS *SMSInfo
}

// Render fills t with v, as sent and as previewed: the subject on one line,
// the HTML body through RenderHTML (each value escaped for its context),
// the text parts as plain text, and for SMS the encoding and segments.
// Callers pass link values through Values.SafeLinks first.
//
// An HTML body that cannot be rendered safely (one stored before
// saveMessageTemplate checked it) is replaced by kith's default HTML for the
// kind in the template's language; subject and text stay the template's.
func (t Template) Render(v Values) Rendered {
	if t.Channel == schematype.ChannelSMS {
		text := Render(t.Text, v)
		info := AnalyzeSMS(text)
		return Rendered{Text: text, SMS: &info}
	}
	subject := strings.Join(strings.Fields(Render(t.Subject, v)), " ")
	var html string
	if t.HTML != "" {
		var err error
		if html, err = RenderHTML(t.HTML, v); err != nil {
			html, _ = RenderHTML(Default(t.Kind, schematype.ChannelEmail, t.Language).HTML, v)
		}
	}
	return Rendered{Subject: subject, HTML: html, Text: Render(t.Text, v)}
}

// SelectTemplate picks the template for a recipient from an organisation's
// custom templates of kind and channel, trying in turn:
//
//  1. the organisation's template in the recipient's language;
//  2. kith's Default in the recipient's language, when kith writes it
//     (HasDefault);
//  3. the organisation's template in the organisation's language;
//  4. kith's Default in the organisation's language (English when kith
//     writes neither).
//
// Languages match by base language: a template in "fr" serves a recipient
// in "fr-CA". Among the organisation's templates of one base language, the
// exact tag wins, then the bare base language, then any other tag of it. An
// empty recipientLanguage means the organisation's. Format Values in the
// returned template's Language so dates read the same as the text.
func SelectTemplate(custom []Template, kind schematype.MessageKind, channel schematype.Channel, recipientLanguage, orgLanguage string) Template {
	for _, want := range []string{recipientLanguage, orgLanguage} {
		if want == "" {
			continue
		}
		if t, ok := customIn(custom, kind, channel, want); ok {
			return t
		}
		if HasDefault(want) {
			return Default(kind, channel, want)
		}
	}
	return Default(kind, channel, orgLanguage)
}

// customIn is the best of custom's templates of kind and channel for a
// recipient reading want: the exact tag, else the bare base language, else
// any tag of that base language.
func customIn(custom []Template, kind schematype.MessageKind, channel schematype.Channel, want string) (Template, bool) {
	base := languageBase(want)
	best, bestScore := -1, 0
	for i, t := range custom {
		if t.Kind != kind || t.Channel != channel {
			continue
		}
		score := 0
		switch {
		case strings.EqualFold(t.Language, want):
			score = 3
		case base != "" && strings.EqualFold(t.Language, base):
			score = 2
		case base != "" && languageBase(t.Language) == base:
			score = 1
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		return Template{}, false
	}
	return custom[best], true
}

// HasDefault reports whether kith writes its default templates in the
// language of tag (by base language: English and French, so "fr-CA" too).
func HasDefault(tag string) bool {
	_, ok := defaultLanguages[languageBase(tag)]
	return ok
}

// languageBase returns the base language of a BCP 47 tag in lower case, such
// as "fr" for "fr-CA", or "" when there is none.
func languageBase(tag string) string {
	if t, err := language.Parse(tag); err == nil {
		if b, conf := t.Base(); conf != language.No {
			return b.String()
		}
	}
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	return tag
}

// messageLanguage returns the language kith writes dates and defaults in for
// tag: "fr" for any French tag, else "en".
func messageLanguage(tag string) string {
	if languageBase(tag) == "fr" {
		return "fr"
	}
	return "en"
}

var (
	enWeekdays = [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	frWeekdays = [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	enMonths   = [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	frMonths   = [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
)

// FormatDate writes t's date in loc (t's own location when nil): "Tuesday,
// March 10, 2026" in English, "mardi 10 mars 2026" ("1er" for the first) in
// French. Languages other than French get English.
func FormatDate(t time.Time, loc *time.Location, language string) string {
	if loc != nil {
		t = t.In(loc)
	}
	if messageLanguage(language) == "fr" {
		day := strconv.Itoa(t.Day())
		if t.Day() == 1 {
			day = "1er"
		}
		return fmt.Sprintf("%s %s %s %d", frWeekdays[t.Weekday()], day, frMonths[t.Month()-1], t.Year())
	}
	return fmt.Sprintf("%s, %s %d, %d", enWeekdays[t.Weekday()], enMonths[t.Month()-1], t.Day(), t.Year())
}

// FormatTime writes t's time of day in loc (t's own location when nil): "3:30
// PM" in English, "15 h 30" (and "15 h" on the hour) in French. Spaces are
// plain so that SMS stay GSM-7. Languages other than French get English.
func FormatTime(t time.Time, loc *time.Location, language string) string {
	if loc != nil {
		t = t.In(loc)
	}
	if messageLanguage(language) == "fr" {
		if t.Minute() == 0 {
			return fmt.Sprintf("%d h", t.Hour())
		}
		return fmt.Sprintf("%d h %02d", t.Hour(), t.Minute())
	}
	return t.Format("3:04 PM")
}

// FormatDuration writes d rounded to the minute: "50 minutes", "1 hour",
// "1 hour 30 minutes" in English; "50 minutes", "1 heure", "1 h 30" in
// French. Languages other than French get English.
func FormatDuration(d time.Duration, language string) string {
	minutes := int(d.Round(time.Minute) / time.Minute)
	if minutes < 0 {
		minutes = 0
	}
	h, m := minutes/60, minutes%60
	plural := func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.Itoa(n) + " " + many
	}
	if messageLanguage(language) == "fr" {
		switch {
		case h == 0:
			return plural(m, "minute", "minutes")
		case m == 0:
			return plural(h, "heure", "heures")
		default:
			return fmt.Sprintf("%d h %02d", h, m)
		}
	}
	switch {
	case h == 0:
		return plural(m, "minute", "minutes")
	case m == 0:
		return plural(h, "hour", "hours")
	default:
		return plural(h, "hour", "hours") + " " + plural(m, "minute", "minutes")
	}
}
