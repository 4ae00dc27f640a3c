package compose

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/schematype"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		text    string
		unknown string // "" when valid
	}{
		{"empty", "", ""},
		{"plain text", "See you soon.", ""},
		{"known", "Hi [RecipientFirstName], see you [AppointmentDate].", ""},
		{"every known name", "[" + strings.Join(valueNames(), "][") + "][IfTelehealth][EndIf][IfInPerson][EndIf]", ""},
		{"unknown", "Hi [FirstName]!", "FirstName"},
		{"first unknown of two", "[ClientName] [Foo] [Bar]", "Foo"},
		{"case matters", "Hi [recipientfirstname]", "recipientfirstname"},
		{"letters of any script", "Bonjour [Prénom]", "Prénom"},
		{"digits are plain text", "See note [1].", ""},
		{"spaces are plain text", "[ note ] and [Client Name]", ""},
		{"underscore is plain text", "[Client_Name]", ""},
		{"empty brackets are plain text", "[]", ""},
		{"unclosed bracket", "[ClientName", ""},
		{"stray bracket before a token", "[a [Foo]", "Foo"},
		{"doubled brackets", "[[ClientName]]", ""},
		{"doubled brackets around unknown", "[[Foo]]", "Foo"},
		{"in HTML attribute", `<a href="[PortalLink]">[Link]</a>`, "Link"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := Validate(tt.text)
			if tt.unknown == "" {
				require.NoError(t, err)
				return
			}
			var u *UnknownPlaceholderError
			require.ErrorAs(t, err, &u)
			require.Equal(t, tt.unknown, u.Name)
			require.Equal(t, PlaceholderNames(), u.Valid)
		})
	}
}

// valueNames lists the placeholders that are values, not sections.
func valueNames() []string {
	var out []string
	for _, n := range PlaceholderNames() {
		if sectionShown[n] == nil && n != sectionEnd {
			out = append(out, n)
		}
	}
	return out
}

func TestUnknownPlaceholderErrorMessage(t *testing.T) {
	t.Parallel()
	msg := Validate("[Foo]").Error()
	require.True(t, strings.HasPrefix(msg, "unknown placeholder [Foo]; use one of [RecipientFirstName], [RecipientLastName], [RecipientName], "), msg)
	require.True(t, strings.HasSuffix(msg, ", [SignInCode], [FormTitle], [FormSentDate], [IfTelehealth], [IfInPerson], [IfSignature], [EndIf]"), msg)
	for _, n := range PlaceholderNames() {
		require.Contains(t, msg, "["+n+"]")
	}

	msg = Validate("[clientName]").Error()
	require.True(t, strings.HasPrefix(msg, "unknown placeholder [clientName] (did you mean [ClientName]?); use one of "), msg)
}

func TestPlaceholders(t *testing.T) {
	t.Parallel()
	names := PlaceholderNames()
	require.Len(t, names, len(Placeholders))
	seen := map[string]bool{}
	for i, p := range Placeholders {
		require.Equal(t, p.Name, names[i])
		require.False(t, seen[p.Name], "%s listed twice", p.Name)
		seen[p.Name] = true
		require.NotEmpty(t, p.Description, p.Name)
		for _, r := range p.Name {
			require.True(t, unicode.IsLetter(r), "%s must be letters only to be a token", p.Name)
		}
		switch {
		case sectionShown[p.Name] != nil:
			require.NoError(t, Validate("["+p.Name+"]x[EndIf]"))
			require.Contains(t, p.Description, "[EndIf]")
		case p.Name == sectionEnd:
			require.NoError(t, Validate("[IfTelehealth]x["+p.Name+"]"))
		default:
			require.NoError(t, Validate("["+p.Name+"]"))
		}
	}
	require.Len(t, sectionShown, len(sectionPipeline))
	for _, n := range []string{"RecipientFirstName", "RecipientLastName", "RecipientName", "ClientFirstName", "ClientLastName", "ClientName",
		"PractitionerName", "PracticeName", "AppointmentDate", "AppointmentTime", "AppointmentLocation", "TelehealthLink", "ManageAppointmentLink"} {
		require.True(t, seen[n], "users know [%s]", n)
	}

	names[0] = "Changed"
	require.Equal(t, "RecipientFirstName", PlaceholderNames()[0], "PlaceholderNames returns a copy")
}

