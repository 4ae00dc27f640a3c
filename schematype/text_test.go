package schematype_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/schematype"
)

func TestCamelCase(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"first_name": "firstName", "telehealth_url": "telehealthURL", "client_id": "clientID", "html": "html", "number_of_sessions": "numberOfSessions",
	} {
		require.Equal(t, want, kith.CamelCase(in))
	}
}

// TestFieldValidation: ent's wording never shows; a validator's own does.
func TestFieldValidation(t *testing.T) {
	t.Parallel()
	v := schematype.FieldValidation("number_of_sessions", errors.New(`ent: validator failed for field "Coverage.number_of_sessions": value out of range`))
	require.Equal(t, &kith.ValidationError{Field: "numberOfSessions", Message: "numberOfSessions is not valid"}, v)
	v = schematype.FieldValidation("first_name", errors.New(`ent: missing required field "Contact.first_name"`))
	require.Equal(t, "firstName is required", v.Message)
	v = schematype.FieldValidation("first_name", schematype.CheckText("a\x00", 10))
	require.Equal(t, "firstName must not contain a NUL character", v.Message)
	require.Equal(t, "must be at most 3 characters; this has 4", schematype.CheckText("éééé", 3).Error())
	require.NoError(t, schematype.CheckText("ééé", 3))
}

func TestClip(t *testing.T) {
	t.Parallel()
	require.Equal(t, "ok", schematype.Clip("ok", 5))
	require.Equal(t, "a\uFFFDb", schematype.Clip("a\xffb\x00", 5))
	require.Equal(t, "éééé…", schematype.Clip("éééééé", 5))
	require.NoError(t, schematype.CheckText(schematype.Clip(strings.Repeat("\xff\x00x", 100), 50), 50))
}
