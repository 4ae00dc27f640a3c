package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	envparse "github.com/caarlos0/env/v11"
	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/ratelimit"
	"github.com/kith-health/kith/server"
)

// parse loads the config from vars and the flags in args, as start does.
func parse(t *testing.T, vars map[string]string, args ...string) (config, error) {
	t.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	given := flags(fs)
	require.NoError(t, fs.Parse(args))
	return load(env(vars), given)
}

// TestLimitSettings: the query and sign-in limits come from flags, else
// KITH_* variables, else their defaults; a sign-in limit that cannot be
// read is an error, not a silent default.
func TestLimitSettings(t *testing.T) {
	t.Parallel()
	c, err := parse(t, nil)
	require.NoError(t, err)
	require.Equal(t, 15, c.MaxDepth)
	require.Equal(t, 100, c.MaxFields)
	require.Equal(t, limitValue{Burst: 10, Every: 5 * time.Minute}, c.SignInAccountLimit)
	require.Equal(t, limitValue{Burst: 30, Every: 30 * time.Second}, c.SignInIPLimit)

	c, err = parse(t, map[string]string{"KITH_MAX_DEPTH": "20", "KITH_MAX_FIELDS": "50", "KITH_SIGNIN_ACCOUNT_LIMIT": "5/1h", "KITH_SIGNIN_IP_LIMIT": "100/1s"})
	require.NoError(t, err)
	require.Equal(t, 20, c.MaxDepth)
	require.Equal(t, 50, c.MaxFields)
	require.Equal(t, limitValue{Burst: 5, Every: time.Hour}, c.SignInAccountLimit)
	require.Equal(t, limitValue{Burst: 100, Every: time.Second}, c.SignInIPLimit)

	c, err = parse(t, map[string]string{"KITH_SIGNIN_IP_LIMIT": "100/1s"}, "--max-depth=9", "--signin-ip-limit=7/2m")
	require.NoError(t, err)
	require.Equal(t, 9, c.MaxDepth)
	require.Equal(t, limitValue{Burst: 7, Every: 2 * time.Minute}, c.SignInIPLimit)

	_, err = parse(t, map[string]string{"KITH_SIGNIN_ACCOUNT_LIMIT": "lots"})
	require.EqualError(t, err, `KITH_SIGNIN_ACCOUNT_LIMIT (--signin-account-limit) must be a rate limit written BURST/EVERY, such as 10/5m, not "lots"`)
}

