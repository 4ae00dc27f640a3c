package compose

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/schematype"
)

func TestAnalyzeSMS(t *testing.T) {
	t.Parallel()
	a, zh, smile := "a", "ж", "😀"
	rep := strings.Repeat
	tests := []struct {
		name string
		text string
		want SMSInfo
	}{
		{"empty", "", SMSInfo{SMSEncodingGSM7, 0, 0}},
		{"short", "Hello, see you at 3:30 PM!", SMSInfo{SMSEncodingGSM7, 1, 26}},
		{"GSM accents and newline", "Déjà vu à l'école?\nÇa ira.", SMSInfo{SMSEncodingGSM7, 1, 26}},
		{"GSM 160", rep(a, 160), SMSInfo{SMSEncodingGSM7, 1, 160}},
		{"GSM 161", rep(a, 161), SMSInfo{SMSEncodingGSM7, 2, 161}},
		{"GSM 306", rep(a, 306), SMSInfo{SMSEncodingGSM7, 2, 306}},
		{"GSM 307", rep(a, 307), SMSInfo{SMSEncodingGSM7, 3, 307}},
		{"extension counts 2", "{€}", SMSInfo{SMSEncodingGSM7, 1, 6}},
		{"all extension characters", "\f^{}\\[~]|€", SMSInfo{SMSEncodingGSM7, 1, 20}},
		{"extension fills 160", rep(a, 158) + "€", SMSInfo{SMSEncodingGSM7, 1, 160}},
		{"extension makes 161", rep(a, 159) + "€", SMSInfo{SMSEncodingGSM7, 2, 161}},
		{"extension ends a part exactly", rep(a, 151) + "€" + rep(a, 153), SMSInfo{SMSEncodingGSM7, 2, 306}},
		{"extension not split across parts", rep(a, 152) + "€" + rep(a, 152), SMSInfo{SMSEncodingGSM7, 3, 306}},
		{"UCS-2 70", rep(zh, 70), SMSInfo{SMSEncodingUCS2, 1, 70}},
		{"UCS-2 71", rep(zh, 71), SMSInfo{SMSEncodingUCS2, 2, 71}},
		{"UCS-2 134", rep(zh, 134), SMSInfo{SMSEncodingUCS2, 2, 134}},
		{"UCS-2 135", rep(zh, 135), SMSInfo{SMSEncodingUCS2, 3, 135}},
		{"one non-GSM character makes all UCS-2", rep(a, 69) + "ê", SMSInfo{SMSEncodingUCS2, 1, 70}},
		{"extension counts 1 in UCS-2", rep(a, 68) + "€ê", SMSInfo{SMSEncodingUCS2, 1, 70}},
		{"lower-case ç is not GSM", "reçu", SMSInfo{SMSEncodingUCS2, 1, 4}},
		{"curly apostrophe is not GSM", "l’école", SMSInfo{SMSEncodingUCS2, 1, 7}},
		{"emoji counts 2", smile, SMSInfo{SMSEncodingUCS2, 1, 2}},
		{"35 emoji fill 70", rep(smile, 35), SMSInfo{SMSEncodingUCS2, 1, 70}},
		{"emoji makes 71", rep(a, 69) + smile, SMSInfo{SMSEncodingUCS2, 2, 71}},
		{"36 emoji: 33 then 3", rep(smile, 36), SMSInfo{SMSEncodingUCS2, 2, 72}},
		{"emoji ends a part exactly", rep(zh, 65) + smile + rep(zh, 67), SMSInfo{SMSEncodingUCS2, 2, 134}},
		{"surrogate pair not split across parts", rep(zh, 66) + smile + rep(zh, 66), SMSInfo{SMSEncodingUCS2, 3, 134}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, AnalyzeSMS(tt.text))
		})
	}
}

func TestSMSCharsets(t *testing.T) {
	t.Parallel()
	require.Equal(t, 127, utf8.RuneCountInString(smsGSMBasic), "128 codes less the escape")
	require.Equal(t, 10, utf8.RuneCountInString(smsGSMExtension))
	seen := map[rune]bool{}
	for _, r := range smsGSMBasic + smsGSMExtension {
		require.False(t, seen[r], "%q listed twice", r)
		seen[r] = true
	}
}

// smsTypicalValues fills every placeholder with realistic, rather long values.
func smsTypicalValues(lang string) Values {
	v := Values{
		"RecipientFirstName":    "Alexandra",
		"RecipientLastName":     "Tremblay-Gagnon",
		"RecipientName":         "Alexandra Tremblay-Gagnon",
		"ClientFirstName":       "Samuel",
		"ClientLastName":        "Tremblay-Gagnon",
		"ClientName":            "Samuel Tremblay-Gagnon",
		"PractitionerName":      "Dr. Catherine Lefebvre",
		"PracticeName":          "Riverside Counselling Centre",
		"PracticePhone":         "+1 514-555-0142",
		"PracticeEmail":         "hello@riversidecounselling.ca",
		"AppointmentDate":       "Wednesday, September 30, 2026",
		"AppointmentTime":       "10:30 AM",
		"AppointmentEndTime":    "11:20 AM",
		"AppointmentDuration":   "50 minutes",
		"AppointmentLocation":   "1234 Saint-Laurent Blvd, Suite 200, Montreal",
		"TelehealthLink":        "https://meet.kith.health/r/01J9Z8X7W6V5T4S3R2Q1P0",
		"ManageAppointmentLink": "https://riverside.kith.health/a/01J9Z8X7W6V5T4S3R2Q1P0",
		"CancellationReason":    "The practitioner is unwell.",
		"Message":               "Please remember to bring your completed intake form to your first session.",
		"PortalLink":            "https://riverside.kith.health/invite/01J9Z8X7W6V5T4S3R2Q1P0",
		"SignInCode":            "482913",
		"FormTitle":             "Intake questionnaire",
		"FormSentDate":          "Wednesday, September 30, 2026",
		SignatureRequested:      "yes",
	}
	if lang == "fr" {
		v["AppointmentDate"] = "mercredi 30 septembre 2026"
		v["AppointmentTime"] = "10 h 30"
		v["AppointmentEndTime"] = "11 h 20"
		v["Message"] = "N'oubliez pas d'apporter le formulaire d'accueil rempli lors de votre premier rendez-vous."
	}
	return v
}

func TestDefaultSMSFitsTwoGSMSegments(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "fr"} {
		for _, kind := range schematype.MessageKinds {
			t.Run(fmt.Sprintf("%s/%s", lang, kind), func(t *testing.T) {
				t.Parallel()
				tpl := Default(kind, schematype.ChannelSMS, lang)
				r := tpl.Render(smsTypicalValues(lang))
				require.NotNil(t, r.SMS)
				require.Equal(t, SMSEncodingGSM7, r.SMS.Encoding, r.Text)
				require.LessOrEqual(t, r.SMS.Segments, 2, "%d septets: %s", r.SMS.Characters, r.Text)
				require.NotContains(t, r.Text, "[", "every placeholder filled")
			})
		}
	}
}
