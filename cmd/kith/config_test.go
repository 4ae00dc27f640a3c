package main

import (
	"flag"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestLimitSettings: the query and sign-in limits come from flags, else
// KITH_* variables, else their defaults; a sign-in limit that cannot be
// read is an error, not a silent default.
func TestLimitSettings(t *testing.T) {
	t.Parallel()
	parse := func(vars map[string]string, args ...string) config {
		var c config
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		c.flags(fs, env(vars))
		require.NoError(t, fs.Parse(args))
		return c
	}
	c := parse(nil)
	require.Equal(t, 15, c.MaxDepth)
	require.Equal(t, 100, c.MaxFields)
	require.Equal(t, limitValue{Burst: 10, Every: 5 * time.Minute}, c.SignInAccountLimit)
	require.Equal(t, limitValue{Burst: 30, Every: 30 * time.Second}, c.SignInIPLimit)
	require.NoError(t, c.bad)

	c = parse(map[string]string{"KITH_MAX_DEPTH": "20", "KITH_MAX_FIELDS": "50", "KITH_SIGNIN_ACCOUNT_LIMIT": "5/1h", "KITH_SIGNIN_IP_LIMIT": "100/1s"})
	require.Equal(t, 20, c.MaxDepth)
	require.Equal(t, 50, c.MaxFields)
	require.Equal(t, limitValue{Burst: 5, Every: time.Hour}, c.SignInAccountLimit)
	require.Equal(t, limitValue{Burst: 100, Every: time.Second}, c.SignInIPLimit)

	c = parse(map[string]string{"KITH_SIGNIN_IP_LIMIT": "100/1s"}, "--max-depth=9", "--signin-ip-limit=7/2m")
	require.Equal(t, 9, c.MaxDepth)
	require.Equal(t, limitValue{Burst: 7, Every: 2 * time.Minute}, c.SignInIPLimit)

	c = parse(map[string]string{"KITH_SIGNIN_ACCOUNT_LIMIT": "lots"})
	require.ErrorContains(t, c.bad, `KITH_SIGNIN_ACCOUNT_LIMIT: "lots" is not a rate limit written BURST/EVERY, such as 10/5m`)
}