// TestSettingsThatDoNotParse: a KITH_* value that does not parse stops kith
// with a sentence naming it (KITH_GRAPHIQL=off once left GraphiQL on).
func TestSettingsThatDoNotParse(t *testing.T) {
	t.Parallel()
	for key, value := range map[string]string{
		"KITH_GRAPHIQL": "off", "KITH_INTROSPECTION": "nope", "KITH_MAX_DEPTH": "deep",
		"KITH_MAX_BODY_BYTES": "0", "KITH_MAX_PAGE_SIZE": "-5", "KITH_TOKEN_TTL": "soon",
		"KITH_TRUSTED_PROXIES": "proxy.local", "KITH_LOG_LEVEL": "loud", "KITH_LOG_FORMAT": "xml",
		"KITH_SMS_RATE": "fast", "KITH_EMAIL_RATE": "-1", "KITH_SIGNIN_IP_LIMIT": "30",
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

// TestSettingSentences: each kind of setting that does not parse, or is
// below its least, says what it must be, naming the variable and its flag,
// whichever gave it; every mistake is reported at once.
func TestSettingSentences(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		vars map[string]string
		args []string
		want string
	}{
		{map[string]string{"KITH_GRAPHIQL": "off"}, nil, `KITH_GRAPHIQL (--graphiql) must be true or false (or 1 or 0), not "off"`},
		{nil, []string{"--graphiql=off"}, `KITH_GRAPHIQL (--graphiql) must be true or false (or 1 or 0), not "off"`},
		{map[string]string{"KITH_MAX_DEPTH": "deep"}, nil, `KITH_MAX_DEPTH (--max-depth) must be a whole number of at least 1, not "deep"`},
		{nil, []string{"--max-fields=0"}, `KITH_MAX_FIELDS (--max-fields) must be a whole number of at least 1, not "0"`},
		{map[string]string{"KITH_TOKEN_TTL": "soon"}, nil, `KITH_TOKEN_TTL (--token-ttl) must be a duration of at least 1s, such as 12h or 90m, not "soon"`},
		{nil, []string{"--token-ttl=0"}, `KITH_TOKEN_TTL (--token-ttl) must be a duration of at least 1s, such as 12h or 90m, not "0s"`},
		{map[string]string{"KITH_SMS_RATE": "fast"}, nil, `KITH_SMS_RATE (--sms-rate) must be a number of at least 0, not "fast"`},
		{map[string]string{"KITH_EMAIL_RATE": "-1"}, nil, `KITH_EMAIL_RATE (--email-rate) must be a number of at least 0, not "-1"`},
		{map[string]string{"KITH_SIGNIN_IP_LIMIT": "0/1s"}, nil, `KITH_SIGNIN_IP_LIMIT (--signin-ip-limit) must be a rate limit written BURST/EVERY, such as 10/5m, not "0/1s"`},
		{map[string]string{"KITH_TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"}, nil, `KITH_TRUSTED_PROXIES (--trusted-proxies) must be networks such as 10.0.0.0/8 or addresses, comma-separated, not "10.0.0.0/8,proxy.local"`},
		{map[string]string{"KITH_LOG_LEVEL": "loud"}, nil, `KITH_LOG_LEVEL (--log-level) must be debug, info, warn or error, not "loud"`},
		{nil, []string{"--log-format=xml"}, `KITH_LOG_FORMAT (--log-format) must be text or json, not "xml"`},
		{map[string]string{"KITH_TWILIO_FROM": "+14165550100"}, nil, "KITH_TWILIO_FROM is set but KITH_TWILIO_ACCOUNT_SID is not: set KITH_TWILIO_ACCOUNT_SID too, or unset KITH_TWILIO_FROM to use the log channel (development only)"},
		{nil, []string{"--sendgrid-from-email=hello@maple.example"}, "KITH_SENDGRID_FROM_EMAIL is set but KITH_SENDGRID_API_KEY is not"},
	} {
		_, err := parse(t, tc.vars, tc.args...)
		require.ErrorContains(t, err, tc.want, "%v %v", tc.vars, tc.args)
	}

	_, err := parse(t, map[string]string{"KITH_GRAPHIQL": "off", "KITH_MAX_DEPTH": "deep", "KITH_MAX_FIELDS": "0"})
	require.ErrorContains(t, err, "KITH_GRAPHIQL")
	require.ErrorContains(t, err, "KITH_MAX_FIELDS")
	require.Equal(t, 1, strings.Count(err.Error(), "KITH_MAX_DEPTH"), "a value that does not parse is not also checked: %v", err)
	_, err = parse(t, map[string]string{"KITH_MAX_DEPTH": "0", "KITH_LOG_LEVEL": "debug"}, "--max-page-size=0")
	require.ErrorContains(t, err, "KITH_MAX_DEPTH")
	require.ErrorContains(t, err, "KITH_MAX_PAGE_SIZE")
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

// TestFlagsOverrideVariables: every kind of setting given both ways takes
// its flag; an empty variable is unset.
func TestFlagsOverrideVariables(t *testing.T) {
	t.Parallel()
	c, err := parse(t, map[string]string{
		"KITH_GRAPHIQL": "false", "KITH_MAX_PAGE_SIZE": "50", "KITH_TOKEN_TTL": "1h", "KITH_SMS_RATE": "1",
		"KITH_TRUSTED_PROXIES": "10.0.0.0/8", "KITH_LOG_FORMAT": "text", "KITH_ADDR": "",
		"KITH_TWILIO_ACCOUNT_SID": "AC1", "KITH_TWILIO_FROM": "+14165550100",
	}, "--graphiql", "--max-page-size=7", "--token-ttl=90m", "--sms-rate=2.5", "--trusted-proxies=192.0.2.1",
		"--log-format=json", "--twilio-from=MG2", "--public-url=https://kith.example")
	require.NoError(t, err)
	require.True(t, c.GraphiQL)
	require.Equal(t, 7, c.MaxPageSize)
	require.Equal(t, 90*time.Minute, c.TokenTTL)
	require.InDelta(t, 2.5, c.SMSRate, 0)
	require.Equal(t, proxiesValue{netip.MustParsePrefix("192.0.2.1/32")}, c.TrustedProxies)
	require.Equal(t, logFormat("json"), c.LogFormat)
	require.Equal(t, twilioConfig{AccountSID: "AC1", From: "MG2"}, c.Twilio)
	require.Equal(t, "https://kith.example", c.PublicURL)
	require.Equal(t, "127.0.0.1:8080", c.Addr, "an empty variable takes the default")
}

// TestDefaults: the defaults written in config's tags are the packages' own,
// and settings reads config as env does.
func TestDefaults(t *testing.T) {
	t.Parallel()
	c, err := parse(t, nil)
	require.NoError(t, err)
	require.Equal(t, database.DefaultURL, c.DatabaseURL)
	require.Equal(t, graph.DefaultMaxIntrospectionCost, c.MaxIntrospectionCost)
	require.Equal(t, auth.DefaultAccountLimit, ratelimit.Limit(c.SignInAccountLimit))
	require.Equal(t, auth.DefaultIPLimit, ratelimit.Limit(c.SignInIPLimit))
	require.Equal(t, 12*time.Hour, c.TokenTTL)
	require.True(t, c.GraphiQL)
	require.Equal(t, logLevel(0), c.LogLevel)
	require.Equal(t, logFormat("text"), c.LogFormat)

	params, err := envparse.GetFieldParams(&config{})
	require.NoError(t, err)
	all := settings(&config{})
	require.Len(t, all, len(params))
	for i, p := range params {
		require.Equal(t, p.Key, all[i].key)
		require.Equal(t, p.DefaultValue, all[i].def)
		require.NotEmpty(t, all[i].help, "%s needs a help tag", p.Key)
		require.True(t, strings.HasPrefix(p.Key, "KITH_"), p.Key)
	}
}

// TestHelpListsEverySetting: `kith serve --help` prints every setting as
// --flag (KITH_…) default X: help, its default from config, never from
// the environment; a secret is a variable only, said to be set or unset.
func TestHelpListsEverySetting(t *testing.T) {
	t.Parallel()
	secrets := map[string]string{
		"KITH_TWILIO_AUTH_TOKEN": "tok-0123456789", "KITH_SENDGRID_API_KEY": "SG.key-0123456789",
		"KITH_OWNER_PASSWORD": "a long enough password", "KITH_DATABASE_URL": "postgres://kith:hunter2@db.example/kith",
		"KITH_MAX_PAGE_SIZE": "77",
	}
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"serve", "--help"}, env(secrets), &stdout, &stderr))
	help := stderr.String()
	require.Contains(t, help, "--demo: seed a demo practice")
	lines := strings.Split(help, "\n")
	for _, s := range settings(&config{}) {
		var want string
		switch {
		case s.secret:
			state := "(unset)"
			if secrets[s.key] != "" {
				state = "(set)"
			}
			want = s.key + " (variable only, secret) " + state + ": " + s.help
		default:
			def := s.def
			if def == "" {
				def = "none"
			}
			if s.helpDefault != "" {
				def = s.helpDefault
			}
			want = "--" + s.flag + " (" + s.key + ") default " + def + ": " + s.help
		}
		require.Contains(t, lines, "  "+want)
	}
	require.Contains(t, help, "--max-page-size (KITH_MAX_PAGE_SIZE) default 100:")
	require.Contains(t, help, "--public-url (KITH_PUBLIC_URL) default http://ADDR:")
	require.Contains(t, help, "KITH_SENDGRID_API_KEY (variable only, secret) (set)")
	require.Contains(t, help, "KITH_OWNER_PASSWORD (variable only, secret) (set)")
	for _, v := range secrets {
		require.NotContains(t, help+stdout.String(), v)
	}
}

