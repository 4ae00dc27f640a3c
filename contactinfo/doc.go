// Package contactinfo owns how kith reads the ways to reach a person: email
// addresses, phone numbers (normalised to E.164 with a default region), postal
// addresses, IANA time zones, BCP 47 language tags and calendar dates. Ent hooks
// call it, so every path that writes a record applies the same rules.
package contactinfo
