package healthcard_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/healthcard"
)

func TestValidCards(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		card        healthcard.Card
		number, ver string
		region      string
		status      healthcard.Status
	}{
		{"Ontario with dashes", healthcard.Card{Region: "ON", Number: "1234-567-897", Version: "ab"}, "1234567897", "AB", "ON", healthcard.StatusValid},
		{"Ontario by name, no version", healthcard.Card{Region: "Ontario", Number: "9876 543 217"}, "9876543217", "", "ON", healthcard.StatusValid},
		{"Ontario version after the number", healthcard.Card{Region: "on", Number: "9876543217 XY"}, "9876543217", "XY", "ON", healthcard.StatusValid},
		{"British Columbia", healthcard.Card{Region: "BC", Number: "9698 658 215"}, "9698658215", "", "BC", healthcard.StatusValid},
		{"British Columbia in French", healthcard.Card{Region: "Colombie-Britannique", Number: "9876543218"}, "9876543218", "", "BC", healthcard.StatusValid},
		{"Québec, a woman", healthcard.Card{Region: "Québec", Number: "TREM 8557 1512", FirstName: "Marie", LastName: "Tremblay", DateOfBirth: "1985-07-15", Sex: "F"},
			"TREM85571512", "", "QC", healthcard.StatusValid},
		{"Québec, a man", healthcard.Card{Region: "QC", Number: "gagl-0012-3114", FirstName: "Luc", LastName: "Gagnon", DateOfBirth: "2000-12-31", Sex: "male"},
			"GAGL00123114", "", "QC", healthcard.StatusValid},
		{"Québec, short name with accents, sex unknown", healthcard.Card{Region: "CA-QC", Number: "NGXE 1002 2801", FirstName: "Émilie", LastName: "Ng", Sex: "non-binary"},
			"NGXE10022801", "", "QC", healthcard.StatusValid},
		{"Québec, apostrophe", healthcard.Card{Region: "PQ", Number: "DAMJ90510199", FirstName: "Jean", LastName: "D'Amour"}, "DAMJ90510199", "", "QC", healthcard.StatusValid},
		{"Alberta", healthcard.Card{Region: "AB", Number: "12345-6789"}, "123456789", "", "AB", healthcard.StatusValid},
		{"Nova Scotia", healthcard.Card{Region: "Nouvelle-Écosse", Number: "1234 567 890"}, "1234567890", "", "NS", healthcard.StatusValid},
		{"Prince Edward Island", healthcard.Card{Region: "PE", Number: "12345678"}, "12345678", "", "PE", healthcard.StatusValid},
		{"Newfoundland", healthcard.Card{Region: "NL", Number: "123 456 789 012"}, "123456789012", "", "NL", healthcard.StatusValid},
		{"Northwest Territories", healthcard.Card{Region: "NT", Number: "n1234567"}, "N1234567", "", "NT", healthcard.StatusValid},
		{"unknown region", healthcard.Card{Region: "Texas", Number: " 12-34 "}, "12-34", "", "Texas", healthcard.StatusUnchecked},
		{"no number", healthcard.Card{Region: "ON"}, "", "", "ON", healthcard.StatusUnchecked},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := healthcard.Format{}.Validate(context.Background(), tc.card)
			require.NoError(t, err)
			require.Equal(t, tc.number, res.Number)
			require.Equal(t, tc.ver, res.Version)
			require.Equal(t, tc.region, res.Region)
			require.Equal(t, tc.status, res.Status)
			require.Equal(t, healthcard.MethodFormat, res.Method)
			require.NotEmpty(t, res.Note)
		})
	}
}

