package webhook

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
)

// Data is what an event says of the object it is about: its "id" and
// "organizationId", the fields that changed and non-clinical facts (a start
// time, a status). The integrator reads the rest through GraphQL.
type Data map[string]any

// clinical are keys no payload carries: notes, alerts, message bodies,
// coverage and addresses stay behind the API's rules. Payload refuses them,
// so that an event written carelessly fails in the tests instead of
// sending health data to a third party.
var clinical = []string{
	"note", "notes", "alert", "alerts", "description", "body", "text", "html", "subject",
	"address", "addresses", "coverage", "coverages", "diagnosis", "answers", "content",
}

// ErrClinical is Payload's error for data holding a key no payload may
// carry (see Data).
var ErrClinical = errors.New("a webhook payload may not carry notes, alerts, message bodies, coverage or addresses")

// envelope is a payload as the specification shapes it.
type envelope struct {
	Type      schematype.EventType `json:"type"`
	Timestamp time.Time            `json:"timestamp"`
	Data      Data                 `json:"data"`
}

// Payload returns the body of an event of type t that happened at at:
// {"type", "timestamp", "data"}, data holding at least id and
// organizationId.
func Payload(t schematype.EventType, at time.Time, id, org pulid.ID, data Data) ([]byte, error) {
	if id == "" || org == "" {
		return nil, fmt.Errorf("a %s event needs the ID of its object and its organisation", t)
	}
	d := make(Data, len(data)+2)
	for k, v := range data {
		if slices.Contains(clinical, k) {
			return nil, fmt.Errorf("%w: %s has %q", ErrClinical, t, k)
		}
		d[k] = v
	}
	d["id"], d["organizationId"] = id, org
	body, err := json.Marshal(envelope{Type: t, Timestamp: at.UTC().Truncate(time.Millisecond), Data: d})
	if err != nil {
		return nil, fmt.Errorf("writing a %s payload: %w", t, err)
	}
	return body, nil
}
