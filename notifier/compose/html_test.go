package compose

import (
	"fmt"
	"html"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/schematype"
)

func TestRenderHTMLContexts(t *testing.T) {
	t.Parallel()
	v := Values{
		"RecipientFirstName":    "Ana",
		"ClientName":            `Léo <script>alert(1)</script>`,
		"RecipientName":         `Ana "Bo" O'Neil`,
		"PracticeName":          "{{.ClientName}}",
		"TelehealthLink":        "javascript:alert(1)",
		"PortalLink":            "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
		"ManageAppointmentLink": "https://kith.example/appointments/ap1?x=1&y=2",
	}
	tests := []struct {
		name, markup, want string
	}{
		{"script tag in a name, in text", `<p>Hi [ClientName]</p>`,
			`<p>Hi Léo &lt;script&gt;alert(1)&lt;/script&gt;</p>`},
		{"quotes in a quoted attribute", `<p title="[RecipientName]">x</p>`,
			`<p title="Ana &#34;Bo&#34; O&#39;Neil">x</p>`},
		{"quotes in an unquoted attribute", `<p title=[RecipientName]>x</p>`,
			`<p title=Ana&#32;&#34;Bo&#34;&#32;O&#39;Neil>x</p>`},
		{"javascript: URL in href", `<a href="[TelehealthLink]">join</a>`,
			`<a href="#ZgotmplZ">join</a>`},
		{"javascript: URL shown as text is inert", `<p>[TelehealthLink]</p>`,
			`<p>javascript:alert(1)</p>`},
		{"data: URL in href", `<a href="[PortalLink]">open</a>`,
			`<a href="#ZgotmplZ">open</a>`},
		{"data: URL in src", `<img src="[PortalLink]" alt="">`,
			`<img src="#ZgotmplZ" alt="">`},
		{"https URL in href", `<a href="[ManageAppointmentLink]">manage</a>`,
			`<a href="https://kith.example/appointments/ap1?x=1&amp;y=2">manage</a>`},
		{"value in a URL's query is percent-encoded", `<a href="https://x.test/?n=[ClientName]">x</a>`,
			`<a href="https://x.test/?n=L%c3%a9o%20%3cscript%3ealert%281%29%3c%2fscript%3e">x</a>`},
		{"practice's {{ }} is text", `<p>{{.ClientName}} {{template "x"}} }} {{ [RecipientFirstName]</p>`,
			`<p>{{.ClientName}} {{template "x"}} }} {{ Ana</p>`},
		{"practice's {{ in an attribute is text", `<a title="{{.RecipientName}}" href="[ManageAppointmentLink]">x</a>`,
			`<a title="{{.RecipientName}}" href="https://kith.example/appointments/ap1?x=1&amp;y=2">x</a>`},
		{"a value with {{ is not run", `<p>[PracticeName]</p>`, `<p>{{.ClientName}}</p>`},
		{"kith's own delimiter in the practice's text", "<p>\u27e6kith0\u00a6.ClientName\u00a6\u27e7 \u27e6kith1\u00a6 [RecipientFirstName]</p>",
			"<p>\u27e6kith0\u00a6.ClientName\u00a6\u27e7 \u27e6kith1\u00a6 Ana</p>"},
		{"a delimiter split around a placeholder", "\u27e6[RecipientFirstName]\u00a6\u27e7", "\u27e6Ana\u00a6\u27e7"},
		{"unknown placeholder as written", `<p>[Foo] [1] [RecipientFirstName]</p>`, `<p>[Foo] [1] Ana</p>`},
		{"known placeholder without a value", `<p>Call [PracticePhone].</p>`, `<p>Call .</p>`},
		{"doubled brackets", `<p>[[RecipientFirstName]]</p>`, `<p>[Ana]</p>`},
		{"script without placeholders is the practice's", `<script>var a = "{{x}}";</script><p>[RecipientFirstName]</p>`,
			`<script>var a = "{{x}}";</script><p>Ana</p>`},
		{"placeholder in a comment is dropped with it", `<!-- [ClientName] --><p>x</p>`, `<p>x</p>`},
		{"doctype kept", `<!DOCTYPE html><html lang="fr"><p>[RecipientFirstName]</p></html>`,
			`<!DOCTYPE html><html lang="fr"><p>Ana</p></html>`},
		{"no placeholders", `<p>Hello <b>there</b></p>`, `<p>Hello <b>there</b></p>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := RenderHTML(tt.markup, v)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			require.NoError(t, ValidateHTML(tt.markup))
		})
	}
}

func TestValidateHTML(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, markup string
		placeholder  string // the placeholder at fault, if any
		line         int
		says         string // part of the sentence
	}{
		{"placeholder in a script", "<p>Hi</p>\n<script>var name = \"[ClientName]\";</script>", "ClientName", 2, "inside a script"},
		{"placeholder in a script, unquoted", `<script>var n = [ClientName];</script>`, "ClientName", 1, "inside a script"},
		{"placeholder in a JS template literal", "<script>var n = `[ClientName]`;</script>", "ClientName", 1, "inside a script"},
		{"placeholder in an event attribute", `<a onclick="go('[PortalLink]')">x</a>`, "PortalLink", 1, "inside a script"},
		{"placeholder in a style element", "<style>\n\np { color: [ClientName]; }</style>", "ClientName", 3, "inside a style sheet"},
		{"placeholder in a style attribute", `<p style="color:[ClientName]">x</p>`, "ClientName", 1, "inside a style sheet"},
		{"unclosed attribute around a placeholder", `<a href="[PortalLink]>x</a>`, "", 0, "incomplete"},
		{"unclosed attribute", `<p title="x>[ClientName]</p>`, "", 0, "incomplete"},
		{"unclosed tag", `<p>[ClientName]</p><a href="x"`, "", 0, "incomplete"},
		{"unclosed script", `<p>[ClientName]</p><script>`, "", 0, "incomplete"},
		{"unclosed comment", `<p>[ClientName]</p><!-- note`, "", 0, "incomplete"},
		{"quote in an unquoted attribute", `<p class=a"b>[ClientName]</p>`, "", 0, "malformed"},
		{"tag in a tag", `<p a="x" <b>[ClientName]</b>`, "", 0, "malformed"},
		{"broken without placeholders", `<p title='x>Hi</p>`, "", 0, "incomplete"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateHTML(tt.markup)
			var he *HTMLError
			require.ErrorAs(t, err, &he)
			require.Equal(t, tt.placeholder, he.Placeholder)
			if tt.line > 0 {
				require.Equal(t, tt.line, he.Line)
				require.Contains(t, he.Message, fmt.Sprintf("line %d", tt.line))
			}
			require.Contains(t, he.Message, tt.says)
			for _, library := range []string{"html/template", "ZgotmplZ", "context", "{{", "\u27e6"} {
				require.NotContains(t, he.Message, library, "a sentence for the template's author")
			}
			_, err = RenderHTML(tt.markup, Values{"ClientName": "Ana"})
			require.ErrorIs(t, err, he, "refused when rendered too")
		})
	}
}

