package server_test

import (
	"testing"

	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/server"
)

// bundle is a fresh database with practice "alpha" (p) and kith's handler
// over it, as kithtest builds it.
type bundle struct {
	db  *database.DB
	api *kithtest.API
	p   kithtest.Practice
}

func setup(t *testing.T) *bundle {
	t.Helper()
	db := kithtest.DB(t, nil)
	return &bundle{db: db, api: kithtest.NewAPI(t, db), p: kithtest.NewPractice(t, db, "alpha")}
}

// logged is kith's handler over b's database as cfg tunes it, logging at
// debug level into log, with GraphiQL, introspection and /readyz as
// kithtest.NewAPI has them.
func (b *bundle) logged(t *testing.T, log *kithtest.LogBuffer, cfg server.Config) *kithtest.API {
	t.Helper()
	cfg.Logger = log.Logger()
	return kithtest.NewAPIConfig(t, b.db, cfg, auth.Config{})
}

// signInMutation signs a staff member in.
const signInMutation = `mutation($in: SignInInput!) { signIn(input: $in) { token expiresAt staff { id email role } } }`
