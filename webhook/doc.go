// Package webhook owns how kith tells integrators' servers of events, as
// the Standard Webhooks specification (standardwebhooks.com) says: the
// event types and their thin payloads (event.go), endpoint secrets
// (secret.go), the webhook-id, webhook-timestamp and webhook-signature
// headers (signature.go), one delivery attempt over HTTPS to a public
// address with what its answer means (send.go), and when a failed
// delivery is tried again (retry.go).
//
// Endpoints, the events written in the transaction of the change that
// causes them, and the River jobs that deliver them are built on this
// package (see issue 15's note).
package webhook
