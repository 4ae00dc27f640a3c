package timeline

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestEdgesSurviveALeftOutRow(t *testing.T) {
	t.Parallel()
	now := time.Now().UTC()
	rows := []row{
		{pos: position{At: now, EID: "a"}},
		{pos: position{At: now.Add(-time.Minute), EID: "b"}}, // its record is gone
		{pos: position{At: now.Add(-2 * time.Minute), EID: "c"}},
		{pos: position{At: now.Add(-3 * time.Minute), EID: "d"}}, // gone too, last of the page
	}
	entries := []*Entry{{ID: "a", At: rows[0].pos.At}, {ID: "c", At: rows[2].pos.At}}
	got, end := edges(entries, rows)
	require.Len(t, got, 2)
	require.Equal(t, rows[0].pos.encode(), got[0].Cursor)
	require.Equal(t, rows[2].pos.encode(), got[1].Cursor, "each entry's cursor is its own, not the row's at its index")
	require.Equal(t, rows[3].pos.encode(), *end, "the next page starts after the page's last row, shown or not")

	got, end = edges(nil, nil)
	require.Empty(t, got)
	require.Nil(t, end)
}
