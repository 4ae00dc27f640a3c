package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/ratelimit"
)

// config is what every command reads: flags, defaulting to KITH_* variables,
// defaulting to the values shown in each flag's help.
type config struct {
	// DatabaseURL is KITH_DATABASE_URL. Default database.DefaultURL (SQLite in ./kith-data).
	DatabaseURL string
	// Addr is KITH_ADDR, where serve listens. Default 127.0.0.1:8080.
	Addr string
	// GraphiQL is KITH_GRAPHIQL: serve GraphiQL at /. Default true.
	GraphiQL bool
	// Introspection is KITH_INTROSPECTION: allow schema introspection. Default true.
	Introspection bool
	// TokenTTL is KITH_TOKEN_TTL: how long sign-in tokens last. Default 12h.
	TokenTTL time.Duration
	// MaxComplexity is KITH_MAX_COMPLEXITY. Default 10000.
	MaxComplexity int
	// MaxIntrospectionCost is KITH_MAX_INTROSPECTION_COST: the largest
	// answer introspection may make, in fields. Default 100000.
	MaxIntrospectionCost int
	// MaxPageSize is KITH_MAX_PAGE_SIZE. Default 100.
	MaxPageSize int
	// MaxBodyBytes is KITH_MAX_BODY_BYTES: the largest request body, on
	// every route. Default 1048576 (1 MiB).
	MaxBodyBytes int
	// MaxDepth is KITH_MAX_DEPTH: how deep a query's fields may nest. Default 15.
	MaxDepth int
	// MaxFields is KITH_MAX_FIELDS: how many fields one selection set may ask for. Default 100.
	MaxFields int
	// LogLevel is KITH_LOG_LEVEL: debug, info, warn or error. Default info.
	LogLevel string
	// LogFormat is KITH_LOG_FORMAT: text or json. Default text.
	LogFormat string
	// PublicURL is KITH_PUBLIC_URL: where clients reach the portal, for links
	// in messages. Default http:// plus Addr.
	PublicURL string
	// bad is what was wrong with the KITH_* variables flags could not take.
	bad error
	// SignInAccountLimit is KITH_SIGNIN_ACCOUNT_LIMIT: failed staff sign-ins
	// per account, as BURST/EVERY. Default auth.DefaultAccountLimit (10/5m).
	SignInAccountLimit limitValue
	// SignInIPLimit is KITH_SIGNIN_IP_LIMIT: failed staff sign-ins per IP
	// address, as BURST/EVERY. Default auth.DefaultIPLimit (30/30s).
	SignInIPLimit limitValue
	// TrustedProxies is KITH_TRUSTED_PROXIES: the networks (CIDRs, or single
	// addresses, comma-separated) of the reverse proxies in front of kith,
	// whose X-Forwarded-For is believed. Default none.
	TrustedProxies proxiesValue
	// ShutdownTimeout is KITH_SHUTDOWN_TIMEOUT: how long serve drains on
	// SIGTERM (HTTP requests finish, then the messages being handed over)
	// before it cancels what is left. Default 90s, longer than JobTimeout.
	ShutdownTimeout time.Duration
	// JobTimeout is KITH_JOB_TIMEOUT: how long one job (a batch of messages)
	// may run before it is cancelled. Default notifier.DefaultJobTimeout (1m).
	JobTimeout time.Duration
	// RescueAfter is KITH_RESCUE_AFTER: how long the jobs of a process that
	// died wait before another process takes them over. At least JobTimeout.
	// Default 1h.
	RescueAfter time.Duration
}

// proxiesValue is a comma-separated list of networks, such as
// 10.0.0.0/8,fd00::/8; a single address stands for itself.
type proxiesValue []netip.Prefix

// String implements flag.Value.
func (p *proxiesValue) String() string {
	parts := make([]string, len(*p))
	for i, n := range *p {
		parts[i] = n.String()
	}
	return strings.Join(parts, ",")
}

// Set implements flag.Value.
func (p *proxiesValue) Set(s string) error {
	var out proxiesValue
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		n, err := netip.ParsePrefix(part)
		if err != nil {
			a, aerr := netip.ParseAddr(part)
			if aerr != nil {
				return fmt.Errorf("%q is not a network such as 10.0.0.0/8 or an address", part)
			}
			n = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, n.Masked())
	}
	*p = out
	return nil
}

// limitValue is a rate limit written BURST/EVERY, such as 10/5m: BURST
// at once, then one per EVERY (a Go duration).
type limitValue ratelimit.Limit

