package schema

import (
	"time"

	"github.com/kith-health/kith/pulid"
)

// now is the clock of default and update-default timestamps, in UTC.
func now() time.Time { return time.Now().UTC() }

// pulidID is the Go type of every ID and foreign-key field.
var pulidID = pulid.ID("")