func TestTemplateValidateHTML(t *testing.T) {
	t.Parallel()
	tpl := Template{Kind: schematype.MessageKindReminder, Channel: schematype.ChannelEmail, Language: "en", Subject: "Hi", Text: "Hi",
		HTML: `<script>alert("[RecipientFirstName]")</script>`}
	var te *TemplateError
	require.ErrorAs(t, tpl.Validate(), &te)
	require.Equal(t, "html", te.Part)
	var he *HTMLError
	require.ErrorAs(t, te, &he)
	require.Equal(t, "RecipientFirstName", he.Placeholder)

	tpl.HTML = `<p>[Foo]</p><script>`
	var u *UnknownPlaceholderError
	require.ErrorAs(t, tpl.Validate(), &u, "an unknown placeholder is named first")

	tpl.HTML = `<a href="[TelehealthLink]">join</a>`
	require.NoError(t, tpl.Validate())
}

func TestTemplateRenderBrokenStoredHTML(t *testing.T) {
	t.Parallel()
	// Saved before templates were checked: rendered with kith's default HTML.
	tpl := Template{Kind: schematype.MessageKindReminder, Channel: schematype.ChannelEmail, Language: "fr", Subject: "Rappel [ClientName]", Text: "Bonjour [RecipientFirstName]",
		HTML: `<p onclick="[ClientName]">`}
	r := tpl.Render(Values{"RecipientFirstName": "Ana", "ClientName": "<b>Sam</b>"})
	require.Equal(t, "Rappel <b>Sam</b>", r.Subject)
	require.Equal(t, "Bonjour Ana", r.Text)
	require.Contains(t, r.HTML, `<html lang="fr">`)
	require.Contains(t, r.HTML, "Bonjour Ana,")
	require.Contains(t, r.HTML, "&lt;b&gt;Sam&lt;/b&gt;")
	require.NotContains(t, r.HTML, "onclick")
}

