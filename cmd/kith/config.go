package main

import (
	"encoding"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	envparse "github.com/caarlos0/env/v11" // not env: the tests have a helper of that name

	"github.com/kith-health/kith/mailbox"
	"github.com/kith-health/kith/ratelimit"
)

// config is every setting kith reads, for every command. Each field tagged
// env is one setting: its KITH_* variable (env), its default (envDefault),
// what it means (help) and, for numbers and durations, the least it may be
// (min). Its flag is the variable's name without KITH_, in lower case with
// dashes (KITH_MAX_PAGE_SIZE is --max-page-size); a flag overrides its
// variable. A secret (secret:"true") is a variable only, so that it never
// shows in ps or shell history, and is never printed. A setting with
// needs:"KITH_…" stops kith when it is set and that one is not.
//
// Adding a setting is adding one tagged field; --help, the checks and the
// tests that hold README to the settings follow.
type config struct {
	DatabaseURL          string        `env:"KITH_DATABASE_URL" envDefault:"sqlite://kith-data/kith.db" help:"database: postgres://… for PostgreSQL, sqlite://path for SQLite"`
	Addr                 string        `env:"KITH_ADDR" envDefault:"127.0.0.1:8080" help:"listen address"`
	AdminAddr            string        `env:"KITH_ADMIN_ADDR" helpDefault:"none (off)" help:"listen address for /metrics (Prometheus) and /debug/pprof/, apart from the API"`
	GraphiQL             bool          `env:"KITH_GRAPHIQL" envDefault:"true" help:"serve GraphiQL at /"`
	Introspection        bool          `env:"KITH_INTROSPECTION" envDefault:"true" help:"allow schema introspection"`
	TokenTTL             time.Duration `env:"KITH_TOKEN_TTL" envDefault:"12h" min:"1s" help:"lifetime of sign-in tokens"`
	MaxPageSize          int           `env:"KITH_MAX_PAGE_SIZE" envDefault:"100" min:"1" help:"largest first/last"`
	MaxComplexity        int           `env:"KITH_MAX_COMPLEXITY" envDefault:"10000" min:"1" help:"largest query cost"`
	MaxDepth             int           `env:"KITH_MAX_DEPTH" envDefault:"15" min:"1" help:"deepest nesting of fields in a query"`
	MaxIntrospectionCost int           `env:"KITH_MAX_INTROSPECTION_COST" envDefault:"100000" min:"1" help:"largest introspection answer, in fields"`
	MaxFields            int           `env:"KITH_MAX_FIELDS" envDefault:"100" min:"1" help:"most fields and aliases in one selection set"`
	MaxBodyBytes         int           `env:"KITH_MAX_BODY_BYTES" envDefault:"1048576" min:"1" help:"largest request body in bytes, on every route"`
	SignInAccountLimit   limitValue    `env:"KITH_SIGNIN_ACCOUNT_LIMIT" envDefault:"10/5m" help:"failed staff sign-ins per account: BURST/EVERY"`
	SignInIPLimit        limitValue    `env:"KITH_SIGNIN_IP_LIMIT" envDefault:"30/30s" help:"failed staff sign-ins per IP address: BURST/EVERY"`
	TrustedProxies       proxiesValue  `env:"KITH_TRUSTED_PROXIES" help:"networks (CIDRs or addresses, comma-separated) of the reverse proxies whose X-Forwarded-For is believed"`
	LogLevel             logLevel      `env:"KITH_LOG_LEVEL" envDefault:"info" help:"debug, info, warn or error"`
	LogFormat            logFormat     `env:"KITH_LOG_FORMAT" envDefault:"text" help:"text or json"`
	PublicURL            string        `env:"KITH_PUBLIC_URL" helpDefault:"http://ADDR" help:"public address of the portal, for links in messages and webhooks"`
	OwnerPassword        string        `env:"KITH_OWNER_PASSWORD" secret:"true" help:"the owner's password for kith org create"`
	SMSRate              float64       `env:"KITH_SMS_RATE" envDefault:"0" min:"0" help:"SMS a second handed to the provider, all kith processes together; 0 is no cap"`
	EmailRate            float64       `env:"KITH_EMAIL_RATE" envDefault:"0" min:"0" help:"emails a second handed to the provider, all kith processes together; 0 is no cap"`
	DrainDelay           time.Duration `env:"KITH_DRAIN_DELAY" envDefault:"0s" help:"how long serve, on SIGTERM, keeps serving with /readyz answering 503 before it closes its listener, so a load balancer takes it out of rotation first"`
	ShutdownTimeout      time.Duration `env:"KITH_SHUTDOWN_TIMEOUT" envDefault:"90s" min:"1s" help:"how long serve drains on SIGTERM (HTTP requests and messages being handed over, side by side) before it cancels what is left; longer than KITH_JOB_TIMEOUT"`
	JobTimeout           time.Duration `env:"KITH_JOB_TIMEOUT" envDefault:"1m" min:"1s" help:"longest run of one job (a batch of messages) before it is cancelled"`
	MemoryLimit          memoryValue   `env:"KITH_MEMORY_LIMIT" envDefault:"80MiB" help:"soft limit of serve's memory (Go's GOMEMLIMIT, which wins when set): past it garbage is collected sooner; 0 is none"`
	RescueAfter          time.Duration `env:"KITH_RESCUE_AFTER" envDefault:"1h" min:"1s" help:"how long the jobs of a process that died wait before another takes them over; at least KITH_JOB_TIMEOUT"`
	// Twilio sends SMS when its AccountSID is set.
	Twilio twilioConfig
	// SendGrid sends email when its APIKey is set.
	SendGrid sendgridConfig
	// Mailbox imports shared mailboxes when its Key is set.
	Mailbox mailboxConfig
	// Webhook delivers the organisations' events to their endpoints.
	Webhook webhookConfig
}

