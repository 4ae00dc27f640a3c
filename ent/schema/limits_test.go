package schema

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/kith-health/kith/schematype"
)

// FuzzValidators checks the validators of free text, keys and links: they
// never panic, refuse with a *schematype.RuleError only, and accept text exactly
// when it is valid UTF-8 without NUL within its limit. Its seed corpus runs
// with the normal tests; go test -fuzz FuzzValidators ./ent/schema explores.
func FuzzValidators(f *testing.F) {
	for _, seed := range []string{
		"", "a", "Mia", "é", strings.Repeat("é", 100), strings.Repeat("a", 101), "a\x00b", "\xff", "\xc3",
		"https://meet.example/room", "javascript:alert(1)", "http://meet.example", "https:///x", "https://u:p@h.example",
		"  ", "tab\there", "550e8400-e29b-41d4-a716-446655440000", "\u200b", "\U0001F600",
	} {
		f.Add(seed, 100)
	}
	f.Fuzz(func(t *testing.T, s string, limit int) {
		if limit < 0 {
			limit = -limit
		}
		limit %= 20_000
		valid := utf8.ValidString(s) && !strings.ContainsRune(s, 0) && utf8.RuneCountInString(s) <= limit
		err := text(limit)(s)
		if (err == nil) != valid {
			t.Fatalf("text(%d)(%q) = %v, want valid=%v", limit, s, err, valid)
		}
		ruleOnly(t, err)

		err = requiredText(limit)(s)
		if (err == nil) != (valid && strings.TrimSpace(s) != "") {
			t.Fatalf("requiredText(%d)(%q) = %v", limit, s, err)
		}
		ruleOnly(t, err)

		err = key(s)
		if err == nil {
			n := utf8.RuneCountInString(s)
			if n < 1 || n > schematype.MaxKeyLength || strings.ContainsRune(s, 0) || !utf8.ValidString(s) {
				t.Fatalf("key(%q) accepted", s)
			}
			for _, r := range s {
				if !unicode.IsPrint(r) {
					t.Fatalf("key(%q) accepted a non-printable %U", s, r)
				}
			}
		}
		ruleOnly(t, err)

		err = httpsURL(false)(s)
		if err == nil {
			u, perr := url.Parse(s)
			if perr != nil || !strings.EqualFold(u.Scheme, "https") || u.Hostname() == "" ||
				utf8.RuneCountInString(s) > schematype.MaxURLLength || strings.ContainsRune(s, 0) {
				t.Fatalf("httpsURL(%q) accepted", s)
			}
		}
		ruleOnly(t, err)
		if httpsURL(true)("") != nil {
			t.Fatal("an optional link may be empty")
		}

		err = between(-limit, limit)(len(s))
		if (err == nil) != (len(s) <= limit) {
			t.Fatalf("between(%d, %d)(%d) = %v", -limit, limit, len(s), err)
		}
		ruleOnly(t, err)
	})
}

// ruleOnly fails unless err is nil or a *schematype.RuleError with a sentence.
func ruleOnly(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var re *schematype.RuleError
	if !errors.As(err, &re) || !strings.HasPrefix(re.Rule, "must ") && !strings.HasPrefix(re.Rule, "is ") {
		t.Fatalf("%T %v is not a rule", err, err)
	}
	if v := schematype.FieldValidation("first_name", err); !strings.HasPrefix(v.Message, "firstName ") || v.Field != "firstName" {
		t.Fatalf("FieldValidation gave %+v", v)
	}
}

func TestQuoted(t *testing.T) {
	t.Parallel()
	if got := quoted(strings.Repeat("é", 50)); got != strings.Repeat("é", 40)+"…" {
		t.Fatalf("quoted = %q", got)
	}
	if got := quoted("short"); got != "short" {
		t.Fatalf("quoted = %q", got)
	}
}
