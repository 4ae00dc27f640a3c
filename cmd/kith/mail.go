package main

import (
	"log/slog"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/mailbox"
	"github.com/kith-health/kith/mailimport"
)

// mailboxes builds the shared mailboxes' service: importing every minute
// when KITH_MAILBOX_KEY is set (config.validate has checked it), saying so
// in the log, and saying too when a development-only allowance is on.
func mailboxes(cfg config, db *ent.Client, log *slog.Logger) *mailimport.Service {
	mc := mailimport.Config{
		AllowInsecure: cfg.Mailbox.AllowInsecure, AllowPrivate: cfg.Mailbox.AllowPrivate,
		Logger: log,
	}
	if cfg.Mailbox.Key != "" {
		mc.Key, _ = mailbox.ParseKey(cfg.Mailbox.Key)
		log.Info("mailboxes are imported every minute")
	}
	if mc.AllowInsecure {
		log.Warn("KITH_MAILBOX_ALLOW_INSECURE is on: owners may connect mailboxes whose password goes in clear (development only)")
	}
	if mc.AllowPrivate {
		log.Warn("KITH_MAILBOX_ALLOW_PRIVATE is on: mailbox servers may be on loopback, private or link-local addresses (development only)")
	}
	return mailimport.New(db, mc)
}
