package healthcard

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Region is a province or territory of Canada by its two-letter code
// (ISO 3166-2:CA without the CA- prefix), such as ON.
type Region string

// The provinces and territories whose health cards kith checks.
const (
	Alberta                 Region = "AB"
	BritishColumbia         Region = "BC"
	Manitoba                Region = "MB"
	NewBrunswick            Region = "NB"
	NewfoundlandAndLabrador Region = "NL"
	NovaScotia              Region = "NS"
	NorthwestTerritories    Region = "NT"
	Nunavut                 Region = "NU"
	Ontario                 Region = "ON"
	PrinceEdwardIsland      Region = "PE"
	Quebec                  Region = "QC"
	Saskatchewan            Region = "SK"
	Yukon                   Region = "YT"
)

// names are the English and French names of each region, and the old
// abbreviations still seen on forms, folded (see fold).
var names = map[string]Region{
	"alberta":          Alberta,
	"british columbia": BritishColumbia, "colombie britannique": BritishColumbia,
	"manitoba":      Manitoba,
	"new brunswick": NewBrunswick, "nouveau brunswick": NewBrunswick,
	"newfoundland and labrador": NewfoundlandAndLabrador, "newfoundland": NewfoundlandAndLabrador,
	"terre neuve et labrador": NewfoundlandAndLabrador, "nf": NewfoundlandAndLabrador, "nfld": NewfoundlandAndLabrador,
	"nova scotia": NovaScotia, "nouvelle ecosse": NovaScotia,
	"northwest territories": NorthwestTerritories, "territoires du nord ouest": NorthwestTerritories,
	"nunavut":              Nunavut,
	"ontario":              Ontario,
	"prince edward island": PrinceEdwardIsland, "ile du prince edouard": PrinceEdwardIsland, "pei": PrinceEdwardIsland,
	"quebec": Quebec, "pq": Quebec,
	"saskatchewan": Saskatchewan,
	"yukon":        Yukon, "yukon territory": Yukon,
}

// regionNames are the names errors use.
var regionNames = map[Region]string{
	Alberta: "Alberta", BritishColumbia: "British Columbia", Manitoba: "Manitoba",
	NewBrunswick: "New Brunswick", NewfoundlandAndLabrador: "Newfoundland and Labrador",
	NovaScotia: "Nova Scotia", NorthwestTerritories: "Northwest Territories", Nunavut: "Nunavut",
	Ontario: "Ontario", PrinceEdwardIsland: "Prince Edward Island", Quebec: "Québec",
	Saskatchewan: "Saskatchewan", Yukon: "Yukon",
}

// ParseRegion reads a province or territory written as its code (ON, on,
// CA-ON), its English or French name (Ontario, Québec, Colombie-Britannique;
// case, accents, hyphens and periods do not matter) or an old abbreviation
// (PQ, NF, PEI). ok is false for anything else: a region kith does not
// know, whose cards it does not check.
func ParseRegion(s string) (r Region, ok bool) {
	f := fold(s)
	f = strings.TrimPrefix(f, "ca ")
	if _, known := regionNames[Region(strings.ToUpper(f))]; known && len(f) == 2 {
		return Region(strings.ToUpper(f)), true
	}
	r, ok = names[f]
	return r, ok
}

// Name is the region's name, such as Ontario; its code for one kith does not know.
func (r Region) Name() string {
	if n, ok := regionNames[r]; ok {
		return n
	}
	return string(r)
}

// fold lowercases s, strips its accents and turns every run of
// characters other than letters and digits into one space.
func fold(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(stripAccents(s)), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// stripAccents removes combining marks: Québec is Quebec, Émilie Emilie.
func stripAccents(s string) string {
	out, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s)
	if err != nil {
		return s
	}
	return out
}
