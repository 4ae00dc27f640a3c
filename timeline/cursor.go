package timeline

import (
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/kith-health/kith"
)

// position is where an entry lies in the feed: its time and ID.
type position struct {
	At  time.Time `json:"t"`
	EID string    `json:"e"`
}

// encode is the opaque cursor of p.
func (p position) encode() string {
	b, _ := json.Marshal(p) // a time and a string always marshal
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a cursor given as after. The time is kept exactly as
// the database gave it, so that the entry the cursor names compares equal.
func decodeCursor(s string) (position, error) {
	bad := kith.Invalid("after", "this is not a cursor kith gave out for a timeline: pass an edge's cursor as it came")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) > 512 {
		return position{}, bad
	}
	var p position
	if err := json.Unmarshal(b, &p); err != nil || p.EID == "" || p.At.IsZero() || len(p.EID) > 128 {
		return position{}, bad
	}
	return p, nil
}
