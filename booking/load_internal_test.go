package booking

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestParseSpans: the spans of loadSchedules' aggregated text as SQLite
// stores times: whole seconds, an end with a fraction rounded up, malformed
// pairs and spans ending by after skipped.
func TestParseSpans(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.DateTime, s)
		require.NoError(t, err)
		return v
	}
	text := "2026-06-01 09:00:00 +0000 UTC~2026-06-01 09:30:00.000001 +0000 UTC," + // SQLite, a fraction
		"2026-06-01 10:00:00.500000~2026-06-01 10:30:00.000000," + // SQLite, fractions
		"2026-06-01 11:00~2026-06-01 11:30:00," + // malformed
		"1969-12-31 23:00:00~1970-01-01 00:00:01," + // before 1970
		"2024-02-29 12:00:00~2024-03-01 00:00:00"
	got := parseSpans(nil, []byte(text), time.Time{})
	require.Equal(t, []span{
		{at("2026-06-01 09:00:00"), at("2026-06-01 09:30:01")},
		{at("2026-06-01 10:00:00"), at("2026-06-01 10:30:00")},
		{at("1969-12-31 23:00:00"), at("1970-01-01 00:00:01")},
		{at("2024-02-29 12:00:00"), at("2024-03-01 00:00:00")},
	}, got)
	got = parseSpans(nil, []byte(text), at("2026-06-01 09:30:00"))
	require.Equal(t, []span{{at("2026-06-01 09:00:00"), at("2026-06-01 09:30:01")}, {at("2026-06-01 10:00:00"), at("2026-06-01 10:30:00")}}, got)
	require.Empty(t, parseSpans(nil, nil, time.Time{}))
}

// TestParseEpochSpans: the spans of loadSchedules' aggregated text as
// PostgreSQL writes it, seconds since 1970: negative ones, malformed pairs
// skipped (the rest still read), spans ending by after skipped.
func TestParseEpochSpans(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.DateTime, s)
		require.NoError(t, err)
		return v
	}
	text := "1780311600~1780313400," + // 2026-06-01 11:00 to 11:30
		"-3600~-1," + // before 1970
		"1780308000~x,~1780308000,1780308000~1780308000000000,17803080001780308000,1780308000~1780309800~1," + // malformed
		"1780315200~1780317000" // 12:00 to 12:30
	require.Equal(t, []span{
		{at("2026-06-01 11:00:00"), at("2026-06-01 11:30:00")},
		{at("1969-12-31 23:00:00"), at("1969-12-31 23:59:59")},
		{at("2026-06-01 12:00:00"), at("2026-06-01 12:30:00")},
	}, parseEpochSpans(nil, []byte(text), time.Time{}))
	require.Equal(t, []span{{at("2026-06-01 12:00:00"), at("2026-06-01 12:30:00")}},
		parseEpochSpans(nil, []byte(text), at("2026-06-01 11:30:00")))
	require.Empty(t, parseEpochSpans(nil, nil, time.Time{}))
	require.Empty(t, parseEpochSpans(nil, []byte(","), time.Time{}))
}