func TestRender(t *testing.T) {
	t.Parallel()
	v := Values{
		"RecipientFirstName": "Ana",
		"ClientName":         "Léo <Roy> & Co",
		"Message":            "Bring [ClientName]'s forms",
		"Foo":                "not a placeholder",
	}
	tests := []struct {
		name, text, text2, html string // text2: Render; html: RenderHTML
	}{
		{"no placeholders", "Hello <b>there</b>", "Hello <b>there</b>", "Hello <b>there</b>"},
		{"value", "Hi [RecipientFirstName]!", "Hi Ana!", "Hi Ana!"},
		{"repeated", "[RecipientFirstName][RecipientFirstName]", "AnaAna", "AnaAna"},
		{"escaped in HTML only", "<p>[ClientName]</p>", "<p>Léo <Roy> & Co</p>", "<p>Léo &lt;Roy&gt; &amp; Co</p>"},
		{"known without value is empty", "Call [PracticePhone].", "Call .", "Call ."},
		{"unknown left as written", "[Foo] [1] [ note ]", "[Foo] [1] [ note ]", "[Foo] [1] [ note ]"},
		{"values are not expanded again", "[Message]", "Bring [ClientName]'s forms", "Bring [ClientName]&#39;s forms"},
		{"doubled brackets", "[[RecipientFirstName]]", "[Ana]", "[Ana]"},
		{"attribute", `<a href="[TelehealthLink]">join</a>`, `<a href="">join</a>`, `<a href="">join</a>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.text2, Render(tt.text, v))
			html, err := RenderHTML(tt.text, v)
			require.NoError(t, err)
			require.Equal(t, tt.html, html)
		})
	}
	html, err := RenderHTML(`<a href="[PortalLink]">`, Values{"PortalLink": `https://x.test/?a=1&b="2"`})
	require.NoError(t, err)
	require.Equal(t, `<a href="https://x.test/?a=1&amp;b=%222%22">`, html, "quotes cannot leave an attribute")
}

func TestTemplateValidate(t *testing.T) {
	t.Parallel()
	ok := Template{Kind: schematype.MessageKindReminder, Channel: schematype.ChannelEmail, Language: "en",
		Subject: "Reminder for [ClientName]", HTML: "<p>Hi [RecipientFirstName]</p>", Text: "Hi [RecipientFirstName]"}
	with := func(f func(*Template)) Template { tpl := ok; f(&tpl); return tpl }
	tests := []struct {
		name          string
		tpl           Template
		part, unknown string
	}{
		{"valid", ok, "", ""},
		{"empty", Template{Kind: schematype.MessageKindReminder, Channel: schematype.ChannelSMS}, "", ""},
		{"subject", with(func(t *Template) { t.Subject = "[Subject]" }), "subject", "Subject"},
		{"html", with(func(t *Template) { t.HTML = "<p>[Name]</p>" }), "html", "Name"},
		{"text", with(func(t *Template) { t.Text = "[Date]" }), "text", "Date"},
		{"first part wins", with(func(t *Template) { t.HTML = "[A]"; t.Text = "[B]" }), "html", "A"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.tpl.Validate()
			if tt.part == "" {
				require.NoError(t, err)
				return
			}
			var te *TemplateError
			require.ErrorAs(t, err, &te)
			require.Equal(t, tt.part, te.Part)
			var u *UnknownPlaceholderError
			require.ErrorAs(t, err, &u)
			require.Equal(t, tt.unknown, u.Name)
			require.True(t, strings.HasPrefix(err.Error(), tt.part+": unknown placeholder ["+tt.unknown+"]"), err.Error())
		})
	}
}

func TestTemplateRender(t *testing.T) {
	t.Parallel()
	v := Values{"ClientName": "Sam\r\nBcc: x@y.test", "RecipientFirstName": "Ana & Bo"}

	sms := Template{Kind: schematype.MessageKindReminder, Channel: schematype.ChannelSMS, Text: "Hi [RecipientFirstName] 😀"}
	r := sms.Render(v)
	require.Equal(t, Rendered{Text: "Hi Ana & Bo 😀", SMS: &SMSInfo{SMSEncodingUCS2, 1, 14}}, r)

	email := Template{Kind: schematype.MessageKindReminder, Channel: schematype.ChannelEmail,
		Subject: "  For [ClientName] ", HTML: "<p>Hi [RecipientFirstName]</p>", Text: "Hi [RecipientFirstName]"}
	r = email.Render(v)
	require.Equal(t, Rendered{Subject: "For Sam Bcc: x@y.test", HTML: "<p>Hi Ana &amp; Bo</p>", Text: "Hi Ana & Bo"}, r,
		"the subject stays on one line")
}

func TestSelectTemplate(t *testing.T) {
	t.Parallel()
	custom := func(kind schematype.MessageKind, channel schematype.Channel, lang string) Template {
		return Template{Kind: kind, Channel: channel, Language: lang, Text: "custom " + lang}
	}
	all := []Template{
		custom(schematype.MessageKindReminder, schematype.ChannelSMS, "fr-FR"),
		custom(schematype.MessageKindReminder, schematype.ChannelSMS, "fr"),
		custom(schematype.MessageKindReminder, schematype.ChannelSMS, "fr-CA"),
		custom(schematype.MessageKindReminder, schematype.ChannelSMS, "en"),
		custom(schematype.MessageKindReminder, schematype.ChannelEmail, "es"),
		custom(schematype.MessageKindConfirmation, schematype.ChannelSMS, "fr-FR"),
	}
	tests := []struct {
		name                     string
		kind                     schematype.MessageKind
		channel                  schematype.Channel
		recipient, org, wantText string
	}{
		{"exact tag", schematype.MessageKindReminder, schematype.ChannelSMS, "fr-CA", "en", "custom fr-CA"},
		{"exact tag, any case", schematype.MessageKindReminder, schematype.ChannelSMS, "FR-ca", "en", "custom fr-CA"},
		{"bare base language", schematype.MessageKindReminder, schematype.ChannelSMS, "fr-BE", "en", "custom fr"},
		{"sibling region", schematype.MessageKindConfirmation, schematype.ChannelSMS, "fr-CA", "en", "custom fr-FR"},
		{"organisation's language", schematype.MessageKindReminder, schematype.ChannelSMS, "de", "en-CA", "custom en"},
		{"no recipient language", schematype.MessageKindReminder, schematype.ChannelSMS, "", "en", "custom en"},
		{"custom language kith has no default for", schematype.MessageKindReminder, schematype.ChannelEmail, "es", "en", "custom es"},
		{"kith default in the recipient's language", schematype.MessageKindReminder, schematype.ChannelEmail, "fr", "en", Default(schematype.MessageKindReminder, schematype.ChannelEmail, "fr").Text},
		{"kith default in the recipient's language before the organisation's own", schematype.MessageKindConfirmation, schematype.ChannelSMS, "en", "fr", Default(schematype.MessageKindConfirmation, schematype.ChannelSMS, "en").Text},
		{"kith English default for an English recipient of a French practice", schematype.MessageKindMissed, schematype.ChannelSMS, "en", "fr-CA", Default(schematype.MessageKindMissed, schematype.ChannelSMS, "en").Text},
		{"kith French default in the organisation's language", schematype.MessageKindMissed, schematype.ChannelSMS, "de", "fr-CA", Default(schematype.MessageKindMissed, schematype.ChannelSMS, "fr").Text},
		{"organisation's own in its language when kith has none in the recipient's", schematype.MessageKindConfirmation, schematype.ChannelSMS, "de", "fr-CA", "custom fr-FR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := SelectTemplate(all, tt.kind, tt.channel, tt.recipient, tt.org)
			require.Equal(t, tt.kind, got.Kind)
			require.Equal(t, tt.channel, got.Channel)
			require.Equal(t, tt.wantText, got.Text)
		})
	}
}

