package schema

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestPastDateIsTodayAnywhere: a date of birth that is today somewhere on
// Earth is not in the future, whatever the server's own date; tomorrow
// everywhere is.
func TestPastDateIsTodayAnywhere(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC) // already Dec 2 in Auckland and Kiribati
	for date, ok := range map[string]bool{
		"2026-12-01": true, "2026-12-02": true, "2026-12-03": false, "1900-01-01": true, "1899-12-31": false,
	} {
		_, err := pastDateAt(date, now)
		require.Equal(t, ok, err == nil, "%s: %v", date, err)
	}
}
