// Package event owns kith's integrator events: it writes each event a
// change causes (effect.Events, told by the schema's hooks) with a delivery
// to every enabled webhook endpoint of the organisation subscribed to its
// type, and their River jobs, in the change's transaction; its worker posts
// each delivery (package webhook: signed, 15 s, no redirects, no internal
// addresses), retries failures on webhook.Schedule, honours Retry-After,
// disables an endpoint that answers 410 or has failed for 5 days (emailing
// the organisation's owners), and keeps each delivery's state. It also
// manages the endpoints: creating them with their secret, rotating it (both
// secrets sign for 24 hours), redelivering and test events.
//
// Order is not guaranteed: each delivery is its own job, retried on its own.
package event