func TestInvalidCards(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		card    healthcard.Card
		field   string
		message string
	}{
		{"Ontario too short", healthcard.Card{Region: "ON", Number: "123456789"}, "healthCardNumber", "an Ontario health card number has 10 digits; this one has 9"},
		{"Ontario check digit", healthcard.Card{Region: "ON", Number: "1234-567-890"}, "healthCardNumber", "this is not an Ontario health card number: its last digit is not the check digit of the nine before it; look for a mistyped digit"},
		{"Ontario letters", healthcard.Card{Region: "ON", Number: "12345X7897"}, "healthCardNumber", `an Ontario health card number has only digits, 10 of them; "12345X7897" has the letter X`},
		{"Ontario version", healthcard.Card{Region: "ON", Number: "1234567897", Version: "ABC"}, "healthCardVersion", `an Ontario version code is one or two letters, such as AB, or none; "ABC" is not one`},
		{"Ontario version digits", healthcard.Card{Region: "ON", Number: "1234567897", Version: "A1"}, "healthCardVersion", `an Ontario version code is one or two letters, such as AB, or none; "A1" is not one`},
		{"version without a number", healthcard.Card{Region: "ON", Version: "AB"}, "healthCardVersion", "a version code needs the health card number it belongs to"},
		{"BC version", healthcard.Card{Region: "BC", Number: "9698658215", Version: "A"}, "healthCardVersion", "British Columbia health cards have no version code; leave it empty"},
		{"BC not starting with 9", healthcard.Card{Region: "BC", Number: "1698658215"}, "healthCardNumber", "a British Columbia personal health number starts with 9; this one starts with 1"},
		{"BC check digit", healthcard.Card{Region: "BC", Number: "9698658216"}, "healthCardNumber", "this is not a British Columbia personal health number: its last digit is not the check digit of the others; look for a mistyped digit"},
		{"BC no check digit exists", healthcard.Card{Region: "BC", Number: "9123456780"}, "healthCardNumber", "this is not a British Columbia personal health number: its last digit is not the check digit of the others; look for a mistyped digit"},
		{"BC length", healthcard.Card{Region: "BC", Number: "969865821"}, "healthCardNumber", "a British Columbia personal health number has 10 digits; this one has 9"},
		{"Québec shape", healthcard.Card{Region: "QC", Number: "TRE855715123", FirstName: "Marie", LastName: "Tremblay"}, "healthCardNumber",
			`a Québec health insurance number is 4 letters and 8 digits, such as TREM 5501 1234; "TRE855715123" is not`},
		{"Québec letters", healthcard.Card{Region: "QC", Number: "TREJ85571512", FirstName: "Marie", LastName: "Tremblay"}, "healthCardNumber",
			"a Québec health insurance number starts with the first three letters of the last name and the first letter of the first name: TREM for Marie Tremblay; this one starts with TREJ"},
		{"Québec not a date", healthcard.Card{Region: "QC", Number: "TREM85023012", FirstName: "Marie", LastName: "Tremblay"}, "healthCardNumber",
			"the digits of a Québec health insurance number begin with the birth date, YYMMDD (50 added to the month for a woman); 850230 is not a date"},
		{"Québec month 13", healthcard.Card{Region: "QC", Number: "TREM85131512", FirstName: "Marie", LastName: "Tremblay"}, "healthCardNumber",
			"the digits of a Québec health insurance number begin with the birth date, YYMMDD (50 added to the month for a woman); 851315 is not a date"},
		{"Québec woman without +50", healthcard.Card{Region: "QC", Number: "TREM85071512", FirstName: "Marie", LastName: "Tremblay", Sex: "Female"}, "healthCardNumber",
			"for a woman the month of a Québec health insurance number is the birth month plus 50 (57, not 07)"},
		{"Québec man with +50", healthcard.Card{Region: "QC", Number: "GAGL00623114", FirstName: "Luc", LastName: "Gagnon", Sex: "homme"}, "healthCardNumber",
			"for a man the month of a Québec health insurance number is the birth month itself (12, not 62)"},
		{"Québec birth date", healthcard.Card{Region: "QC", Number: "TREM85571612", FirstName: "Marie", LastName: "Tremblay", DateOfBirth: "1985-07-15"}, "healthCardNumber",
			"the digits of a Québec health insurance number begin with the birth date, YYMMDD: 850715 for a client born 1985-07-15; this one has 850716"},
		{"Alberta length", healthcard.Card{Region: "Alberta", Number: "1234567890"}, "healthCardNumber", "an Alberta health card number has 9 digits; this one has 10"},
		{"Saskatchewan letters", healthcard.Card{Region: "SK", Number: "12345678A"}, "healthCardNumber", `a Saskatchewan health card number has only digits, 9 of them; "12345678A" has the letter A`},
		{"Northwest Territories", healthcard.Card{Region: "NT", Number: "X1234567"}, "healthCardNumber",
			`a Northwest Territories health care number is a letter (N, D, M or T) and 7 digits, such as N1234567; "X1234567" is not`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := healthcard.Check(tc.card)
			var v *kith.ValidationError
			require.True(t, errors.As(err, &v), "%v", err)
			require.Equal(t, tc.field, v.Field)
			require.Equal(t, tc.message, v.Message)
		})
	}
}

func TestParseRegion(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]healthcard.Region{
		"ON": healthcard.Ontario, " qc ": healthcard.Quebec, "CA-BC": healthcard.BritishColumbia, "Québec": healthcard.Quebec,
		"Terre-Neuve-et-Labrador": healthcard.NewfoundlandAndLabrador, "Île-du-Prince-Édouard": healthcard.PrinceEdwardIsland,
		"northwest territories": healthcard.NorthwestTerritories, "Yukon": healthcard.Yukon, "nu": healthcard.Nunavut,
	} {
		got, ok := healthcard.ParseRegion(in)
		require.True(t, ok, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "TX", "Texas", "CA", "O N"} {
		_, ok := healthcard.ParseRegion(in)
		require.False(t, ok, in)
	}
}
