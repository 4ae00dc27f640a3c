package questions_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/questions"
)

func field(t *testing.T, err error) string {
	t.Helper()
	var ve *kith.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	return ve.Field
}

func TestCheck(t *testing.T) {
	t.Parallel()
	qs, err := questions.Normalize([]questions.Question{
		{Label: " Name ", Type: questions.Text, Required: true},
		{Label: "Story", Type: questions.LongText},
		{Label: "Tick", Type: questions.Checkbox, Options: []string{" a ", "b"}},
	})
	require.NoError(t, err)
	require.Equal(t, "q1", qs[0].ID)
	require.Equal(t, "Name", qs[0].Label)
	require.Equal(t, []string{"a", "b"}, qs[2].Options)

	got, err := questions.Check(qs, []questions.Answer{
		{QuestionID: "q3", Values: []string{"b", " b", "a"}},
		{QuestionID: "q1", Value: " Pat "},
		{QuestionID: "q2", Value: "line one\nline two"},
	})
	require.NoError(t, err)
	require.Equal(t, []questions.Answer{
		{QuestionID: "q1", Value: "Pat"},
		{QuestionID: "q2", Value: "line one\nline two"},
		{QuestionID: "q3", Values: []string{"b", "a"}},
	}, got, "in the questions' order, trimmed, ticks once each")

	for _, c := range []struct {
		want    string
		answers []questions.Answer
	}{
		{"answers.1.value", []questions.Answer{{QuestionID: "q2", Value: "x"}, {QuestionID: "q1", Value: "two\nlines"}}},
		{"answers.1.questionId", []questions.Answer{{QuestionID: "q1", Value: "x"}, {QuestionID: "q1", Value: "y"}}},
		{"answers.0.values", []questions.Answer{{QuestionID: "q1", Values: []string{"x"}}}},
		{"answers.1.value", []questions.Answer{{QuestionID: "q1", Value: "x"}, {QuestionID: "q3", Value: "a"}}},
		{"answers", []questions.Answer{{QuestionID: "q2", Value: "x"}}},
	} {
		_, err := questions.Check(qs, c.answers)
		require.Equal(t, c.want, field(t, err))
	}
}

func TestNormalizeLimits(t *testing.T) {
	t.Parallel()
	_, err := questions.Normalize(make([]questions.Question, questions.MaxQuestions+1))
	require.Equal(t, "questions", field(t, err))
	_, err = questions.Normalize([]questions.Question{{Label: "A", Type: "SLIDER"}})
	require.Equal(t, "questions.0.type", field(t, err))
	_, err = questions.Normalize([]questions.Question{{Label: "A", Type: questions.Choice, Options: []string{"x", " x"}}})
	require.Equal(t, "questions.0.options", field(t, err))
}
