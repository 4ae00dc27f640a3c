// Package email reads the emails kith records as communications: their
// addresses, threading headers, bodies and attachments' names, and makes
// their HTML safe to show. It is a leaf: the ent schema imports it.
package email
