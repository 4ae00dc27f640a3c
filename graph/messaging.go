package graph

import "github.com/kith-health/kith/pulid"

// threadContact is the contact of a thread argument, empty for the
// client's own thread.
func threadContact(id *pulid.ID) pulid.ID {
	if id == nil {
		return ""
	}
	return *id
}
