package compose

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Placeholder is a value a template can include by writing its Name in square
// brackets, such as [ClientFirstName].
type Placeholder struct {
	// Name is the placeholder's name, without brackets.
	Name string
	// Description says what the placeholder becomes, for the template editor.
	Description string
}

// Placeholders lists the valid placeholders, grouped as the template editor
// shows them: recipient, client, practitioner and practice, appointment, then
// those that only some kinds of message fill.
//
// Names are case-sensitive. A value the message has nothing for renders as
// empty text; kith's defaults use an optional placeholder only inside a
// section that shows when it has a value. Link placeholders (IsLink) hold
// only absolute https URLs (see SafeLink).
//
// The last four are not values but sections, written in the same way: text
// between [IfTelehealth] and [EndIf] shows only for a telehealth appointment
// (one with a telehealth link), text between [IfInPerson] and [EndIf] only
// for an in-person one (a location and no telehealth link); neither shows in
// a message about no appointment. Text between [IfSignature] and [EndIf]
// shows only in a message about a form that asks for a signature (the
// value SignatureRequested, which is no placeholder, is set). Sections may hold placeholders, markup
// and line breaks, work in every part of a template (in HTML a section must
// end in the same place it starts: within one attribute value, or around
// whole tags), and cannot be nested. Validate refuses an unknown condition,
// a section never ended, an [EndIf] that ends none, and one section inside
// another.
var Placeholders = []Placeholder{
	{"RecipientFirstName", "First name of the person receiving the message: the client, or their parent or contact."},
	{"RecipientLastName", "Last name of the person receiving the message."},
	{"RecipientName", "Full name of the person receiving the message."},
	{"ClientFirstName", "Client's first name (their preferred name, when they have one)."},
	{"ClientLastName", "Client's last name."},
	{"ClientName", "Client's full name. Equals [RecipientName] when the client is the recipient."},
	{"PractitionerName", "Full name of the practitioner the appointment is with, or the client's practitioner."},
	{"PracticeName", "Name of the practice."},
	{"PracticePhone", "Practice's phone number; empty when the practice has none."},
	{"PracticeEmail", "Practice's email address; empty when the practice has none."},
	{"AppointmentDate", "Appointment date in the client's time zone and the message's language, e.g. Tuesday, March 10, 2026."},
	{"AppointmentTime", "Appointment start time in the client's time zone, e.g. 3:30 PM."},
	{"AppointmentEndTime", "Appointment end time in the client's time zone, e.g. 4:20 PM."},
	{"AppointmentDuration", "Appointment length, e.g. 50 minutes."},
	{"AppointmentLocation", "Where the appointment takes place: its location's name and address, else the client's or contact's address it is held at, else its one-off place; empty when it names none."},
	{"TelehealthLink", "Link to join a telehealth appointment; empty for in-person appointments, and for a link that is not https."},
	{"ManageAppointmentLink", "Link where the recipient can reschedule or cancel; empty when they may not manage appointments."},
	{"CancellationReason", "Reason given for a cancellation; empty when none was given."},
	{"Message", "Custom text of a scheduled message, with its own placeholders already filled."},
	{"PortalLink", "Link to accept a portal invitation or sign in to the client portal."},
	{"SignInCode", "One-time sign-in code (sign-in code messages only)."},
	{"FormTitle", "Title of the form sent (form request and form reminder messages only)."},
	{"FormSentDate", "Date the form was sent, in the client's time zone and the message's language (form request and form reminder messages only)."},
	{"IfTelehealth", "Begins a section shown only for a telehealth appointment (one with a telehealth link), such as [IfTelehealth]Join by video: [TelehealthLink][EndIf]; end it with [EndIf]. Sections cannot be nested."},
	{"IfInPerson", "Begins a section shown only for an in-person appointment (one with a location and no telehealth link), such as [IfInPerson]Location: [AppointmentLocation][EndIf]; end it with [EndIf]. Sections cannot be nested."},
	{"IfSignature", "Begins a section shown only in a message about a form that asks for the person's signature, such as [IfSignature]Please sign it by typing your full name.[EndIf]; end it with [EndIf]. Sections cannot be nested."},
	{"EndIf", "Ends the section begun by [IfTelehealth], [IfInPerson] or [IfSignature]."},
}

// sectionEnd is the token that ends a section.
const sectionEnd = "EndIf"

// sectionShown decides, for each token that begins a section, whether its
// text shows in a message whose values are v. Link values are already safe
// (Values.SafeLinks), so a telehealth appointment is one with a usable link.
var sectionShown = map[string]func(v Values) bool{
	"IfTelehealth": func(v Values) bool { return v["TelehealthLink"] != "" },
	"IfInPerson":   func(v Values) bool { return v["TelehealthLink"] == "" && v["AppointmentLocation"] != "" },
	"IfSignature":  func(v Values) bool { return v[SignatureRequested] != "" },
}

// SignatureRequested is the value (not a placeholder: templates cannot
// print it) that shows [IfSignature] sections when it is not empty.
const SignatureRequested = "SignatureRequested"

