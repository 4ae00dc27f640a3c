// Package timeline owns Client.timeline: one feed, newest first, of what
// happened with a client, read from the records the features already keep
// (appointment changes, notifications, forms, shared documents, portal
// events, invoices, payments) by one UNION ALL statement filtered by organisation and
// client and ordered by (time, entry ID) with a keyset cursor. Nothing is
// written for it, so writes pay nothing; each page then loads its records
// through ent, one statement per kind of record and the privacy policies
// applied, so a page costs a fixed number of statements whatever its size.
// A new source (communications, say) is one more entry in sources
// (sources.go) and a case in load (entry.go).
package timeline
