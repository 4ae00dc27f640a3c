package healthcard

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/kith-health/kith"
)

// checkQuebec checks a RAMQ health insurance number: 4 letters and 8
// digits, LLLF YYMM DDNN. LLL are the first three letters of the holder's
// last name (accents, spaces, hyphens and apostrophes dropped; X pads a
// shorter name), F the first letter of the first name; YYMMDD is the birth
// date, with 50 added to the month for a woman; NN are the RAMQ's own.
// The date must be a real one and agree with dateOfBirth when kith has it.
// Sex is free text in kith: a value that reads as female (F, female,
// femme, woman…) needs the month plus 50, one that reads as male (M,
// male, homme, man…) the month itself; any other value, or none, allows
// either.
func checkQuebec(number string, c Card) error {
	if len(number) != 12 || !allLetters(number[:4]) || !allDigits(number[4:]) {
		return kith.Invalid(FieldNumber, "a Québec health insurance number is 4 letters and 8 digits, such as TREM 5501 1234; %q is not", quoted(number))
	}
	if want := ramqLetters(c.LastName, c.FirstName); want != "" && number[:4] != want {
		return kith.Invalid(FieldNumber, "a Québec health insurance number starts with the first three letters of the last name and the first letter of the first name: %s for %s %s; this one starts with %s",
			want, strings.TrimSpace(c.FirstName), strings.TrimSpace(c.LastName), number[:4])
	}
	yy, _ := strconv.Atoi(number[4:6])
	mm, _ := strconv.Atoi(number[6:8])
	dd, _ := strconv.Atoi(number[8:10])
	female := mm > 50
	if female {
		mm -= 50
	}
	if mm < 1 || mm > 12 || !(validDate(1900+yy, mm, dd) || validDate(2000+yy, mm, dd)) {
		return kith.Invalid(FieldNumber, "the digits of a Québec health insurance number begin with the birth date, YYMMDD (50 added to the month for a woman); %s is not a date", number[4:10])
	}
	switch sex(c.Sex) {
	case "female":
		if !female {
			return kith.Invalid(FieldNumber, "for a woman the month of a Québec health insurance number is the birth month plus 50 (%02d, not %02d)", mm+50, mm)
		}
	case "male":
		if female {
			return kith.Invalid(FieldNumber, "for a man the month of a Québec health insurance number is the birth month itself (%02d, not %02d)", mm, mm+50)
		}
	}
	if dob := strings.TrimSpace(c.DateOfBirth); len(dob) == len("2006-01-02") {
		want := dob[2:4] + dob[5:7] + dob[8:10]
		got := fmt.Sprintf("%02d%02d%02d", yy, mm, dd)
		if got != want {
			return kith.Invalid(FieldNumber, "the digits of a Québec health insurance number begin with the birth date, YYMMDD: %s for a client born %s; this one has %s", want, dob, got)
		}
	}
	return nil
}

// ramqLetters are the letters a RAMQ number of this person starts with,
// or "" when the first name has no letter.
func ramqLetters(last, first string) string {
	l, f := letters(last), letters(first)
	if f == "" {
		return ""
	}
	for len(l) < 3 {
		l += "X"
	}
	return l[:3] + f[:1]
}

// letters are the letters of a name, capitalised and without accents.
func letters(name string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(stripAccents(name)) {
		if unicode.IsLetter(r) && r < unicode.MaxASCII {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// sex reads the free text of sexAssignedAtBirth: "female", "male" or "".
func sex(s string) string {
	switch fold(s) {
	case "f", "female", "femme", "feminin", "woman", "girl", "fille", "w":
		return "female"
	case "m", "male", "homme", "masculin", "man", "boy", "garcon", "h":
		return "male"
	}
	return ""
}
