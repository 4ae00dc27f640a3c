package auth_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/viewer"
)

func TestStillValid(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := kithtest.DB(t, nil)
	p := kithtest.NewPractice(t, db, "maple")
	authn := kithtest.Auth(db.Client)
	v, err := authn.Authenticate(ctx, p.Token)
	require.NoError(t, err)
	require.NoError(t, authn.StillValid(ctx, v))

	other := v
	other.Role = viewer.RoleFrontDesk // the role it was signed in with changed
	require.ErrorIs(t, authn.StillValid(ctx, other), kith.ErrUnauthenticated)
	other = v
	other.TokenHash = nil
	require.ErrorIs(t, authn.StillValid(ctx, other), kith.ErrUnauthenticated)

	require.NoError(t, authn.Revoke(ctx, v.TokenHash))
	require.ErrorIs(t, authn.StillValid(ctx, v), kith.ErrUnauthenticated)

	tok, err := authn.Issue(ctx, p.Owner)
	require.NoError(t, err)
	v, err = authn.Authenticate(ctx, tok.Secret)
	require.NoError(t, err)
	require.NoError(t, db.Client.Staff.UpdateOneID(p.Owner.ID).SetActive(false).Exec(viewer.SystemContext(ctx)))
	require.ErrorIs(t, authn.StillValid(ctx, v), kith.ErrUnauthenticated)
}
