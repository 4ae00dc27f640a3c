package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Header names of a delivery, as the specification names them.
const (
	// HeaderID is the message's ID: the same for every attempt and every
	// redelivery of one event, so that receivers deduplicate.
	HeaderID = "webhook-id"
	// HeaderTimestamp is when the attempt was signed, in Unix seconds.
	HeaderTimestamp = "webhook-timestamp"
	// HeaderSignature is a space-separated list of v1,<base64> signatures,
	// one per secret that signs (two while a secret is being rotated).
	HeaderSignature = "webhook-signature"
)

// Sign returns the v1 signature of one attempt: "v1," and the base64
// HMAC-SHA256, keyed by secret, of id, the timestamp in Unix seconds and
// the body, joined by full stops.
func Sign(secret, id string, at time.Time, body []byte) (string, error) {
	k, err := key(secret)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, k)
	mac.Write([]byte(id + "." + strconv.FormatInt(at.Unix(), 10) + "."))
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// Signatures returns the webhook-signature header of one attempt: its
// signature by each secret, space-separated, so that a receiver holding
// either secret of a rotation accepts it.
func Signatures(secrets []string, id string, at time.Time, body []byte) (string, error) {
	if len(secrets) == 0 {
		return "", ErrBadSecret
	}
	sigs := make([]string, 0, len(secrets))
	for _, s := range secrets {
		sig, err := Sign(s, id, at, body)
		if err != nil {
			return "", err
		}
		sigs = append(sigs, sig)
	}
	return strings.Join(sigs, " "), nil
}

// Tolerance is how far a webhook-timestamp may be from the receiver's
// clock for Verify to accept it: 5 minutes, as the specification suggests.
const Tolerance = 5 * time.Minute

// ErrSignature is Verify's error for a delivery none of whose signatures
// is the secret's, or whose timestamp is too old or too new.
var ErrSignature = errors.New("the webhook signature does not match, or its timestamp is outside the tolerance")

// Verify checks, as a receiver does, that the signature header holds the
// secret's v1 signature of id, timestamp and body, and that the timestamp
// is within Tolerance of now. kith uses it in its tests and the README's
// receiver does the same.
func Verify(secret, id, timestamp, signatures string, body []byte, now time.Time) error {
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: the timestamp is not a number", ErrSignature)
	}
	at := time.Unix(sec, 0)
	if d := now.Sub(at); d > Tolerance || d < -Tolerance {
		return fmt.Errorf("%w: the timestamp is %s from now", ErrSignature, d.Round(time.Second))
	}
	want, err := Sign(secret, id, at, body)
	if err != nil {
		return err
	}
	for _, sig := range strings.Fields(signatures) {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return nil
		}
	}
	return ErrSignature
}
