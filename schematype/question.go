// Form questions and answers: the value types of Form.questions and
// Form.answers, and the checks of their values, which the Form schema's
// hooks run on every write (ent/schema/form_hooks.go). Sending and
// submitting forms is package form's.

package schematype

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kith-health/kith"
)

// QuestionType is what kind of answer a form question takes.
type QuestionType string

// Form question types.
const (
	// QuestionText is a one-line answer.
	QuestionText QuestionType = "TEXT"
	// QuestionLongText is a free answer over several lines.
	QuestionLongText QuestionType = "LONG_TEXT"
	// QuestionChoice is exactly one of the question's options.
	QuestionChoice QuestionType = "CHOICE"
	// QuestionCheckbox is any number of the question's options ticked; a single
	// option such as "I agree" makes a consent box.
	QuestionCheckbox QuestionType = "CHECKBOX"
	// QuestionDate is a calendar date written YYYY-MM-DD.
	QuestionDate QuestionType = "DATE"
)

// QuestionTypes lists every QuestionType.
var QuestionTypes = []QuestionType{QuestionText, QuestionLongText, QuestionChoice, QuestionCheckbox, QuestionDate}

// MarshalGQL implements graphql.Marshaler.
func (t QuestionType) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(t))) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (t *QuestionType) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	if !slices.Contains(QuestionTypes, QuestionType(s)) {
		return fmt.Errorf("%v is not a valid FormQuestionType", v)
	}
	*t = QuestionType(s)
	return nil
}

// Limits on a form's size, so one form cannot fill the database.
const (
	MaxQuestions      = 200
	MaxOptions        = 50
	MaxQuestionLabel  = 500
	MaxTextAnswer     = 1000
	MaxLongTextAnswer = 20000
	maxQuestionID     = 64
)

// Question is one question of a form (stored in Form.questions).
type Question struct {
	// ID names the question within its form; answers refer to it. Staff
	// may leave it empty: it becomes q1, q2… by position.
	ID string `json:"id"`
	// Label is the question as the person reads it.
	Label string `json:"label"`
	// Type is the kind of answer it takes.
	Type QuestionType `json:"type"`
	// Required questions must be answered: a QuestionCheckbox needs at least one
	// option ticked.
	Required bool `json:"required,omitempty"`
	// Options are the choices of a QuestionChoice or QuestionCheckbox question.
	Options []string `json:"options,omitempty"`
}

// Answer is the answer to one form question: Value for text, date and choice
// questions, Values (the options ticked) for checkbox questions.
type Answer struct {
	// QuestionID is the question answered.
	QuestionID string `json:"questionId"`
	// Value is the answer to a text, long text, date or choice question.
	Value string `json:"value,omitempty"`
	// Values are the options ticked in a checkbox question.
	Values []string `json:"values,omitempty"`
}

// textOK refuses text that is not valid UTF-8, holds a NUL or is longer
// than limit characters, as a kith.ValidationError on field.
func questionTextOK(field, s string, limit int) error {
	if err := CheckText(s, limit); err != nil {
		return kith.Invalid(field, "%s %v", field, err)
	}
	return nil
}

// NormalizeQuestions checks a form's questions and returns them trimmed, with IDs
// given to those without. Errors name the field as "questions.2.label".
func NormalizeQuestions(qs []Question) ([]Question, error) {
	switch {
	case len(qs) == 0:
		return nil, kith.Invalid("questions", "a form needs at least one question")
	case len(qs) > MaxQuestions:
		return nil, kith.Invalid("questions", "a form has at most %d questions; this one has %d", MaxQuestions, len(qs))
	}
	out := make([]Question, len(qs))
	seen := map[string]bool{}
	for i, q := range qs {
		at := func(field string) string { return fmt.Sprintf("questions.%d.%s", i, field) }
		q.ID = strings.TrimSpace(q.ID)
		if q.ID == "" {
			q.ID = "q" + strconv.Itoa(i+1)
		}
		q.Label = strings.TrimSpace(q.Label)
		if err := questionTextOK(at("id"), q.ID, maxQuestionID); err != nil {
			return nil, err
		}
		if err := questionTextOK(at("label"), q.Label, MaxQuestionLabel); err != nil {
			return nil, err
		}
		switch {
		case len(q.ID) > maxQuestionID:
			return nil, kith.Invalid(at("id"), "a question ID has at most %d characters", maxQuestionID)
		case seen[q.ID]:
			return nil, kith.Invalid(at("id"), "two questions have the ID %q; each needs its own", q.ID)
		case q.Label == "":
			return nil, kith.Invalid(at("label"), "question %d has no label; write the question", i+1)
		case utf8.RuneCountInString(q.Label) > MaxQuestionLabel:
			return nil, kith.Invalid(at("label"), "a question has at most %d characters", MaxQuestionLabel)
		case !slices.Contains(QuestionTypes, q.Type):
			return nil, kith.Invalid(at("type"), "%q is not a question type; use one of TEXT, LONG_TEXT, CHOICE, CHECKBOX, DATE", q.Type)
		}
		seen[q.ID] = true
		hasOptions := q.Type == QuestionChoice || q.Type == QuestionCheckbox
		opts := make([]string, 0, len(q.Options))
		for _, o := range q.Options {
			o = strings.TrimSpace(o)
			if err := questionTextOK(at("options"), o, MaxQuestionLabel); err != nil {
				return nil, err
			}
			switch {
			case o == "":
				return nil, kith.Invalid(at("options"), "question %d has an empty option", i+1)
			case slices.Contains(opts, o):
				return nil, kith.Invalid(at("options"), "question %d has the option %q twice", i+1, o)
			}
			opts = append(opts, o)
		}
		switch {
		case hasOptions && len(opts) == 0:
			return nil, kith.Invalid(at("options"), "a %s question needs options to pick from", q.Type)
		case !hasOptions && len(opts) > 0:
			return nil, kith.Invalid(at("options"), "only CHOICE and CHECKBOX questions have options")
		case len(opts) > MaxOptions:
			return nil, kith.Invalid(at("options"), "a question has at most %d options", MaxOptions)
		case len(opts) == 0:
			opts = nil
		}
		q.Options = opts
		out[i] = q
	}
	return out, nil
}

