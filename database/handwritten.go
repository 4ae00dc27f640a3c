package database

import (
	atlas "ariga.io/atlas/sql/schema"
)

// handWritten names the database objects kith's migrations add by hand,
// which the ent schema cannot describe: the exclusion constraint that keeps
// a practitioner's appointments from overlapping on PostgreSQL (its index
// appears to the schema differ).
var handWritten = map[string]bool{"appointments_no_overlap": true}

// WithoutHandWritten drops from changes the removal of hand-written
// objects, so diffing the ent schema against a migrated database neither
// reports nor writes their removal.
func WithoutHandWritten(changes []atlas.Change) []atlas.Change {
	out := changes[:0]
	for _, c := range changes {
		m, ok := c.(*atlas.ModifyTable)
		if !ok {
			out = append(out, c)
			continue
		}
		kept := m.Changes[:0]
		for _, tc := range m.Changes {
			if d, ok := tc.(*atlas.DropIndex); ok && handWritten[d.I.Name] {
				continue
			}
			kept = append(kept, tc)
		}
		m.Changes = kept
		if len(kept) > 0 {
			out = append(out, m)
		}
	}
	return out
}