func TestSafeLink(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw     string
		schemes []string
		want    string
	}{
		{"https://meet.example/room/1?pwd=a&b=c", nil, "https://meet.example/room/1?pwd=a&b=c"},
		{"  https://meet.example/r  ", nil, "https://meet.example/r"},
		{"HTTPS://meet.example/r", nil, "HTTPS://meet.example/r"},
		{"http://meet.example/r", nil, ""},
		{"http://127.0.0.1:8080/portal", []string{"http"}, "http://127.0.0.1:8080/portal"},
		{"javascript:alert(1)", nil, ""},
		{"JavaScript:alert(1)", []string{"http"}, ""},
		{"javascript://meet.example/%0Aalert(1)", nil, ""},
		{"data:text/html,<script>alert(1)</script>", nil, ""},
		{"vbscript:msgbox", nil, ""},
		{"//meet.example/r", nil, ""},
		{"/portal/claim", nil, ""},
		{"meet.example/r", nil, ""},
		{"https:meet.example", nil, ""},
		{"https://", nil, ""},
		{"https://meet.example/a b", nil, ""},
		{"https://meet.example/\x00", nil, ""},
		{"", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, SafeLink(tt.raw, tt.schemes...))
		})
	}

	v := Values{"TelehealthLink": "javascript:alert(1)", "PortalLink": "http://127.0.0.1/p", "ManageAppointmentLink": "https://k.example/a", "ClientName": "javascript:x"}
	v.SafeLinks()
	require.Equal(t, Values{"TelehealthLink": "", "PortalLink": "", "ManageAppointmentLink": "https://k.example/a", "ClientName": "javascript:x"}, v,
		"only link placeholders are links")
	for _, p := range Placeholders {
		require.Equal(t, strings.HasSuffix(p.Name, "Link"), IsLink(p.Name), p.Name)
	}
}

// defaultValues fills every placeholder, with characters HTML escapes in
// every value that is not a link.
func defaultValues() Values {
	v := Values{}
	for _, p := range Placeholders {
		v[p.Name] = p.Name + ` <i>&"'</i>`
		if IsLink(p.Name) {
			v[p.Name] = "https://kith.example/" + strings.ToLower(p.Name) + "?client=cl1"
		}
	}
	return v
}

// TestDefaultsRenderAsBefore: kith's default emails, in English and French,
// render through html/template exactly as they did when values were escaped
// by hand (html.EscapeString), and their text parts as plain text.
func TestDefaultsRenderAsBefore(t *testing.T) {
	t.Parallel()
	telehealth := defaultValues()
	inPerson := defaultValues()
	inPerson["TelehealthLink"] = ""
	for _, lang := range []string{"en", "fr"} {
		for _, kind := range schematype.MessageKinds {
			t.Run(lang+"/"+string(kind), func(t *testing.T) {
				t.Parallel()
				tpl := Default(kind, schematype.ChannelEmail, lang)
				require.NoError(t, ValidateHTML(tpl.HTML))
				for _, v := range []Values{telehealth, inPerson} {
					r := tpl.Render(v)
					before := byHand(tpl.HTML, v)
					require.Equal(t, before, r.HTML)
					require.NotContains(t, r.HTML, "<i>", "values are escaped")
					require.NotContains(t, r.HTML, "ZgotmplZ")
					require.NotContains(t, r.HTML+r.Text, "[If", "no section token is left")
					require.NotContains(t, r.HTML+r.Text, "[EndIf]", "no section token is left")
					require.Equal(t, Render(tpl.Text, v), r.Text, "the text part is plain text")
					require.Contains(t, r.Text, `<i>&"'</i>`)
					shown := resolveSections(tpl.HTML, v)
					for name, value := range v {
						if strings.Contains(shown, "["+name+"]") {
							require.Contains(t, r.HTML, html.EscapeString(value), name)
						}
					}
				}
			})
		}
	}
}

