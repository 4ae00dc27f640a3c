// Package notifier sends kith's messages durably. Its Queue is the
// notifier ent/schema's hooks call (ent/effect): what a change sends is
// written as Notification rows and River jobs in the change's own
// transaction, so a crash loses nothing; its River workers send them,
// hand reminders and scheduled messages over when they fall due, and
// record what became of each. It also sends the portal's one-time emails
// (invitations, sign-in and booking codes), whose secret is never stored,
// and reads and saves an organisation's templates and previews.
//
// Around it: notifier/compose is what messages say and who gets them (no
// database); notifier/provider is the contract with the providers and the
// one delivery function; notifier/inbound acts on what the providers
// report back; notifier/twilio, notifier/sendgrid, notifier/logsender and
// notifier/fake are the providers.
package notifier