// webhookConfig is the webhook deliveries' part of config.
type webhookConfig struct {
	Private         bool          `env:"KITH_WEBHOOK_ALLOW_PRIVATE" envDefault:"false" help:"let webhook endpoints be plain http and on loopback, private, link-local or metadata addresses (development and tests only)"`
	DeliveryTimeout time.Duration `env:"KITH_WEBHOOK_TIMEOUT" envDefault:"15s" min:"1s" help:"longest wait for an endpoint to answer one delivery"`
	DeliveryWorkers int           `env:"KITH_WEBHOOK_WORKERS" envDefault:"10" min:"1" help:"webhook deliveries each process posts at once"`
}

// mailboxConfig is the shared mailboxes' part of config.
type mailboxConfig struct {
	Key           string `env:"KITH_MAILBOX_KEY" secret:"true" help:"base64 of 32 random bytes (openssl rand -base64 32) sealing mailbox passwords; set, owners can connect mailboxes and kith imports them every minute"`
	AllowInsecure bool   `env:"KITH_MAILBOX_ALLOW_INSECURE" envDefault:"false" help:"let owners connect a mailbox with security NONE, the password in clear (development and tests only)"`
	AllowPrivate  bool   `env:"KITH_MAILBOX_ALLOW_PRIVATE" envDefault:"false" help:"let a mailbox's server be on a loopback, private or link-local address (development and tests only)"`
}

// twilioConfig is Twilio's part of config.
type twilioConfig struct {
	AccountSID string `env:"KITH_TWILIO_ACCOUNT_SID" help:"Twilio account SID (AC…); set, Twilio sends SMS"`
	AuthToken  string `env:"KITH_TWILIO_AUTH_TOKEN" secret:"true" needs:"KITH_TWILIO_ACCOUNT_SID" help:"Twilio auth token; set, kith serves Twilio's webhooks"`
	From       string `env:"KITH_TWILIO_FROM" needs:"KITH_TWILIO_ACCOUNT_SID" help:"sending number in E.164 (+14165550100) or messaging service SID (MG…)"`
	BaseURL    string `env:"KITH_TWILIO_BASE_URL" needs:"KITH_TWILIO_ACCOUNT_SID" helpDefault:"Twilio's own" help:"another Twilio API address, such as a mock"`
}

// sendgridConfig is SendGrid's part of config.
type sendgridConfig struct {
	APIKey           string `env:"KITH_SENDGRID_API_KEY" secret:"true" help:"SendGrid API key with Mail Send permission; set, SendGrid sends email"`
	FromEmail        string `env:"KITH_SENDGRID_FROM_EMAIL" needs:"KITH_SENDGRID_API_KEY" help:"sender's address, verified in SendGrid"`
	FromName         string `env:"KITH_SENDGRID_FROM_NAME" needs:"KITH_SENDGRID_API_KEY" help:"sender's name when the practice has none"`
	BaseURL          string `env:"KITH_SENDGRID_BASE_URL" needs:"KITH_SENDGRID_API_KEY" helpDefault:"SendGrid's own" help:"another SendGrid API address, such as a mock"`
	WebhookPublicKey string `env:"KITH_SENDGRID_WEBHOOK_PUBLIC_KEY" help:"verification key of SendGrid's signed event webhook; set, kith serves that webhook"`
	InboundPublicKey string `env:"KITH_SENDGRID_INBOUND_PUBLIC_KEY" help:"verification key of the security policy signing SendGrid's Inbound Parse webhook; set, kith serves /webhooks/sendgrid/{org}/inbound"`
}