// TestSecretsNeverPrinted: a secret is no flag, and no sentence about
// settings, nor a database that cannot be reached, prints one.
func TestSecretsNeverPrinted(t *testing.T) {
	t.Parallel()
	for _, s := range settings(&config{}) {
		if s.secret {
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			flags(fs)
			name := strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(s.key, "KITH_")), "_", "-")
			require.ErrorContains(t, fs.Parse([]string{"--" + name + "=x"}), "flag provided but not defined", s.key)
		}
	}
	_, err := parse(t, map[string]string{"KITH_TWILIO_AUTH_TOKEN": "secret-token"})
	require.ErrorContains(t, err, "KITH_TWILIO_AUTH_TOKEN is set but KITH_TWILIO_ACCOUNT_SID is not")
	require.NotContains(t, err.Error(), "secret-token")

	var stderr bytes.Buffer
	err = run(context.Background(), []string{"migrate"}, env(map[string]string{
		"KITH_DATABASE_URL": "postgres://kith:hunter2@127.0.0.1:1/kith?connect_timeout=5",
	}), io.Discard, &stderr)
	require.Error(t, err)
	require.NotContains(t, err.Error()+stderr.String(), "hunter2")
}

// TestSettingsAreListed: every KITH_* name in kith's code is a config
// setting (so none is read around it), README lists every setting with its
// default, and names none that is not one; names of settings that can fail
// to parse are unique, which explain relies on.
func TestSettingsAreListed(t *testing.T) {
	t.Parallel()
	all := settings(&config{})
	known := map[string]setting{}
	seen := map[string]string{}
	for _, s := range all {
		known[s.key] = s
		if s.field.Type.Kind() != reflect.String {
			id := s.field.Name + " " + s.field.Type.String()
			require.Empty(t, seen[id], "%s and %s share a field name and type", s.key, seen[id])
			seen[id] = s.key
		}
	}
	// Not kith's settings: tests' and benchmarks', and the migration diff tool's.
	notSetting := regexp.MustCompile(`^KITH_(TEST_|BENCH_|DEV_POSTGRES_URL$)|^KITH_$`)
	name := regexp.MustCompile(`KITH_[A-Z0-9_]*`)
	check := func(path string, text []byte) {
		for _, n := range name.FindAllString(string(text), -1) {
			if _, ok := known[n]; !ok && !notSetting.MatchString(n) {
				t.Errorf("%s names %s, which is no setting in config (cmd/kith/config.go)", path, n)
			}
		}
	}
	root := filepath.Join("..", "..")
	require.NoError(t, filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasSuffix(path, "_test.go") ||
			!(strings.HasSuffix(path, ".go") || d.Name() == "Dockerfile") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		check(path, b)
		return nil
	}))

	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	check("README.md", readme)
	for _, s := range all {
		def := regexp.QuoteMeta(s.def)
		switch {
		case s.helpDefault != "":
			def = ".*" // README says it in its own words
		case s.def != "":
			def = "`" + def + "`"
		}
		row := regexp.MustCompile("(?m)^\\| `" + s.key + "` \\| *" + def + " *\\|")
		require.True(t, row.Match(readme), "README's settings need a row | `%s` | %s | meaning |", s.key, def)
	}
}

// TestMemoryLimit: KITH_MEMORY_LIMIT reads amounts with units and 0, says
// what it wants of anything else, and defaults to server.DefaultMemoryLimit.
func TestMemoryLimit(t *testing.T) {
	t.Parallel()
	var m memoryValue
	for in, want := range map[string]int64{"96MiB": 96 << 20, "1GiB": 1 << 30, "512KiB": 512 << 10, "1000B": 1000, "0": 0, " 2 GiB ": 2 << 30} {
		require.NoError(t, m.UnmarshalText([]byte(in)), in)
		require.EqualValues(t, want, m, in)
	}
	for _, bad := range []string{"", "96", "96MB", "-1MiB", "0MiB", "lots", "99999999999GiB"} {
		require.ErrorContains(t, m.UnmarshalText([]byte(bad)), "such as 80MiB", bad)
	}
	require.Equal(t, "80MiB", memoryValue(server.DefaultMemoryLimit).String())
	f, ok := reflect.TypeFor[config]().FieldByName("MemoryLimit")
	require.True(t, ok)
	require.Equal(t, memoryValue(server.DefaultMemoryLimit).String(), f.Tag.Get("envDefault"))
}
