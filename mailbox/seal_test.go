package mailbox_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/mailbox"
)

func TestSealOpen(t *testing.T) {
	t.Parallel()
	key := make([]byte, mailbox.KeySize)
	_, _ = rand.Read(key)
	sealed, err := mailbox.Seal(key, "app-password")
	require.NoError(t, err)
	require.NotContains(t, string(sealed), "app-password")
	again, err := mailbox.Seal(key, "app-password")
	require.NoError(t, err)
	require.NotEqual(t, sealed, again, "a random nonce each time")

	plain, err := mailbox.Open(key, sealed)
	require.NoError(t, err)
	require.Equal(t, "app-password", plain)

	other := bytes.Clone(key)
	other[0] ^= 1
	_, err = mailbox.Open(other, sealed)
	require.ErrorIs(t, err, mailbox.ErrSealed)

	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	_, err = mailbox.Open(key, tampered)
	require.ErrorIs(t, err, mailbox.ErrSealed)

	_, err = mailbox.Open(key, sealed[:5])
	require.ErrorIs(t, err, mailbox.ErrSealed)
	_, err = mailbox.Seal(key[:16], "x")
	require.ErrorIs(t, err, mailbox.ErrBadKey)
}

func TestParseKey(t *testing.T) {
	t.Parallel()
	key := make([]byte, mailbox.KeySize)
	_, _ = rand.Read(key)
	for _, s := range []string{base64.StdEncoding.EncodeToString(key), base64.RawURLEncoding.EncodeToString(key), " " + base64.StdEncoding.EncodeToString(key) + "\n"} {
		got, err := mailbox.ParseKey(s)
		require.NoError(t, err)
		require.Equal(t, key, got)
	}
	for _, s := range []string{"", "not base64 !!", base64.StdEncoding.EncodeToString(key[:16]), "c2hvcnQtc2VjcmV0LXZhbHVl"} {
		_, err := mailbox.ParseKey(s)
		require.ErrorIs(t, err, mailbox.ErrBadKey)
		if s != "" {
			require.NotContains(t, err.Error(), s)
		}
	}
}
