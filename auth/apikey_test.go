package auth_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/apikey"
	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/viewer"
)

// keyBundle is a practice, its owner's context and a counted database.
type keyBundle struct {
	db         *database.DB
	statements *atomic.Int64
	p          kithtest.Practice
	authn      *auth.Service
	owner      context.Context
}

func setupKeys(t *testing.T) *keyBundle {
	t.Helper()
	b := &keyBundle{statements: &atomic.Int64{}}
	b.db = kithtest.DB(t, b.statements)
	b.p = kithtest.NewPractice(t, b.db, "maple")
	b.authn = kithtest.Auth(b.db.Client)
	b.owner = viewer.NewContext(context.Background(), viewer.Staff{OrgID: b.p.Org.ID, StaffID: b.p.Owner.ID, Role: viewer.RoleOwner})
	return b
}

func (b *keyBundle) create(t *testing.T, name string, role staff.Role) *apikey.Created {
	t.Helper()
	k, err := apikey.Create(b.owner, b.db.Client, apikey.NewKey{Name: name, Role: role})
	require.NoError(t, err)
	return k
}

// TestAuthenticateAPIKey: a key's secret stands for its organisation with
// its role and no staff member, in one statement (two when its use is
// recorded, at most once a minute); a revoked or unknown key is
// ErrUnauthenticated.
func TestAuthenticateAPIKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupKeys(t)
	k := b.create(t, "EHR sync", staff.RolePractitioner)
	require.True(t, strings.HasPrefix(k.Secret, apikey.Prefix))
	require.Equal(t, apikey.Hash(k.Secret), k.APIKey.SecretHash, "only the hash is stored")
	require.Equal(t, b.p.Owner.ID, k.APIKey.CreatedByID)

	before := b.statements.Load()
	v, err := b.authn.Authenticate(ctx, k.Secret)
	require.NoError(t, err)
	require.Equal(t, int64(2), b.statements.Load()-before, "one SELECT, and the first use recorded")
	require.Equal(t, viewer.Staff{OrgID: b.p.Org.ID, Role: viewer.RolePractitioner, TokenHash: apikey.Hash(k.Secret),
		APIKeyID: k.APIKey.ID, APIKeyName: "EHR sync"}, v)
	require.True(t, v.IsAPIKey())
	_, person := v.Person()
	require.False(t, person)

	before = b.statements.Load()
	_, err = b.authn.Authenticate(ctx, k.Secret)
	require.NoError(t, err)
	require.Equal(t, int64(1), b.statements.Load()-before, "used within the minute: one SELECT")

	sys := viewer.SystemContext(ctx)
	old := time.Now().Add(-2 * time.Minute).UTC().Truncate(time.Second)
	require.NoError(t, b.db.Client.ApiKey.UpdateOneID(k.APIKey.ID).SetLastUsedAt(old).Exec(sys))
	_, err = b.authn.Authenticate(ctx, k.Secret)
	require.NoError(t, err)
	got, err := b.db.Client.ApiKey.Get(sys, k.APIKey.ID)
	require.NoError(t, err)
	require.True(t, got.LastUsedAt.After(old), "a use a minute later is recorded")

	for _, bad := range []string{apikey.Prefix + "nope", k.Secret + "x", strings.Replace(k.Secret, apikey.Prefix, "kith_st_", 1)} {
		_, err = b.authn.Authenticate(ctx, bad)
		require.ErrorIs(t, err, kith.ErrUnauthenticated, bad)
	}

	_, err = apikey.Revoke(b.owner, b.db.Client, k.APIKey.ID)
	require.NoError(t, err)
	_, err = b.authn.Authenticate(ctx, k.Secret)
	require.ErrorIs(t, err, kith.ErrUnauthenticated, "revoked: the next request is refused")
}

// TestAPIKeyStillValid: a socket opened with a key holds while the key is
// unrevoked with the same role.
func TestAPIKeyStillValid(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupKeys(t)
	k := b.create(t, "Dashboard", staff.RoleAdmin)
	v, err := b.authn.Authenticate(ctx, k.Secret)
	require.NoError(t, err)
	require.NoError(t, b.authn.StillValid(ctx, v))

	other := v
	other.Role = viewer.RoleOwner
	require.ErrorIs(t, b.authn.StillValid(ctx, other), kith.ErrUnauthenticated)
	other = v
	other.OrgID = "or01JD7Y6Q5W0G8V3A9N2B4C6D8E"
	require.ErrorIs(t, b.authn.StillValid(ctx, other), kith.ErrUnauthenticated)

	_, err = apikey.Revoke(b.owner, b.db.Client, k.APIKey.ID)
	require.NoError(t, err)
	require.ErrorIs(t, b.authn.StillValid(ctx, v), kith.ErrUnauthenticated)
}

// TestCreateAPIKeyRefusals: an owner key is refused on field role, and
// only owners create keys.
func TestCreateAPIKeyRefusals(t *testing.T) {
	t.Parallel()
	b := setupKeys(t)
	_, err := apikey.Create(b.owner, b.db.Client, apikey.NewKey{Name: "Boss", Role: staff.RoleOwner})
	var ve *kith.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "role", ve.Field)

	admin := viewer.NewContext(context.Background(), viewer.Staff{OrgID: b.p.Org.ID, StaffID: b.p.Owner.ID, Role: viewer.RoleAdmin})
	_, err = apikey.Create(admin, b.db.Client, apikey.NewKey{Name: "Mine", Role: staff.RoleAdmin})
	require.ErrorIs(t, err, kith.ErrForbidden)
	list, err := apikey.List(admin, b.db.Client)
	require.NoError(t, err)
	require.Empty(t, list)
}