// setting is one field of a config: where it is read from, what it
// defaults to and means, and the field itself.
type setting struct {
	key, flag, def, help string
	// helpDefault, when set, is what --help says the default is.
	helpDefault string
	// min is the least value a number or duration may take.
	min string
	// needs is the setting that must be set when this one is.
	needs  string
	secret bool
	field  reflect.StructField
	value  reflect.Value
}

// name is how sentences name the setting: the variable and its flag.
func (s setting) name() string {
	if s.flag == "" {
		return s.key
	}
	return s.key + " (--" + s.flag + ")"
}

// settings lists the settings of c, in the order of its fields, walking
// nested structs as env does.
func settings(c *config) []setting {
	var out []setting
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			key := f.Tag.Get("env")
			if key == "" {
				if f.Type.Kind() == reflect.Struct {
					walk(v.Field(i))
				}
				continue
			}
			s := setting{
				key: key, def: f.Tag.Get("envDefault"), help: f.Tag.Get("help"),
				helpDefault: f.Tag.Get("helpDefault"), min: f.Tag.Get("min"), needs: f.Tag.Get("needs"),
				secret: f.Tag.Get("secret") == "true", field: f, value: v.Field(i),
			}
			if !s.secret {
				s.flag = strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(key, "KITH_")), "_", "-")
			}
			out = append(out, s)
		}
	}
	walk(reflect.ValueOf(c).Elem())
	return out
}

// settingFlag is a setting's flag: it records the value given, to be
// parsed with the variables.
type settingFlag struct {
	given map[string]string
	s     setting
}

// String implements flag.Value.
func (f settingFlag) String() string {
	if f.given == nil {
		return ""
	}
	return f.given[f.s.key]
}

// Set implements flag.Value.
func (f settingFlag) Set(v string) error { f.given[f.s.key] = v; return nil }

// IsBoolFlag lets --graphiql stand for --graphiql=true.
func (f settingFlag) IsBoolFlag() bool { return f.s.field.Type.Kind() == reflect.Bool }

// flags registers a flag on fs for every setting that has one; what they
// are given lands in the map returned, for load.
func flags(fs *flag.FlagSet) map[string]string {
	given := map[string]string{}
	for _, s := range settings(&config{}) {
		if s.flag != "" {
			fs.Var(settingFlag{given, s}, s.flag, s.help)
		}
	}
	return given
}

// load reads the config: each setting from given (its flag), else from
// getenv (its variable; empty is unset), else its default. A value that
// does not parse, or breaks a setting's rule, is an error whose sentences
// name the setting and say what it must be; a secret's value is never in it.
func load(getenv func(string) string, given map[string]string) (config, error) {
	var c config
	all := settings(&c)
	vars := map[string]string{} // never nil: env would read the process's environment
	for _, s := range all {
		if v := getenv(s.key); v != "" {
			vars[s.key] = v
		}
		if v, ok := given[s.key]; ok {
			vars[s.key] = v
		}
	}
	unparsed := map[string]bool{}
	var bad error
	if err := envparse.ParseWithOptions(&c, envparse.Options{Environment: vars}); err != nil {
		bad = explain(err, all, vars, unparsed)
	}
	if err := errors.Join(bad, c.validate(unparsed)); err != nil {
		return config{}, err
	}
	return c, nil
}

// explain turns env's errors into sentences naming each setting, and
// marks the settings they are about in unparsed.
func explain(err error, all []setting, vars map[string]string, unparsed map[string]bool) error {
	var agg envparse.AggregateError
	if !errors.As(err, &agg) {
		return err
	}
	var out []error
	for _, e := range agg.Errors {
		var pe envparse.ParseError
		if !errors.As(e, &pe) {
			out = append(out, e)
			continue
		}
		// Field names are unique among settings that can fail to parse
		// (TestSettingsAreListed checks), so name and type find the setting.
		found := false
		for _, s := range all {
			if s.field.Name == pe.Name && s.field.Type == pe.Type {
				want := wanted(s.field.Type, s.min)
				if want == "" {
					want = pe.Err.Error()
				}
				out = append(out, fmt.Errorf("%s must be %s, not %s", s.name(), want, shown(s, vars[s.key])))
				unparsed[s.key] = true
				found = true
				break
			}
		}
		if !found {
			out = append(out, e)
		}
	}
	return errors.Join(out...)
}

