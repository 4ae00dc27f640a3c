package mailbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the size in bytes of the key that seals mailbox passwords (AES-256).
const KeySize = 32

// sealVersion is the first byte of every sealed secret: AES-256-GCM with a
// 12-byte random nonce. A later scheme gets a new byte, so old secrets still open.
const sealVersion byte = 1

// ErrBadKey is returned by ParseKey, Seal and Open for a key that is not 32
// bytes (base64 of 32 bytes in configuration). It never holds the key.
var ErrBadKey = errors.New("the mailbox encryption key must be base64 of 32 random bytes (for example the output of: openssl rand -base64 32)")

// ErrSealed is returned by Open when a sealed secret cannot be opened: it was
// sealed with another key, or it is damaged.
var ErrSealed = errors.New("the stored mailbox password cannot be decrypted: the encryption key changed or the record is damaged; connect the mailbox again")

// ParseKey reads the configured sealing key: standard or URL-safe base64
// (padded or not) of exactly 32 bytes.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(s); err == nil {
			if len(key) != KeySize {
				return nil, fmt.Errorf("%w: it decodes to %d bytes", ErrBadKey, len(key))
			}
			return key, nil
		}
	}
	return nil, fmt.Errorf("%w: it is not base64", ErrBadKey)
}

// aead returns AES-256-GCM for key.
func aead(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, ErrBadKey
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, ErrBadKey
	}
	return cipher.NewGCM(block)
}

// Seal encrypts plaintext (a mailbox password) with key: a version byte, a
// random nonce, then the AES-256-GCM ciphertext and tag. Sealing the same
// plaintext twice gives different bytes.
func Seal(key []byte, plaintext string) ([]byte, error) {
	gcm, err := aead(key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 1+gcm.NonceSize(), 1+gcm.NonceSize()+len(plaintext)+gcm.Overhead())
	out[0] = sealVersion
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, fmt.Errorf("mailbox: reading random nonce: %w", err)
	}
	return gcm.Seal(out, out[1:], []byte(plaintext), out[:1]), nil
}

// Open decrypts what Seal returned. A wrong key, a changed byte or an unknown
// version returns ErrSealed.
func Open(key []byte, sealed []byte) (string, error) {
	gcm, err := aead(key)
	if err != nil {
		return "", err
	}
	if len(sealed) < 1+gcm.NonceSize()+gcm.Overhead() || sealed[0] != sealVersion {
		return "", ErrSealed
	}
	nonce := sealed[1 : 1+gcm.NonceSize()]
	plain, err := gcm.Open(nil, nonce, sealed[1+gcm.NonceSize():], sealed[:1])
	if err != nil {
		return "", ErrSealed
	}
	return string(plain), nil
}
