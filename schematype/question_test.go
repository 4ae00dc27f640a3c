package schematype_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/schematype"
)

func field(t *testing.T, err error) string {
	t.Helper()
	var ve *kith.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	return ve.Field
}

func TestCheck(t *testing.T) {
	t.Parallel()
	qs, err := schematype.NormalizeQuestions([]schematype.Question{
		{Label: " Name ", Type: schematype.QuestionText, Required: true},
		{Label: "Story", Type: schematype.QuestionLongText},
		{Label: "Tick", Type: schematype.QuestionCheckbox, Options: []string{" a ", "b"}},
	})
	require.NoError(t, err)
	require.Equal(t, "q1", qs[0].ID)
	require.Equal(t, "Name", qs[0].Label)
	require.Equal(t, []string{"a", "b"}, qs[2].Options)

	got, err := schematype.CheckAnswers(qs, []schematype.Answer{
		{QuestionID: "q3", Values: []string{"b", " b", "a"}},
		{QuestionID: "q1", Value: " Pat "},
		{QuestionID: "q2", Value: "line one\nline two"},
	})
	require.NoError(t, err)
	require.Equal(t, []schematype.Answer{
		{QuestionID: "q1", Value: "Pat"},
		{QuestionID: "q2", Value: "line one\nline two"},
		{QuestionID: "q3", Values: []string{"b", "a"}},
	}, got, "in the questions' order, trimmed, ticks once each")

	for _, c := range []struct {
		want    string
		answers []schematype.Answer
	}{
		{"answers.1.value", []schematype.Answer{{QuestionID: "q2", Value: "x"}, {QuestionID: "q1", Value: "two\nlines"}}},
		{"answers.1.questionId", []schematype.Answer{{QuestionID: "q1", Value: "x"}, {QuestionID: "q1", Value: "y"}}},
		{"answers.0.values", []schematype.Answer{{QuestionID: "q1", Values: []string{"x"}}}},
		{"answers.1.value", []schematype.Answer{{QuestionID: "q1", Value: "x"}, {QuestionID: "q3", Value: "a"}}},
		{"answers", []schematype.Answer{{QuestionID: "q2", Value: "x"}}},
	} {
		_, err := schematype.CheckAnswers(qs, c.answers)
		require.Equal(t, c.want, field(t, err))
	}
}

func TestNormalizeLimits(t *testing.T) {
	t.Parallel()
	_, err := schematype.NormalizeQuestions(make([]schematype.Question, schematype.MaxQuestions+1))
	require.Equal(t, "questions", field(t, err))
	_, err = schematype.NormalizeQuestions([]schematype.Question{{Label: "A", Type: "SLIDER"}})
	require.Equal(t, "questions.0.type", field(t, err))
	_, err = schematype.NormalizeQuestions([]schematype.Question{{Label: "A", Type: schematype.QuestionChoice, Options: []string{"x", " x"}}})
	require.Equal(t, "questions.0.options", field(t, err))
}
