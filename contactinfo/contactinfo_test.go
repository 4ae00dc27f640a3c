package contactinfo_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/contactinfo"
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
		got, err := contactinfo.NormalizePhone(tc.raw, tc.region)
		require.NoError(t, err, tc.raw)
		require.Equal(t, tc.want, got, tc.raw)
	}
	for _, bad := range []string{"12", "not a number", "+1 555 0100"} {
		_, err := contactinfo.NormalizePhone(bad, "CA")
		require.ErrorIs(t, err, contactinfo.ErrPhone, bad)
	}
}

func TestNormalizeEmail(t *testing.T) {
	t.Parallel()
	got, err := contactinfo.NormalizeEmail("  Ana.Silva@Example.COM ")
	require.NoError(t, err)
	require.Equal(t, "ana.silva@example.com", got)
	for _, bad := range []string{"ana", "ana@", "Ana <ana@example.com>", "a@b, c@d", "ana@localhost"} {
		_, err := contactinfo.NormalizeEmail(bad)
		require.ErrorIs(t, err, contactinfo.ErrEmail, bad)
	}
}

func TestLocale(t *testing.T) {
	t.Parallel()
	require.NoError(t, contactinfo.ValidateTimeZone("America/Toronto"))
	for _, bad := range []string{"", "Local", "Mars/Olympus"} {
		require.ErrorIs(t, contactinfo.ValidateTimeZone(bad), contactinfo.ErrTimeZone, bad)
	}
	tag, err := contactinfo.NormalizeLanguage("fr-ca")
	require.NoError(t, err)
	require.Equal(t, "fr-CA", tag)
	_, err = contactinfo.NormalizeLanguage("not a tag")
	require.ErrorIs(t, err, contactinfo.ErrLanguage)
	require.NoError(t, contactinfo.ValidateDate("2017-03-14"))
	require.ErrorIs(t, contactinfo.ValidateDate("2017-02-30"), contactinfo.ErrDate)
	require.Equal(t, "Europe/Paris", contactinfo.Location("Europe/Paris").String())
}