// shown is a value as sentences quote it: a secret's never is.
func shown(s setting, v string) string {
	if s.secret {
		return "the value given"
	}
	return strconv.Quote(v)
}

var (
	// durationType is time.Duration, which is an int64 to reflect.
	durationType = reflect.TypeFor[time.Duration]()
	// textUnmarshaler is what kith's own setting types implement.
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// wanted says what a value of type t, at least min, must be; "" for types
// whose parse errors say it themselves.
func wanted(t reflect.Type, min string) string {
	atLeast := ""
	if min != "" {
		atLeast = " of at least " + min
	}
	switch {
	case reflect.PointerTo(t).Implements(textUnmarshaler):
		return ""
	case t == durationType:
		return "a duration" + atLeast + ", such as 12h or 90m"
	case t.Kind() == reflect.Bool:
		return "true or false (or 1 or 0)"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return "a whole number" + atLeast
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return "a number" + atLeast
	}
	return ""
}

// validate holds the config to the rules parsing does not: each setting's
// min, and its needs (a provider's setting without its key stops kith
// rather than letting a deployment whose key went missing log its
// messages, secrets and all). It passes over the settings in unparsed,
// whose values are not what was given.
func (c *config) validate(unparsed map[string]bool) error {
	var bad []error
	all := settings(c)
	byKey := map[string]setting{}
	for _, s := range all {
		byKey[s.key] = s
	}
	for _, s := range all {
		if unparsed[s.key] {
			continue
		}
		if s.min != "" && below(s.value, s.min) {
			bad = append(bad, fmt.Errorf("%s must be %s, not %s", s.name(), wanted(s.field.Type, s.min), shown(s, fmt.Sprint(s.value.Interface()))))
		}
		if s.needs != "" && !s.value.IsZero() && byKey[s.needs].value.IsZero() {
			bad = append(bad, fmt.Errorf("%s is set but %s is not: set %s too, or unset %s to use the log channel (development only)",
				s.key, s.needs, s.needs, s.key))
		}
	}
	if c.Mailbox.Key != "" {
		if _, err := mailbox.ParseKey(c.Mailbox.Key); err != nil {
			bad = append(bad, fmt.Errorf("KITH_MAILBOX_KEY: %w", err)) // never the key itself
		}
	}
	if !unparsed["KITH_RESCUE_AFTER"] && !unparsed["KITH_JOB_TIMEOUT"] && c.RescueAfter < c.JobTimeout {
		bad = append(bad, fmt.Errorf("KITH_RESCUE_AFTER (%s) must be at least KITH_JOB_TIMEOUT (%s): a job still running would be taken over by another process",
			c.RescueAfter, c.JobTimeout))
	}
	return errors.Join(bad...)
}

// below reports whether v is less than min, read in v's type.
func below(v reflect.Value, min string) bool {
	switch {
	case v.Type() == durationType:
		d, err := time.ParseDuration(min)
		return err == nil && v.Int() < int64(d)
	case v.CanInt():
		n, err := strconv.ParseInt(min, 10, 64)
		return err == nil && v.Int() < n
	case v.CanUint():
		n, err := strconv.ParseUint(min, 10, 64)
		return err == nil && v.Uint() < n
	case v.CanFloat():
		f, err := strconv.ParseFloat(min, 64)
		return err == nil && v.Float() < f
	}
	return false
}

// usage prints what command takes: its own flags, then every setting as
// --flag (KITH_…) default X: help. Defaults come from the struct, never
// from the environment; a secret says only whether getenv has it.
func usage(w io.Writer, command string, fs *flag.FlagSet, getenv func(string) string) {
	all := settings(&config{})
	isSetting := map[string]bool{}
	for _, s := range all {
		isSetting[s.flag] = s.flag != ""
	}
	fmt.Fprintf(w, "Usage: kith %s [flags]\n", command)
	first := true
	fs.VisitAll(func(f *flag.Flag) {
		if isSetting[f.Name] {
			return
		}
		if first {
			fmt.Fprintf(w, "\nFlags of %s:\n", command)
			first = false
		}
		def := ""
		if f.DefValue != "" && f.DefValue != "false" {
			def = " default " + f.DefValue
		}
		fmt.Fprintf(w, "  --%s%s: %s\n", f.Name, def, f.Usage)
	})
	fmt.Fprintf(w, "\nSettings (a flag, else its KITH_* variable, else the default):\n")
	for _, s := range all {
		fmt.Fprintf(w, "  %s\n", s.usage(getenv))
	}
}

// usage is the setting's line in --help.
func (s setting) usage(getenv func(string) string) string {
	if s.secret {
		state := "(unset)"
		if getenv(s.key) != "" {
			state = "(set)"
		}
		return fmt.Sprintf("%s (variable only, secret) %s: %s", s.key, state, s.help)
	}
	def := s.def
	switch {
	case s.helpDefault != "":
		def = s.helpDefault
	case def == "":
		def = "none"
	}
	return fmt.Sprintf("--%s (%s) default %s: %s", s.flag, s.key, def, s.help)
}

// proxiesValue is a comma-separated list of networks, such as
// 10.0.0.0/8,fd00::/8; a single address stands for itself.
type proxiesValue []netip.Prefix

// String lists the networks as they are written.
func (p proxiesValue) String() string {
	parts := make([]string, len(p))
	for i, n := range p {
		parts[i] = n.String()
	}
	return strings.Join(parts, ",")
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *proxiesValue) UnmarshalText(text []byte) error {
	var out proxiesValue
	for _, part := range strings.Split(string(text), ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		n, err := netip.ParsePrefix(part)
		if err != nil {
			a, aerr := netip.ParseAddr(part)
			if aerr != nil {
				return errors.New("networks such as 10.0.0.0/8 or addresses, comma-separated")
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

// String writes the limit as BURST/EVERY.
func (l limitValue) String() string { return fmt.Sprintf("%d/%s", l.Burst, l.Every) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (l *limitValue) UnmarshalText(text []byte) error {
	burst, every, ok := strings.Cut(string(text), "/")
	b, err1 := strconv.Atoi(strings.TrimSpace(burst))
	e, err2 := time.ParseDuration(strings.TrimSpace(every))
	if !ok || err1 != nil || err2 != nil || b < 1 || e <= 0 {
		return errors.New("a rate limit written BURST/EVERY, such as 10/5m")
	}
	*l = limitValue{Burst: b, Every: e}
	return nil
}

// memoryValue is an amount of memory in bytes, written as a whole number
// with a unit B, KiB, MiB or GiB (80MiB), or 0.
type memoryValue int64

// String writes the amount in the largest unit that divides it.
func (m memoryValue) String() string {
	for _, u := range memoryUnits {
		if m != 0 && int64(m)%u.bytes == 0 {
			return strconv.FormatInt(int64(m)/u.bytes, 10) + u.name
		}
	}
	return strconv.FormatInt(int64(m), 10)
}

// memoryUnits are the units memoryValue reads, largest first.
var memoryUnits = []struct {
	name  string
	bytes int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}

// UnmarshalText implements encoding.TextUnmarshaler.
func (m *memoryValue) UnmarshalText(text []byte) error {
	s := strings.TrimSpace(string(text))
	if s == "0" {
		*m = 0
		return nil
	}
	for _, u := range memoryUnits {
		if n, ok := strings.CutSuffix(s, u.name); ok {
			v, err := strconv.ParseInt(strings.TrimSpace(n), 10, 64)
			if err == nil && v > 0 && v <= (1<<62)/u.bytes {
				*m = memoryValue(v * u.bytes)
				return nil
			}
			break
		}
	}
	return errors.New("an amount of memory such as 80MiB or 1GiB (units B, KiB, MiB, GiB), or 0 for none")
}

// logLevel is slog's level, written debug, info, warn or error.
type logLevel slog.Level

// UnmarshalText implements encoding.TextUnmarshaler.
func (l *logLevel) UnmarshalText(text []byte) error {
	var level slog.Level
	if err := level.UnmarshalText(text); err != nil {
		return errors.New("debug, info, warn or error")
	}
	*l = logLevel(level)
	return nil
}

// logFormat is how logs are written: text or json.
type logFormat string

// UnmarshalText implements encoding.TextUnmarshaler.
func (f *logFormat) UnmarshalText(text []byte) error {
	switch s := logFormat(text); s {
	case "text", "json":
		*f = s
		return nil
	}
	return errors.New("text or json")
}

// logger builds the structured logger the config asks for.
func (c *config) logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.Level(c.LogLevel)}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
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