// resolveSections keeps the text of markup's sections shown with v and
// drops the others.
func resolveSections(markup string, v Values) string {
	return sectionRE.ReplaceAllStringFunc(markup, func(s string) string {
		m := sectionRE.FindStringSubmatch(s)
		if sectionShown[m[1]](v) {
			return m[2]
		}
		return ""
	})
}

// byHand is how HTML bodies were rendered before html/template, with each
// section kept or dropped first.
func byHand(markup string, v Values) string {
	markup = resolveSections(markup, v)
	var b strings.Builder
	last := 0
	forEachPlaceholder(markup, func(start, end int, name string) bool {
		if placeholderKnown[name] {
			b.WriteString(markup[last:start] + html.EscapeString(v[name]))
			last = end
		}
		return true
	})
	return b.String() + markup[last:]
}

func TestHTMLCompiledOnce(t *testing.T) {
	t.Parallel()
	markup := `<p>Compiled once, [RecipientFirstName]</p>`
	first, err := compiledHTML(markup)
	require.NoError(t, err)
	again, err := compiledHTML(markup)
	require.NoError(t, err)
	require.Same(t, first, again, "one parse per template text")

	broken := `<p title="[RecipientFirstName]`
	_, err1 := compiledHTML(broken)
	_, err2 := compiledHTML(broken)
	require.Error(t, err1)
	require.Same(t, err1, err2, "a refusal is remembered too")

	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 50 {
				name := fmt.Sprintf("R%d-%d", i, j)
				got, err := RenderHTML(markup, Values{"RecipientFirstName": name})
				require.NoError(t, err)
				require.Equal(t, "<p>Compiled once, "+name+"</p>", got)
			}
		})
	}
	wg.Wait()
}

func TestLRU(t *testing.T) {
	t.Parallel()
	c := newLRU[int](3, 100)
	for i := range 5 {
		c.put(fmt.Sprint(i), i)
	}
	require.Equal(t, 3, c.len(), "bounded")
	_, ok := c.get("1")
	require.False(t, ok, "the least recently used went first")
	_, ok = c.get("2")
	require.True(t, ok)
	c.put("5", 5) // 3 was used least recently now
	_, ok = c.get("3")
	require.False(t, ok)
	v, ok := c.get("2")
	require.True(t, ok)
	require.Equal(t, 2, v)
	require.Equal(t, 3, c.len())

	c.put(strings.Repeat("x", 101), 6)
	_, ok = c.get(strings.Repeat("x", 101))
	require.False(t, ok, "too long to keep")
	c.put(strings.Repeat("y", 100), 7)
	require.Equal(t, 1, c.len(), "bounded in bytes: the others went")
	require.LessOrEqual(t, htmlCache.len(), HTMLCacheSize)
}

// BenchmarkRenderDefaultEmail renders kith's default reminder email for one
// recipient (its HTML compiled once, from the cache), beside the escaping
// by hand it replaced.
func BenchmarkRenderDefaultEmail(b *testing.B) {
	tpl := Default(schematype.MessageKindReminder, schematype.ChannelEmail, "en")
	v := defaultValues()
	b.Run("html/template", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = tpl.Render(v)
		}
	})
	b.Run("by hand", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = byHand(tpl.HTML, v)
			_ = Render(tpl.Text, v)
			_ = Render(tpl.Subject, v)
		}
	})
}