// CheckAnswers checks answers against the questions of a form and returns them
// trimmed, in the questions' order, leaving out unanswered ones. Every
// required question must be answered, a choice must be one of the options
// and a date a real one. Errors name the field as "answers.1.value", or
// "answers" for a required question left unanswered.
func CheckAnswers(qs []Question, answers []Answer) ([]Answer, error) {
	byID := map[string]Answer{}
	for i, a := range answers {
		at := func(field string) string { return fmt.Sprintf("answers.%d.%s", i, field) }
		a.QuestionID = strings.TrimSpace(a.QuestionID)
		if err := questionTextOK(at("questionId"), a.QuestionID, maxQuestionID); err != nil {
			return nil, err
		}
		if err := questionTextOK(at("value"), a.Value, MaxLongTextAnswer); err != nil {
			return nil, err
		}
		for _, v := range a.Values {
			if err := questionTextOK(at("values"), v, MaxQuestionLabel); err != nil {
				return nil, err
			}
		}
		j := slices.IndexFunc(qs, func(q Question) bool { return q.ID == a.QuestionID })
		if j < 0 {
			return nil, kith.Invalid(at("questionId"), "the form has no question %q", a.QuestionID)
		}
		if _, dup := byID[a.QuestionID]; dup {
			return nil, kith.Invalid(at("questionId"), "question %q is answered twice", a.QuestionID)
		}
		q := qs[j]
		a.Value = strings.TrimSpace(a.Value)
		if err := checkOne(q, &a, at); err != nil {
			return nil, err
		}
		byID[a.QuestionID] = a
	}
	out := make([]Answer, 0, len(byID))
	for _, q := range qs {
		a, ok := byID[q.ID]
		switch {
		case (!ok || a.Value == "" && len(a.Values) == 0) && q.Required:
			return nil, kith.Invalid("answers", "%q must be answered", q.Label)
		case ok && (a.Value != "" || len(a.Values) > 0):
			out = append(out, a)
		}
	}
	return out, nil
}

// checkOne checks one answer to q, trimming it in place.
func checkOne(q Question, a *Answer, at func(string) string) error {
	if q.Type == QuestionCheckbox {
		if a.Value != "" {
			return kith.Invalid(at("value"), "%q is a checkbox question: give the options ticked in values", q.Label)
		}
		ticked := make([]string, 0, len(a.Values))
		for _, v := range a.Values {
			v = strings.TrimSpace(v)
			switch {
			case !slices.Contains(q.Options, v):
				return kith.Invalid(at("values"), "%q is not an option of %q", v, q.Label)
			case !slices.Contains(ticked, v):
				ticked = append(ticked, v)
			}
		}
		a.Values = ticked
		return nil
	}
	if len(a.Values) > 0 {
		return kith.Invalid(at("values"), "%q takes one answer: give it in value", q.Label)
	}
	if a.Value == "" {
		return nil
	}
	switch q.Type {
	case QuestionText:
		if strings.ContainsAny(a.Value, "\r\n") {
			return kith.Invalid(at("value"), "the answer to %q fits on one line", q.Label)
		}
		if utf8.RuneCountInString(a.Value) > MaxTextAnswer {
			return kith.Invalid(at("value"), "the answer to %q has at most %d characters", q.Label, MaxTextAnswer)
		}
	case QuestionLongText:
		if utf8.RuneCountInString(a.Value) > MaxLongTextAnswer {
			return kith.Invalid(at("value"), "the answer to %q has at most %d characters", q.Label, MaxLongTextAnswer)
		}
	case QuestionChoice:
		if !slices.Contains(q.Options, a.Value) {
			return kith.Invalid(at("value"), "%q is not an option of %q", a.Value, q.Label)
		}
	case QuestionDate:
		if _, err := time.Parse(time.DateOnly, a.Value); err != nil {
			return kith.Invalid(at("value"), "%q is not a date written YYYY-MM-DD, as %q needs", a.Value, q.Label)
		}
	}
	return nil
}
