// Package callevent owns live call events: the Hub that the Communication
// hook tells of each change to a call (effect.CallEvents), in the change's
// transaction, and that hands the news, once the change commits, to the
// subscribers of the call's organisation on every kith instance. On
// PostgreSQL the news travels as a NOTIFY on a channel of the database
// schema, sent at commit and never for a rollback, and every instance's
// Hub LISTENs on it; on SQLite (one process) it is handed over after the
// commit in process.
//
// A subscriber's channel is buffered (SubscriberBuffer events). The Hub
// never waits for a subscriber: when events may have been lost, because
// the subscriber's buffer was full or the Hub's listening connection
// dropped, the subscriber receives a Missed event (no communication) in
// place of what is still queued, and should read the calls it shows again.
// A subscriber's channel is closed by its cancel function, or when Run
// ends.
package callevent