func TestFormatDateTime(t *testing.T) {
	t.Parallel()
	toronto, err := time.LoadLocation("America/Toronto")
	require.NoError(t, err)
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	at := time.Date(2026, 3, 10, 19, 30, 0, 0, time.UTC) // 3:30 PM in Toronto (EDT)
	tests := []struct {
		name       string
		t          time.Time
		loc        *time.Location
		lang       string
		date, time string
	}{
		{"English", at, toronto, "en", "Tuesday, March 10, 2026", "3:30 PM"},
		{"English region", at, toronto, "en-GB", "Tuesday, March 10, 2026", "3:30 PM"},
		{"French", at, toronto, "fr", "mardi 10 mars 2026", "15 h 30"},
		{"Canadian French", at, toronto, "fr-CA", "mardi 10 mars 2026", "15 h 30"},
		{"client's time zone", at, paris, "fr", "mardi 10 mars 2026", "20 h 30"},
		{"other language falls back to English", at, toronto, "es", "Tuesday, March 10, 2026", "3:30 PM"},
		{"no language", at, toronto, "", "Tuesday, March 10, 2026", "3:30 PM"},
		{"nil location keeps t's", at, nil, "en", "Tuesday, March 10, 2026", "7:30 PM"},
		{"French first of the month, on the hour", time.Date(2026, 3, 1, 9, 0, 0, 0, toronto), toronto, "fr", "dimanche 1er mars 2026", "9 h"},
		{"English first of the month, on the hour", time.Date(2026, 3, 1, 9, 0, 0, 0, toronto), toronto, "en", "Sunday, March 1, 2026", "9:00 AM"},
		{"midnight", time.Date(2026, 12, 31, 0, 5, 0, 0, toronto), toronto, "en", "Thursday, December 31, 2026", "12:05 AM"},
		{"French midnight", time.Date(2026, 12, 31, 0, 5, 0, 0, toronto), toronto, "fr", "jeudi 31 décembre 2026", "0 h 05"},
		{"noon", time.Date(2026, 8, 15, 12, 0, 0, 0, toronto), toronto, "en", "Saturday, August 15, 2026", "12:00 PM"},
		{"French August", time.Date(2026, 8, 15, 12, 0, 0, 0, toronto), toronto, "fr", "samedi 15 août 2026", "12 h"},
		{"date changes with the zone", time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC), toronto, "en", "Monday, March 9, 2026", "10:00 PM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.date, FormatDate(tt.t, tt.loc, tt.lang))
			require.Equal(t, tt.time, FormatTime(tt.t, tt.loc, tt.lang))
		})
	}
}

func TestFormatDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d      time.Duration
		en, fr string
	}{
		{0, "0 minutes", "0 minutes"},
		{time.Minute, "1 minute", "1 minute"},
		{50 * time.Minute, "50 minutes", "50 minutes"},
		{50*time.Minute + 29*time.Second, "50 minutes", "50 minutes"},
		{time.Hour, "1 hour", "1 heure"},
		{90 * time.Minute, "1 hour 30 minutes", "1 h 30"},
		{125 * time.Minute, "2 hours 5 minutes", "2 h 05"},
		{2 * time.Hour, "2 hours", "2 heures"},
		{-time.Hour, "0 minutes", "0 minutes"},
	}
	for _, tt := range tests {
		t.Run(tt.d.String(), func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.en, FormatDuration(tt.d, "en"))
			require.Equal(t, tt.fr, FormatDuration(tt.d, "fr-CA"))
		})
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	// Placeholders a message may lack; defaults must read well without them.
	optional := []string{"PracticePhone", "PracticeEmail", "AppointmentLocation", "TelehealthLink", "ManageAppointmentLink", "CancellationReason"}
	for _, lang := range []struct{ asked, used string }{{"en", "en"}, {"fr", "fr"}, {"fr-CA", "fr"}, {"en-US", "en"}, {"es", "en"}, {"", "en"}} {
		for _, kind := range schematype.MessageKinds {
			for _, channel := range schematype.Channels {
				t.Run(fmt.Sprintf("%s/%s/%s", lang.asked, kind, channel), func(t *testing.T) {
					t.Parallel()
					tpl := Default(kind, channel, lang.asked)
					require.Equal(t, kind, tpl.Kind)
					require.Equal(t, channel, tpl.Channel)
					require.Equal(t, lang.used, tpl.Language)
					require.NoError(t, tpl.Validate())
					require.Contains(t, tpl.Text, "[RecipientFirstName]")
					all := tpl.Subject + tpl.HTML + tpl.Text
					for _, name := range optional {
						require.NotContains(t, withoutSections(all), "["+name+"]", "optional placeholders only in sections")
					}
					for _, m := range sectionRE.FindAllStringSubmatch(all, -1) {
						switch m[1] {
						case "IfTelehealth":
							require.Contains(t, m[2], "[TelehealthLink]")
							require.NotContains(t, withoutPlaceholder(m[2], "TelehealthLink"), "[AppointmentLocation]")
						case "IfInPerson":
							require.Contains(t, m[2], "[AppointmentLocation]")
							require.NotContains(t, withoutPlaceholder(m[2], "AppointmentLocation"), "[TelehealthLink]")
						}
					}
					if kind == schematype.MessageKindReminder || kind == schematype.MessageKindConfirmation || kind == schematype.MessageKindReschedule {
						for _, part := range []string{tpl.HTML, tpl.Text} {
							if part != "" {
								require.Contains(t, part, "[IfTelehealth]", "the link for telehealth")
								require.Contains(t, part, "[IfInPerson]", "where to go in person")
							}
						}
					}
					if channel == schematype.ChannelSMS {
						require.Empty(t, tpl.Subject)
						require.Empty(t, tpl.HTML)
						require.NotEmpty(t, tpl.Text)
						return
					}
					require.NotEmpty(t, tpl.Subject)
					require.NotContains(t, tpl.Subject, "\n")
					require.Contains(t, tpl.HTML, `<html lang="`+lang.used+`">`)
					require.Contains(t, tpl.HTML, "[RecipientFirstName]")
					for _, external := range []string{"http", "src=", "<img", "<link", "<script", "<style", "url("} {
						require.NotContains(t, tpl.HTML, external, "no external resources")
					}
					require.NotContains(t, tpl.Text, "<", "the text part is plain")
				})
			}
		}
	}
}

