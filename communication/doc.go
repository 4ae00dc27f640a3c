// Package communication owns the communications log: recording the
// emails, calls and SMS that providers and mailboxes report (once each,
// by the provider's ID), matching their addresses to the clients,
// contacts and staff they concern (Match), the edits staff make (an open
// call's details, the people a communication concerns, ending a call,
// logging one by hand) and the lists that read them. Who may read a
// communication is decided by the privacy rules of ent/schema
// (rule.FilterRelatedCommunications): this package reads as the viewer,
// and writes parties as the system once the viewer may read their
// communication.
package communication