// String implements flag.Value.
func (l *limitValue) String() string { return fmt.Sprintf("%d/%s", l.Burst, l.Every) }

// Set implements flag.Value.
func (l *limitValue) Set(s string) error {
	burst, every, ok := strings.Cut(s, "/")
	b, err1 := strconv.Atoi(strings.TrimSpace(burst))
	e, err2 := time.ParseDuration(strings.TrimSpace(every))
	if !ok || err1 != nil || err2 != nil || b < 1 || e <= 0 {
		return fmt.Errorf("%q is not a rate limit written BURST/EVERY, such as 10/5m", s)
	}
	*l = limitValue{Burst: b, Every: e}
	return nil
}

// flags registers the shared flags on fs with defaults from getenv.
func (c *config) flags(fs *flag.FlagSet, getenv func(string) string) {
	str := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	// An unset variable takes the default; one set to what does not parse
	// is an error start reports, naming it, rather than a silent default.
	boolean := func(key string, def bool) bool {
		v := getenv(key)
		if v == "" {
			return def
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			c.bad = errors.Join(c.bad, fmt.Errorf("%s must be true or false (or 1 or 0), not %q", key, v))
			return def
		}
		return b
	}
	integer := func(key string, def int) int {
		v := getenv(key)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			c.bad = errors.Join(c.bad, fmt.Errorf("%s must be a whole number of at least 1, not %q", key, v))
			return def
		}
		return n
	}
	ttl := 12 * time.Hour
	if v := getenv("KITH_TOKEN_TTL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			c.bad = errors.Join(c.bad, fmt.Errorf("KITH_TOKEN_TTL must be a duration such as 12h or 90m, not %q", v))
		} else {
			ttl = d
		}
	}
	duration := func(key string, def time.Duration) time.Duration {
		v := getenv(key)
		if v == "" {
			return def
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			c.bad = errors.Join(c.bad, fmt.Errorf("%s must be a duration such as 90s or 1h, not %q", key, v))
			return def
		}
		return d
	}
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", duration("KITH_SHUTDOWN_TIMEOUT", 90*time.Second), "how long to drain on SIGTERM before cancelling sends (KITH_SHUTDOWN_TIMEOUT)")
	fs.DurationVar(&c.JobTimeout, "job-timeout", duration("KITH_JOB_TIMEOUT", notifier.DefaultJobTimeout), "longest run of one job, a batch of messages (KITH_JOB_TIMEOUT)")
	fs.DurationVar(&c.RescueAfter, "rescue-after", duration("KITH_RESCUE_AFTER", time.Hour), "how long a dead process's jobs wait before another takes them over (KITH_RESCUE_AFTER)")
	fs.StringVar(&c.DatabaseURL, "database-url", str("KITH_DATABASE_URL", database.DefaultURL), "database: postgres://… or sqlite://path (KITH_DATABASE_URL)")
	fs.StringVar(&c.Addr, "addr", str("KITH_ADDR", "127.0.0.1:8080"), "listen address (KITH_ADDR)")
	fs.BoolVar(&c.GraphiQL, "graphiql", boolean("KITH_GRAPHIQL", true), "serve GraphiQL at / (KITH_GRAPHIQL)")
	fs.BoolVar(&c.Introspection, "introspection", boolean("KITH_INTROSPECTION", true), "allow schema introspection (KITH_INTROSPECTION)")
	fs.DurationVar(&c.TokenTTL, "token-ttl", ttl, "lifetime of sign-in tokens (KITH_TOKEN_TTL)")
	fs.IntVar(&c.MaxComplexity, "max-complexity", integer("KITH_MAX_COMPLEXITY", 10000), "largest query cost (KITH_MAX_COMPLEXITY)")
	fs.IntVar(&c.MaxIntrospectionCost, "max-introspection-cost", integer("KITH_MAX_INTROSPECTION_COST", graph.DefaultMaxIntrospectionCost), "largest introspection answer, in fields (KITH_MAX_INTROSPECTION_COST)")
	fs.IntVar(&c.MaxPageSize, "max-page-size", integer("KITH_MAX_PAGE_SIZE", 100), "largest first/last (KITH_MAX_PAGE_SIZE)")
	fs.IntVar(&c.MaxBodyBytes, "max-body-bytes", integer("KITH_MAX_BODY_BYTES", 1<<20), "largest request body in bytes, on every route (KITH_MAX_BODY_BYTES)")
	fs.IntVar(&c.MaxDepth, "max-depth", integer("KITH_MAX_DEPTH", 15), "deepest nesting of fields in a query (KITH_MAX_DEPTH)")
	fs.IntVar(&c.MaxFields, "max-fields", integer("KITH_MAX_FIELDS", 100), "most fields and aliases in one selection set (KITH_MAX_FIELDS)")
	fs.StringVar(&c.LogLevel, "log-level", str("KITH_LOG_LEVEL", "info"), "debug, info, warn or error (KITH_LOG_LEVEL)")
	fs.StringVar(&c.PublicURL, "public-url", getenv("KITH_PUBLIC_URL"), "public address of the portal, for links in messages (KITH_PUBLIC_URL; default http://ADDR)")
	limit := func(v *limitValue, name, key string, def ratelimit.Limit, usage string) {
		*v = limitValue(def)
		if env := getenv(key); env != "" {
			if err := v.Set(env); err != nil {
				c.bad = errors.Join(c.bad, fmt.Errorf("%s: %w", key, err))
			}
		}
		fs.Var(v, name, usage+" ("+key+")")
	}
	limit(&c.SignInAccountLimit, "signin-account-limit", "KITH_SIGNIN_ACCOUNT_LIMIT", auth.DefaultAccountLimit, "failed staff sign-ins per account, BURST/EVERY")
	limit(&c.SignInIPLimit, "signin-ip-limit", "KITH_SIGNIN_IP_LIMIT", auth.DefaultIPLimit, "failed staff sign-ins per IP address, BURST/EVERY")
	if v := getenv("KITH_TRUSTED_PROXIES"); v != "" {
		if err := c.TrustedProxies.Set(v); err != nil {
			c.bad = errors.Join(c.bad, fmt.Errorf("KITH_TRUSTED_PROXIES: %w", err))
		}
	}
	fs.Var(&c.TrustedProxies, "trusted-proxies", "networks of the reverse proxies whose X-Forwarded-For is believed, comma-separated (KITH_TRUSTED_PROXIES; default none)")
	fs.StringVar(&c.LogFormat, "log-format", str("KITH_LOG_FORMAT", "text"), "text or json (KITH_LOG_FORMAT)")
}