// sectionRE matches a section of kith's defaults: its condition and text.
var sectionRE = regexp.MustCompile(`(?s)\[(IfTelehealth|IfInPerson|IfSignature)\](.*?)\[EndIf\]`)

// withoutSections is s with its sections, text and all, left out.
func withoutSections(s string) string { return sectionRE.ReplaceAllString(s, "") }

// withoutPlaceholder is s without [name].
func withoutPlaceholder(s, name string) string { return strings.ReplaceAll(s, "["+name+"]", "") }

func TestDefaultRendersForClientAndContact(t *testing.T) {
	t.Parallel()
	v := smsTypicalValues("en")
	r := Default(schematype.MessageKindReminder, schematype.ChannelSMS, "en").Render(v)
	require.Equal(t, "Hi Alexandra, this is a reminder of the appointment for Samuel Tremblay-Gagnon with Dr. Catherine Lefebvre "+
		"on Wednesday, September 30, 2026 at 10:30 AM. Join by video: https://meet.kith.health/r/01J9Z8X7W6V5T4S3R2Q1P0\nRiverside Counselling Centre", r.Text)
	v["TelehealthLink"] = ""
	r = Default(schematype.MessageKindReminder, schematype.ChannelSMS, "en").Render(v)
	require.Equal(t, "Hi Alexandra, this is a reminder of the appointment for Samuel Tremblay-Gagnon with Dr. Catherine Lefebvre "+
		"on Wednesday, September 30, 2026 at 10:30 AM. Location: 1234 Saint-Laurent Blvd, Suite 200, Montreal\nRiverside Counselling Centre", r.Text)
	v["AppointmentLocation"] = ""
	r = Default(schematype.MessageKindReminder, schematype.ChannelSMS, "en").Render(v)
	require.Equal(t, "Hi Alexandra, this is a reminder of the appointment for Samuel Tremblay-Gagnon with Dr. Catherine Lefebvre "+
		"on Wednesday, September 30, 2026 at 10:30 AM.\nRiverside Counselling Centre", r.Text, "neither: as before")

	v = smsTypicalValues("fr")
	v["ClientName"] = "Alex <Roy> & Co"
	r = Default(schematype.MessageKindReminder, schematype.ChannelEmail, "fr-CA").Render(v)
	require.Contains(t, r.HTML, "Bonjour Alexandra,")
	require.Contains(t, r.HTML, "Alex &lt;Roy&gt; &amp; Co")
	require.NotContains(t, r.HTML, "<Roy>")
	require.Contains(t, r.Text, "Alex <Roy> & Co")
	require.Equal(t, "Rappel de rendez-vous : mercredi 30 septembre 2026 à 10 h 30", r.Subject)

	r = Default(schematype.MessageKindPortalInvitation, schematype.ChannelEmail, "en").Render(v)
	require.Contains(t, r.HTML, `href="`+v["PortalLink"]+`"`)
	require.NotContains(t, r.HTML+r.Text+r.Subject, "[")

	v["Message"] = "Line one\nLine <two>"
	r = Default(schematype.MessageKindScheduled, schematype.ChannelEmail, "en").Render(v)
	require.Contains(t, r.HTML, "white-space:pre-line;\">Line one\nLine &lt;two&gt;</p>")
}

func TestDefaultUnknownKind(t *testing.T) {
	t.Parallel()
	tpl := Default(schematype.MessageKind("NOPE"), schematype.ChannelEmail, "fr")
	require.Equal(t, Template{Kind: "NOPE", Channel: schematype.ChannelEmail, Language: "fr"}, tpl)
	require.NoError(t, tpl.Validate())
	require.Equal(t, Template{Kind: schematype.MessageKindReminder, Channel: "FAX", Language: "en"}, Default(schematype.MessageKindReminder, "FAX", "en"))
}
