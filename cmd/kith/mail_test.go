package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/kithtest"
)

// TestMailboxSettings: KITH_MAILBOX_KEY must be base64 of 32 bytes, said
// without echoing it; with it kith imports, and the development-only
// allowances are said in the log when on.
func TestMailboxSettings(t *testing.T) {
	t.Parallel()
	_, err := parse(t, map[string]string{"KITH_MAILBOX_KEY": "c2hvcnQtc2VjcmV0LWtleQ=="})
	require.ErrorContains(t, err, "KITH_MAILBOX_KEY")
	require.ErrorContains(t, err, "openssl rand -base64 32")
	require.NotContains(t, err.Error(), "c2hvcnQtc2VjcmV0LWtleQ")

	key := "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
	cfg, err := parse(t, map[string]string{"KITH_MAILBOX_KEY": key, "KITH_MAILBOX_ALLOW_INSECURE": "true"}, "--mailbox-allow-private")
	require.NoError(t, err)
	var logs kithtest.LogBuffer
	svc := mailboxes(cfg, nil, logs.Logger())
	require.True(t, svc.Configured())
	require.Contains(t, logs.String(), "KITH_MAILBOX_ALLOW_INSECURE is on")
	require.Contains(t, logs.String(), "KITH_MAILBOX_ALLOW_PRIVATE is on")
	require.NotContains(t, logs.String(), key)

	cfg, err = parse(t, nil)
	require.NoError(t, err)
	require.False(t, mailboxes(cfg, nil, logs.Logger()).Configured())
	require.False(t, cfg.Mailbox.AllowInsecure || cfg.Mailbox.AllowPrivate)

	cfg.SendGrid.InboundPublicKey = "not a key"
	_, err = webhooks(cfg, "https://kith.example", nil, nil, logs.Logger())
	require.ErrorContains(t, err, "KITH_SENDGRID_INBOUND_PUBLIC_KEY")
}