// positive refuses a limit given as a flag (variables are checked as they
// are read) that is not a whole number of at least 1, naming it.
func (c *config) positive() error {
	var bad error
	for _, s := range []struct {
		flag, key string
		n         int
	}{
		{"max-complexity", "KITH_MAX_COMPLEXITY", c.MaxComplexity},
		{"max-introspection-cost", "KITH_MAX_INTROSPECTION_COST", c.MaxIntrospectionCost},
		{"max-page-size", "KITH_MAX_PAGE_SIZE", c.MaxPageSize},
		{"max-body-bytes", "KITH_MAX_BODY_BYTES", c.MaxBodyBytes},
		{"max-depth", "KITH_MAX_DEPTH", c.MaxDepth},
		{"max-fields", "KITH_MAX_FIELDS", c.MaxFields},
	} {
		if s.n < 1 {
			bad = errors.Join(bad, fmt.Errorf("%s (--%s) must be a whole number of at least 1, not %d", s.key, s.flag, s.n))
		}
	}
	for _, s := range []struct {
		flag, key string
		d         time.Duration
	}{
		{"shutdown-timeout", "KITH_SHUTDOWN_TIMEOUT", c.ShutdownTimeout},
		{"job-timeout", "KITH_JOB_TIMEOUT", c.JobTimeout},
		{"rescue-after", "KITH_RESCUE_AFTER", c.RescueAfter},
	} {
		if s.d <= 0 {
			bad = errors.Join(bad, fmt.Errorf("%s (--%s) must be a positive duration, not %s", s.key, s.flag, s.d))
		}
	}
	if c.RescueAfter < c.JobTimeout {
		bad = errors.Join(bad, fmt.Errorf("KITH_RESCUE_AFTER (%s) must be at least KITH_JOB_TIMEOUT (%s): a job still running would be taken over", c.RescueAfter, c.JobTimeout))
	}
	return bad
}

// logger builds the structured logger the config asks for.
func (c *config) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, fmt.Errorf("KITH_LOG_LEVEL: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.LogFormat {
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	default:
		return nil, fmt.Errorf("KITH_LOG_FORMAT must be text or json, not %q", c.LogFormat)
	}
}

// redactedURL is the database URL with any password hidden, for logs.
func redactedURL(raw string) string {
	if !strings.Contains(raw, "://") {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}