// sectionPipeline is sectionShown written as html/template pipelines over
// Values, for HTML bodies (see htmlSource); each reads the same values.
var sectionPipeline = map[string]string{
	"IfTelehealth": "if .TelehealthLink",
	"IfInPerson":   "if and (not .TelehealthLink) .AppointmentLocation",
	"IfSignature":  "if ." + SignatureRequested,
}

// sectionStarts lists the tokens that begin a section, for messages.
const sectionStarts = "[IfTelehealth], [IfInPerson] or [IfSignature]"

// SectionError reports a section that cannot be used: an unknown condition,
// a section never ended, an [EndIf] that ends none, or a section inside
// another.
type SectionError struct {
	// Line is the line of the text at fault, from 1.
	Line int
	// Message is a sentence for the person who wrote the template.
	Message string
}

// Error returns Message.
func (e *SectionError) Error() string { return e.Message }

// placeholderKnown holds the names of Placeholders.
var placeholderKnown = func() map[string]bool {
	m := make(map[string]bool, len(Placeholders))
	for _, p := range Placeholders {
		m[p.Name] = true
	}
	return m
}()

// PlaceholderNames returns the names of Placeholders, in order, without brackets.
func PlaceholderNames() []string {
	names := make([]string, len(Placeholders))
	for i, p := range Placeholders {
		names[i] = p.Name
	}
	return names
}

// UnknownPlaceholderError reports a placeholder that is not in Placeholders.
type UnknownPlaceholderError struct {
	// Name is the unknown name, without brackets.
	Name string
	// Valid lists the valid names, without brackets.
	Valid []string
}

// Error names the unknown placeholder, suggests a name differing only in
// case, and lists the valid ones.
func (e *UnknownPlaceholderError) Error() string {
	var b strings.Builder
	b.WriteString("unknown placeholder [" + e.Name + "]")
	for _, v := range e.Valid {
		if strings.EqualFold(v, e.Name) {
			b.WriteString(" (did you mean [" + v + "]?)")
			break
		}
	}
	b.WriteString("; use one of ")
	for i, v := range e.Valid {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("[" + v + "]")
	}
	return b.String()
}

// Validate returns an *UnknownPlaceholderError for the first placeholder in
// text that is not in Placeholders, or a *SectionError for the first
// section that cannot be used (see Placeholders), or nil.
//
// A placeholder is "[", one or more letters (any script, so [Prénom] is caught
// as a mistake), then "]". Anything else in brackets is plain text and left
// alone: "[1]", "[ note ]", "[Client_Name]", "[]".
func Validate(text string) error {
	var (
		err          error
		open         string // the section begun and not yet ended
		openedOnLine int
	)
	forEachPlaceholder(text, func(start, _ int, name string) bool {
		line := lineAt(text, start)
		switch {
		case sectionShown[name] != nil:
			if open != "" {
				err = &SectionError{Line: line, Message: fmt.Sprintf(
					"[%s] on line %d begins a section inside the [%s] section begun on line %d; sections cannot be nested: end that one with [EndIf] first",
					name, line, open, openedOnLine)}
				return false
			}
			open, openedOnLine = name, line
		case name == sectionEnd:
			if open == "" {
				err = &SectionError{Line: line, Message: fmt.Sprintf(
					"[EndIf] on line %d ends no section; begin one with %s", line, sectionStarts)}
				return false
			}
			open = ""
		case !placeholderKnown[name]:
			if strings.HasPrefix(name, "If") {
				msg := fmt.Sprintf("unknown condition [%s] on line %d", name, line)
				for cond := range sectionShown {
					if strings.EqualFold(cond, name) {
						msg += " (did you mean [" + cond + "]?)"
					}
				}
				err = &SectionError{Line: line, Message: msg + "; sections begin with " + sectionStarts + " and end with [EndIf]"}
				return false
			}
			err = &UnknownPlaceholderError{Name: name, Valid: PlaceholderNames()}
			return false
		}
		return true
	})
	if err == nil && open != "" {
		err = &SectionError{Line: openedOnLine, Message: fmt.Sprintf(
			"the [%s] section begun on line %d is never ended; end it with [EndIf]", open, openedOnLine)}
	}
	return err
}

// forEachPlaceholder calls fn with the byte range [start, end) of each
// placeholder token in text, brackets included, and its name, while fn
// returns true.
func forEachPlaceholder(text string, fn func(start, end int, name string) bool) {
	for i := 0; i < len(text); {
		open := strings.IndexByte(text[i:], '[')
		if open < 0 {
			return
		}
		open += i
		j := open + 1
		for j < len(text) {
			r, size := utf8.DecodeRuneInString(text[j:])
			if !unicode.IsLetter(r) {
				break
			}
			j += size
		}
		if j > open+1 && j < len(text) && text[j] == ']' {
			if !fn(open, j+1, text[open+1:j]) {
				return
			}
			i = j + 1
			continue
		}
		// Not a token: a later "[" (as in "[a [ClientName]") may start one.
		i = open + 1
	}
}
