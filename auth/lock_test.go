package auth_test

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/kithtest"
)

// lockBundle is a practice whose sign-ins can be held in the middle of the
// bcrypt comparison.
type lockBundle struct {
	api       *kithtest.API
	token     string
	comparing chan struct{} // closed once a comparison started
	release   chan struct{} // close to let comparisons finish
}

func setup(t *testing.T) *lockBundle {
	t.Helper()
	db := kithtest.DB(t, nil)
	p := kithtest.NewPractice(t, db, "maple")
	b := &lockBundle{api: kithtest.NewAPI(t, db), token: p.Token,
		comparing: make(chan struct{}), release: make(chan struct{})}
	var once sync.Once
	auth.SetCompare(b.api.Auth, func(hash, password []byte) error {
		once.Do(func() { close(b.comparing) })
		<-b.release
		return bcrypt.CompareHashAndPassword(hash, password)
	})
	return b
}

const signIn = `mutation($in: SignInInput!) { signIn(input: $in) { token } }`

// TestSignInHoldsNoWriteLock: while a sign-in compares its password (bcrypt,
// slow by design), another mutation writes and answers; on SQLite, whose
// write lock is one for the whole database, it used to wait for the
// comparison (and fail once the busy timeout ran out).
func TestSignInHoldsNoWriteLock(t *testing.T) {
	t.Parallel()
	b := setup(t)
	signedIn := make(chan kithtest.Response, 1)
	go func() {
		signedIn <- b.api.Do("", signIn, map[string]any{"in": map[string]any{
			"organization": "maple", "email": "owner@maple.example", "password": "correct horse battery"}})
	}()
	select {
	case <-b.comparing:
	case <-time.After(time.Minute):
		t.Fatal("the sign-in never compared its password")
	}

	wrote := make(chan kithtest.Response, 1)
	go func() {
		wrote <- b.api.Do(b.token, `mutation { createClient(input: {firstName: "Sam", lastName: "Lee", email: "sam@example.com"}) { id } }`, nil)
	}()
	select {
	case rsp := <-wrote:
		require.Empty(t, rsp.Errors, "another write failed while a sign-in compared its password")
	case <-signedIn:
		t.Fatal("the sign-in answered before it was let compare")
	case <-time.After(time.Minute):
		t.Fatal("another write waited for a sign-in's password comparison")
	}

	close(b.release)
	rsp := <-signedIn
	require.Empty(t, rsp.Errors)
	var tok struct{ SignIn struct{ Token string } }
	require.NoError(t, json.Unmarshal(rsp.Data, &tok))
	b.api.OK(tok.SignIn.Token, `{ me { id } }`, nil, nil)
}
