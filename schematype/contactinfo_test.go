package schematype_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/schematype"
)

func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	cases := []struct{ raw, region, want string }{
		{"416 555 0100", "CA", "+14165550100"},
		{"(416) 555-0100", "ca", "+14165550100"},
		{"+44 20 7946 0958", "CA", "+442079460958"},
		{"020 7946 0958", "GB", "+442079460958"},
		{"", "CA", ""},
	}
	for _, tc := range cases {
		got, err := schematype.NormalizePhone(tc.raw, tc.region)
		require.NoError(t, err, tc.raw)
		require.Equal(t, tc.want, got, tc.raw)
	}
	for _, bad := range []string{"12", "not a number", "+1 555 0100"} {
		_, err := schematype.NormalizePhone(bad, "CA")
		require.ErrorIs(t, err, schematype.ErrPhone, bad)
	}
}

func TestNormalizeEmail(t *testing.T) {
	t.Parallel()
	got, err := schematype.NormalizeEmail("  Ana.Silva@Example.COM ")
	require.NoError(t, err)
	require.Equal(t, "ana.silva@example.com", got)
	for _, bad := range []string{"ana", "ana@", "Ana <ana@example.com>", "a@b, c@d", "ana@localhost"} {
		_, err := schematype.NormalizeEmail(bad)
		require.ErrorIs(t, err, schematype.ErrEmail, bad)
	}
}

func TestLocale(t *testing.T) {
	t.Parallel()
	require.NoError(t, schematype.ValidateTimeZone("America/Toronto"))
	for _, bad := range []string{"", "Local", "Mars/Olympus"} {
		require.ErrorIs(t, schematype.ValidateTimeZone(bad), schematype.ErrTimeZone, bad)
	}
	tag, err := schematype.NormalizeLanguage("fr-ca")
	require.NoError(t, err)
	require.Equal(t, "fr-CA", tag)
	_, err = schematype.NormalizeLanguage("not a tag")
	require.ErrorIs(t, err, schematype.ErrLanguage)
	require.NoError(t, schematype.ValidateDate("2017-03-14"))
	require.ErrorIs(t, schematype.ValidateDate("2017-02-30"), schematype.ErrDate)
	require.Equal(t, "Europe/Paris", schematype.Location("Europe/Paris").String())
}
