package compose

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/schematype"
)

func TestValidateSections(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, text, says string }{
		{"both", "Hi.[IfTelehealth] Join: [TelehealthLink][EndIf][IfInPerson] At [AppointmentLocation].[EndIf]", ""},
		{"over lines", "Hi,\n[IfTelehealth]\nJoin: [TelehealthLink]\n[EndIf]\nBye", ""},
		{"empty section", "[IfInPerson][EndIf]", ""},
		{"unknown condition", "Hi [IfOnline]x[EndIf]", "unknown condition [IfOnline] on line 1; sections begin with [IfTelehealth], [IfInPerson] or [IfSignature] and end with [EndIf]"},
		{"condition in the wrong case", "[Iftelehealth]x[EndIf]", "unknown condition [Iftelehealth] on line 1 (did you mean [IfTelehealth]?)"},
		{"never ended", "a\n[IfTelehealth] Join: [TelehealthLink]", "the [IfTelehealth] section begun on line 2 is never ended; end it with [EndIf]"},
		{"ends none", "a [EndIf]", "[EndIf] on line 1 ends no section; begin one with [IfTelehealth], [IfInPerson] or [IfSignature]"},
		{"ended twice", "[IfInPerson]a[EndIf][EndIf]", "[EndIf] on line 1 ends no section"},
		{"nested", "[IfTelehealth]a\n[IfInPerson]b[EndIf][EndIf]", "[IfInPerson] on line 2 begins a section inside the [IfTelehealth] section begun on line 1; sections cannot be nested"},
		{"unknown placeholder inside", "[IfTelehealth][Link][EndIf]", "unknown placeholder [Link]"},
	}
	for _, tt := range tests {
		err := Validate(tt.text)
		if tt.says == "" {
			require.NoError(t, err, tt.name)
			continue
		}
		require.Error(t, err, tt.name)
		require.Contains(t, err.Error(), tt.says, tt.name)
	}
	var se *SectionError
	require.ErrorAs(t, Validate("x\n\n[EndIf]"), &se)
	require.Equal(t, 3, se.Line)

	// A template's part at fault is named, HTML included.
	err := Template{Kind: schematype.MessageKindReminder, Channel: schematype.ChannelEmail, Subject: "Hi", HTML: "<p>[IfTelehealth]x</p>", Text: "ok"}.Validate()
	var te *TemplateError
	require.ErrorAs(t, err, &te)
	require.Equal(t, "html", te.Part)
	require.ErrorAs(t, err, &se)
}

func TestRenderSections(t *testing.T) {
	t.Parallel()
	text := "See you [AppointmentDate].[IfTelehealth] Join: [TelehealthLink][EndIf][IfInPerson] At [AppointmentLocation].[EndIf]"
	video := Values{"AppointmentDate": "Monday", "TelehealthLink": "https://meet.example/r", "AppointmentLocation": "12 Elm St"}
	room := Values{"AppointmentDate": "Monday", "AppointmentLocation": "12 Elm St"}
	require.Equal(t, "See you Monday. Join: https://meet.example/r", Render(text, video))
	require.Equal(t, "See you Monday. At 12 Elm St.", Render(text, room))
	require.Equal(t, "See you Monday.", Render(text, Values{"AppointmentDate": "Monday"}), "no appointment place: neither")
	require.Equal(t, "a ", Render("a [IfTelehealth]b", Values{}), "never ended: to the end")
	require.Equal(t, "ab", Render("a[EndIf]b", Values{}), "a stray end is dropped")
	require.Equal(t, "x [IfTelehealth] y", Render("x [Message] y", Values{"Message": "[IfTelehealth]"}), "values are not read again")

	markup := `<p>Monday</p>[IfTelehealth]<p><a href="[TelehealthLink]">Join</a></p>[EndIf][IfInPerson]<p>At [AppointmentLocation]</p>[EndIf]` +
		`<p title="[IfTelehealth]video[EndIf][IfInPerson]in person[EndIf]">x</p>`
	got, err := RenderHTML(markup, Values{"TelehealthLink": "https://meet.example/r?a=1&b=2", "AppointmentLocation": "<b>12</b>"})
	require.NoError(t, err)
	require.Equal(t, `<p>Monday</p><p><a href="https://meet.example/r?a=1&amp;b=2">Join</a></p><p title="video">x</p>`, got)
	got, err = RenderHTML(markup, Values{"AppointmentLocation": "<b>12</b>"})
	require.NoError(t, err)
	require.Equal(t, `<p>Monday</p><p>At &lt;b&gt;12&lt;/b&gt;</p><p title="in person">x</p>`, got)

	for _, bad := range []struct{ markup, says string }{
		{`<a href="[IfTelehealth]x">[EndIf]`, "the [IfTelehealth] section on line 1 does not end where it begins"},
		{"<p>a</p>\n[IfInPerson]<p title=\"[EndIf]\">", "the [IfInPerson] section on line 2 does not end where it begins"},
		{`<script>[IfTelehealth]var x = "[ClientName]";[EndIf]</script>`, "[ClientName] on line 1 is inside a script"},
		{`<p style="[IfInPerson]color:[ClientName][EndIf]">x</p>`, "[ClientName] on line 1 is inside a style sheet"},
	} {
		err := ValidateHTML(bad.markup)
		require.Error(t, err, bad.markup)
		require.Contains(t, err.Error(), bad.says, bad.markup)
		require.NotContains(t, err.Error(), "{{", bad.markup)
	}
}

func TestDefaultSMSInPersonFitsTwoGSMSegments(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "fr"} {
		for _, kind := range []schematype.MessageKind{schematype.MessageKindReminder, schematype.MessageKindConfirmation, schematype.MessageKindReschedule} {
			v := smsTypicalValues(lang)
			v["TelehealthLink"] = ""
			r := Default(kind, schematype.ChannelSMS, lang).Render(v)
			require.Equal(t, SMSEncodingGSM7, r.SMS.Encoding, r.Text)
			require.LessOrEqual(t, r.SMS.Segments, 2, "%s/%s: %s", lang, kind, r.Text)
			require.Contains(t, r.Text, v["AppointmentLocation"], fmt.Sprint(lang, kind))
		}
	}
}
