package webhook

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// secretPrefix starts every endpoint secret, as the specification shows
// them: whsec_ then the key in standard base64.
const secretPrefix = "whsec_"

// secretBytes is the length of the keys NewSecret makes: 24 random bytes
// (192 bits), within the 24 to 64 the specification recommends.
const secretBytes = 24

// ErrBadSecret is the error of a secret that is not whsec_ and base64 of
// 24 to 64 bytes.
var ErrBadSecret = errors.New("a webhook secret is whsec_ followed by base64 of 24 to 64 bytes")

// NewSecret returns a new random endpoint secret, such as
// whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw.
func NewSecret() (string, error) {
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("making a webhook secret: %w", err)
	}
	return secretPrefix + base64.StdEncoding.EncodeToString(b), nil
}

// key returns the HMAC key of secret: the bytes its base64 encodes.
func key(secret string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, secretPrefix))
	if err != nil || !strings.HasPrefix(secret, secretPrefix) || len(k) < 24 || len(k) > 64 {
		return nil, ErrBadSecret
	}
	return k, nil
}
