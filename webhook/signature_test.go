package webhook_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/webhook"
)

// The specification's published test vector.
const (
	vectorSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID        = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

var (
	vectorPayload = []byte(`{"test": 2432232314}`)
	vectorTime    = time.Unix(1614265330, 0)
)

func TestSignMatchesTheSpecificationsVector(t *testing.T) {
	t.Parallel()
	sig, err := webhook.Sign(vectorSecret, vectorID, vectorTime, vectorPayload)
	require.NoError(t, err)
	require.Equal(t, vectorSignature, sig)
	require.NoError(t, webhook.Verify(vectorSecret, vectorID, "1614265330", "v1,bad "+sig, vectorPayload, vectorTime.Add(time.Minute)))
}

func TestVerify(t *testing.T) {
	t.Parallel()
	at := "1614265330"
	for name, tc := range map[string]struct {
		id, ts, sig string
		body        []byte
		now         time.Time
	}{
		"another body":        {vectorID, at, vectorSignature, []byte(`{"test": 2432232315}`), vectorTime},
		"another id":          {"msg_other", at, vectorSignature, vectorPayload, vectorTime},
		"too old":             {vectorID, at, vectorSignature, vectorPayload, vectorTime.Add(webhook.Tolerance + time.Second)},
		"from the future":     {vectorID, at, vectorSignature, vectorPayload, vectorTime.Add(-webhook.Tolerance - time.Second)},
		"not a timestamp":     {vectorID, "yesterday", vectorSignature, vectorPayload, vectorTime},
		"no signature":        {vectorID, at, "", vectorPayload, vectorTime},
		"another version":     {vectorID, at, strings.Replace(vectorSignature, "v1,", "v2,", 1), vectorPayload, vectorTime},
		"signature truncated": {vectorID, at, vectorSignature[:20], vectorPayload, vectorTime},
	} {
		err := webhook.Verify(vectorSecret, tc.id, tc.ts, tc.sig, tc.body, tc.now)
		require.ErrorIs(t, err, webhook.ErrSignature, name)
	}
}

// TestSignaturesVerifyWithTheReferenceLibrary checks kith's signatures with
// the specification's own Go library, an independent implementation: a
// receiver holding either secret of a rotation accepts the attempt.
func TestSignaturesVerifyWithTheReferenceLibrary(t *testing.T) {
	t.Parallel()
	current, err := webhook.NewSecret()
	require.NoError(t, err)
	previous, err := webhook.NewSecret()
	require.NoError(t, err)
	require.NotEqual(t, current, previous)
	require.True(t, strings.HasPrefix(current, "whsec_"))

	now := time.Now()
	body := []byte(`{"type":"appointment.booked","timestamp":"2026-12-02T10:00:00Z","data":{"id":"ap1","organizationId":"or1"}}`)
	sigs, err := webhook.Signatures([]string{current, previous}, "ev01", now, body)
	require.NoError(t, err)
	require.Len(t, strings.Fields(sigs), 2)
	header := http.Header{}
	header.Set("webhook-id", "ev01")
	header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	header.Set("webhook-signature", sigs)
	for _, secret := range []string{current, previous} {
		wh, err := standardwebhooks.NewWebhook(secret)
		require.NoError(t, err)
		require.NoError(t, wh.Verify(body, header))
		require.Error(t, wh.Verify(append([]byte(" "), body...), header), "a changed body fails")
	}
	other, err := webhook.NewSecret()
	require.NoError(t, err)
	wh, err := standardwebhooks.NewWebhook(other)
	require.NoError(t, err)
	require.Error(t, wh.Verify(body, header), "a third secret fails")
}

func TestBadSecret(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_", "whsec_!!!", "whsec_c2hvcnQ="} {
		_, err := webhook.Sign(s, "id", time.Now(), nil)
		require.ErrorIs(t, err, webhook.ErrBadSecret, s)
	}
}
