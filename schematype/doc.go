// Package schematype holds the value types ent/schema stores in fields and
// the checks of their values: the enums of a client–contact link (contact
// types, portal scopes and status), invoice lines, form questions and
// answers, message kinds and channels, booking rule limits; emails, phones
// (E.164), addresses, time zones, languages and dates; the text, key and URL
// checks and their lengths. It is what the schema may import besides ent and
// the shared errors: it imports no domain package of kith, so
// `go list -deps ./ent/schema` names none. Domain packages use these types;
// the rules that act on them stay in the domains.
package schematype
