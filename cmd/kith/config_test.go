package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"strconv"
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

// TestSettingsThatDoNotParse: a KITH_* value that does not parse stops kith
// with a sentence naming it (KITH_GRAPHIQL=off once left GraphiQL on).
func TestSettingsThatDoNotParse(t *testing.T) {
	t.Parallel()
	for key, value := range map[string]string{
		"KITH_GRAPHIQL": "off", "KITH_INTROSPECTION": "nope", "KITH_MAX_DEPTH": "deep",
		"KITH_MAX_BODY_BYTES": "0", "KITH_MAX_PAGE_SIZE": "-5", "KITH_TOKEN_TTL": "soon",
		"KITH_TRUSTED_PROXIES": "proxy.local",
	} {
		var stderr bytes.Buffer
		err := run(context.Background(), []string{"migrate"}, env(map[string]string{
			key: value, "KITH_DATABASE_URL": "sqlite://" + t.TempDir() + "/kith.db",
		}), io.Discard, &stderr)
		require.Error(t, err, key)
		require.Contains(t, err.Error(), key, key)
		require.Contains(t, err.Error(), strconv.Quote(value), key)
	}
}

// TestLimitFlagsBelowOne: a limit given as a flag is held to what its
// variable is: a whole number of at least 1, checked before the database opens.
func TestLimitFlagsBelowOne(t *testing.T) {
	t.Parallel()
	for _, flag := range []string{"--max-page-size=0", "--max-complexity=-1", "--max-depth=0", "--max-body-bytes=0"} {
		err := run(context.Background(), []string{"migrate", flag}, env(map[string]string{
			"KITH_DATABASE_URL": "sqlite://" + t.TempDir() + "/kith.db",
		}), io.Discard, io.Discard)
		require.Error(t, err, flag)
		require.Contains(t, err.Error(), "must be a whole number of at least 1", flag)
	}
}
