package healthcard

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/kith-health/kith"
)

// Fields an error of a check names.
const (
	FieldNumber  = "healthCardNumber"
	FieldVersion = "healthCardVersion"
)

// digitsOnly are the formats that are only a number of digits, checked by
// their length alone: no issuer publishes a check digit for them. Lengths
// from the provinces' billing guides as they stood in 2026.
var digitsOnly = map[Region]int{
	Alberta:                 9,
	Saskatchewan:            9,
	Manitoba:                9,
	NovaScotia:              10,
	NewBrunswick:            9,
	PrinceEdwardIsland:      8,
	NewfoundlandAndLabrador: 12,
	Yukon:                   9,
	Nunavut:                 9,
}

// Check is the format check of c: the number's length and characters in
// its region, Ontario's and British Columbia's check digits, Québec's
// letters and birth date against the holder's name and dateOfBirth, and
// the version code, which only Ontario's cards have. Spaces and dashes are
// dropped and letters capitalised. A card of a region kith does not know
// is StatusUnchecked, stored as written. A card without a number is not
// checked (StatusUnchecked) unless it has a version code.
func Check(c Card) (Result, error) {
	res := Result{Region: strings.TrimSpace(c.Region), Number: strings.TrimSpace(c.Number), Version: strings.TrimSpace(c.Version), Method: MethodFormat}
	r, known := ParseRegion(c.Region)
	if !known {
		res.Status = StatusUnchecked
		switch {
		case res.Number == "":
			res.Note = "no health card number to check"
		case res.Region == "":
			res.Note = "the card has no region, so its number was not checked"
		default:
			res.Note = fmt.Sprintf("kith knows no health card format for the region %s; the number was not checked", res.Region)
		}
		return res, nil
	}
	res.Region = string(r)
	number, version := compact(c.Number), compact(c.Version)
	if r == Ontario && version == "" && len(number) > 10 && allDigits(number[:10]) && allLetters(number[10:]) {
		number, version = number[:10], number[10:] // "1234 567 890 AB": the version written after the number
	}
	res.Number, res.Version = number, version
	if number == "" {
		if version != "" {
			return res, kith.Invalid(FieldVersion, "a version code needs the health card number it belongs to")
		}
		res.Status, res.Note = StatusUnchecked, "no health card number to check"
		return res, nil
	}
	if version != "" && r != Ontario {
		return res, kith.Invalid(FieldVersion, "%s health cards have no version code; leave it empty", possessive(r))
	}
	var err error
	switch r {
	case Ontario:
		err = checkOntario(number, version)
	case BritishColumbia:
		err = checkBritishColumbia(number)
	case Quebec:
		err = checkQuebec(number, c)
	case NorthwestTerritories:
		err = checkNorthwestTerritories(number)
	default:
		err = checkDigits(r, number, digitsOnly[r])
	}
	if err != nil {
		return res, err
	}
	res.Status = StatusValid
	res.Note = fmt.Sprintf("the number has the format of %s health cards", possessive(r))
	return res, nil
}

// checkOntario: 10 digits, the last a Luhn (mod 10) check digit of the
// nine before it, and a version code of up to two letters.
func checkOntario(number, version string) error {
	if err := checkDigits(Ontario, number, 10); err != nil {
		return err
	}
	if !luhn(number) {
		return kith.Invalid(FieldNumber, "this is not an Ontario health card number: its last digit is not the check digit of the nine before it; look for a mistyped digit")
	}
	if len(version) > 2 || !allLetters(version) {
		return kith.Invalid(FieldVersion, "an Ontario version code is one or two letters, such as AB, or none; %q is not one", quoted(version))
	}
	return nil
}

// checkBritishColumbia: a personal health number is 10 digits starting with
// 9; the digits 2 to 9 weighted 2, 4, 8, 5, 10, 9, 7, 3 (each product mod
// 11), summed, give the tenth: 11 minus the sum mod 11.
func checkBritishColumbia(number string) error {
	if err := checkDigits(BritishColumbia, number, 10); err != nil {
		return err
	}
	if number[0] != '9' {
		return kith.Invalid(FieldNumber, "a British Columbia personal health number starts with 9; this one starts with %c", number[0])
	}
	if !bcCheck(number) {
		return kith.Invalid(FieldNumber, "this is not a British Columbia personal health number: its last digit is not the check digit of the others; look for a mistyped digit")
	}
	return nil
}

// bcWeights weigh the digits 2 to 9 of a BC personal health number.
var bcWeights = [8]int{2, 4, 8, 5, 10, 9, 7, 3}

// bcCheck reports whether 10-digit number's last digit is its mod-11 check digit.
func bcCheck(number string) bool {
	sum := 0
	for i, w := range bcWeights {
		sum += int(number[i+1]-'0') * w % 11
	}
	check := 11 - sum%11
	return check < 10 && int(number[9]-'0') == check
}

// checkNorthwestTerritories: a letter N, D, M or T then 7 digits.
func checkNorthwestTerritories(number string) error {
	if len(number) != 8 || !strings.ContainsRune("NDMT", rune(number[0])) || !allDigits(number[1:]) {
		return kith.Invalid(FieldNumber, "a Northwest Territories health care number is a letter (N, D, M or T) and 7 digits, such as N1234567; %q is not", quoted(number))
	}
	return nil
}

// checkDigits requires number to be exactly n digits.
func checkDigits(r Region, number string, n int) error {
	name := "a " + possessive(r) + " health card number"
	if r == BritishColumbia {
		name = "a British Columbia personal health number"
	}
	if r == Ontario || r == Alberta || r == Quebec {
		name = "an " + possessive(r) + " health card number"
	}
	if !allDigits(number) {
		return kith.Invalid(FieldNumber, "%s has only digits, %d of them; %q has %s", name, n, quoted(number), other(number))
	}
	if len(number) != n {
		return kith.Invalid(FieldNumber, "%s has %d digits; this one has %d", name, n, len(number))
	}
	return nil
}

// luhn reports whether number's last digit is the Luhn check digit of the others.
func luhn(number string) bool {
	sum := 0
	for i := len(number) - 1; i >= 0; i-- {
		d := int(number[i] - '0')
		if (len(number)-1-i)%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// compact drops spaces and dashes and capitalises letters.
func compact(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r), r == '-', r == '‐', r == '–', r == '—':
			return -1
		default:
			return unicode.ToUpper(r)
		}
	}, s)
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func allLetters(s string) bool {
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// other names the first character of s that is not a digit, for an error.
func other(s string) string {
	for _, r := range s {
		if r < '0' || r > '9' {
			if unicode.IsLetter(r) {
				return fmt.Sprintf("the letter %c", r)
			}
			return fmt.Sprintf("the character %q", r)
		}
	}
	return "no other character"
}

// possessive is the region's name as an adjective of its cards: Ontario, Québec.
func possessive(r Region) string { return r.Name() }

// quoted is s cut to its first 40 characters, for an error message to
// show without echoing a page of input.
func quoted(s string) string {
	n := 0
	for i := range s {
		if n++; n > 40 {
			return s[:i] + "…"
		}
	}
	return s
}

// validDate reports whether y, m, d make a real date.
func validDate(y, m, d int) bool {
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t.Year() == y && int(t.Month()) == m && t.Day() == d
}
