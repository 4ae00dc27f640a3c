package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"

	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/billing/cardprocessor/testprovider"
	"github.com/kith-health/kith/callevent"
	"github.com/kith-health/kith/communication/callclose"
	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/demo"
	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/mailimport"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/notifier/compose"
	"github.com/kith-health/kith/notifier/inbound"
	"github.com/kith-health/kith/observe"
	"github.com/kith-health/kith/portal"
	"github.com/kith-health/kith/ratelimit"
	"github.com/kith-health/kith/server"
)

// command is what every subcommand starts with: its configuration, a
// logger and the migrated database.
type command struct {
	cfg   config
	log   *slog.Logger
	db    *database.DB
	authn *auth.Service
	// limits keeps the rate limits: shared by the processes of a
	// PostgreSQL database. Its pool connects when first used.
	limits ratelimit.Store
}

// start loads the config (flags, else KITH_* variables, else defaults) and
// parses the flags extra registers, runs check on them, then builds the
// logger and opens and migrates the database. --help prints every setting.
func start(ctx context.Context, name string, args []string, getenv func(string) string, stderr io.Writer,
	extra func(*flag.FlagSet), check func() error) (*command, error) {
	c, err := open(ctx, name, args, getenv, stderr, extra, check)
	if err != nil {
		return nil, err
	}
	if err := c.db.Migrate(ctx); err != nil {
		_ = c.close()
		return nil, err
	}
	c.log.Info("database ready", "dialect", c.db.Dialect, "url", redactedURL(c.cfg.DatabaseURL))
	return c, nil
}

// open is start without migrating.
func open(ctx context.Context, name string, args []string, getenv func(string) string, stderr io.Writer,
	extra func(*flag.FlagSet), check func() error) (*command, error) {
	c := &command{}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { usage(fs.Output(), name, fs, getenv) }
	given := flags(fs)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	var err error
	if c.cfg, err = load(getenv, given); err != nil { // before any start-up work
		return nil, err
	}
	if check != nil {
		if err := check(); err != nil {
			return nil, err
		}
	}
	c.log = c.cfg.logger(stderr)
	if c.db, err = database.Open(ctx, c.cfg.DatabaseURL, database.Options{}); err != nil {
		return nil, err
	}
	if c.limits, err = ratelimit.Open(c.db); err != nil {
		_ = c.db.Close()
		return nil, err
	}
	c.authn = auth.New(c.db.Client, auth.Config{
		TokenTTL:     c.cfg.TokenTTL,
		AccountLimit: ratelimit.Limit(c.cfg.SignInAccountLimit),
		IPLimit:      ratelimit.Limit(c.cfg.SignInIPLimit),
		Limits:       c.limits,
	})
	return c, nil
}

// close closes the rate limits' pool, then the database.
func (c *command) close() error { return errors.Join(c.limits.Close(), c.db.Close()) }

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var seedDemo *bool
	c, err := start(ctx, "serve", args, getenv, stderr, func(fs *flag.FlagSet) {
		seedDemo = fs.Bool("demo", false, "seed a demo practice once and print a token for its owner")
	}, nil)
	if err != nil {
		return err
	}
	defer c.close()
	defer server.TuneGC(int64(c.cfg.MemoryLimit))()
	cfg, log, db, authn := c.cfg, c.log, c.db, c.authn

	tp, stopTracing, err := observe.Tracing(ctx, getenv)
	if err != nil {
		return err
	}
	defer flushTraces(log, stopTracing)
	otel.SetTracerProvider(tp) // the database's spans, opened before, follow it
	metrics := observe.NewMetrics()
	metrics.CollectDB(db.SQL)

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", cfg.Addr, err)
	}
	publicURL := cmp.Or(cfg.PublicURL, "http://"+ln.Addr().String())
	channels, err := senders(cfg, log)
	if err != nil {
		_ = ln.Close()
		return err
	}
	mail := mailboxes(cfg, db.Client, log)
	events := webhookEvents(cfg, db.Client, log)
	queue, err := notifier.NewQueue(ctx, db, notifier.Config{
		Senders: channels, Rates: sendRates(cfg), Links: compose.Links{PortalURL: publicURL}, Logger: log,
		JobTimeout: cfg.JobTimeout, RescueAfter: cfg.RescueAfter,
		Metrics: metrics, TracerProvider: tp,
		// Closing the calls nobody ended (every 5 minutes), importing the
		// mailboxes (every minute), delivering webhook events.
		Jobs: []notifier.Jobs{callclose.New(db.Client), mail, events},
	})
	if err != nil {
		_ = ln.Close()
		return err
	}
	events.Attach(queue) // the schema's hooks write events from here on
	metrics.CollectQueueDepth(queue.Depth)
	// Live call events: the Communication hook tells the hub of each call
	// change in its transaction; the hub hears every instance's (LISTEN on
	// PostgreSQL) until stopHub, after the HTTP shutdown below closed the
	// sockets (1012), so subscribers reconnect rather than complete.
	calls := callevent.New(db, log)
	db.Client.Effects.SetCallEvents(calls)
	hubCtx, stopHub := context.WithCancel(context.WithoutCancel(ctx))
	defer stopHub()
	go func() { _ = calls.Run(hubCtx) }()
	sockets := graph.NewSockets()
	hooks, err := webhooks(cfg, publicURL, inbound.New(db.Client), db.Client, log)
	if err != nil {
		_ = ln.Close()
		return err
	}
	if cfg.ShutdownTimeout <= cfg.JobTimeout {
		log.Warn("KITH_SHUTDOWN_TIMEOUT is not longer than KITH_JOB_TIMEOUT: a shutdown may cancel messages being handed over",
			"shutdown_timeout", cfg.ShutdownTimeout, "job_timeout", cfg.JobTimeout)
	}
	if err := queue.Start(ctx); err != nil { // not stopped by ctx: see the shutdown below
		_ = ln.Close()
		return fmt.Errorf("starting the notifier: %w", err)
	}
	queueStopped := false
	defer func() { // on the ways out before the shutdown below, which stops it itself
		if !queueStopped {
			stopCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
			defer cancel()
			_ = queue.Stop(stopCtx)
		}
	}()
	if *seedDemo {
		owner, err := demo.Seed(ctx, db.Client, authn)
		if err != nil {
			_ = ln.Close()
			return err
		}
		tok, err := authn.Issue(ctx, owner)
		if err != nil {
			_ = ln.Close()
			return err
		}
		fmt.Fprintf(stdout, "Demo practice %q is ready. Open GraphiQL at http://%s/ and add this header:\n", demo.Slug, ln.Addr())
		fmt.Fprintf(stdout, "Authorization: Bearer %s\n", tok.Secret)
	}

	var draining atomic.Bool
	srv := &http.Server{
		Handler: server.New(db.Client, authn, server.Config{
			HandlerConfig: graph.HandlerConfig{
				Introspection:        cfg.Introspection,
				MaxPageSize:          cfg.MaxPageSize,
				MaxComplexity:        cfg.MaxComplexity,
				MaxIntrospectionCost: cfg.MaxIntrospectionCost,
				MaxBodyBytes:         int64(cfg.MaxBodyBytes),
				MaxDepth:             cfg.MaxDepth,
				MaxFields:            cfg.MaxFields,
				Logger:               log,
				PublicURL:            publicURL,
				Limits:               c.limits,
				Portal:               portal.New(db.Client, queue, portal.Config{PublicURL: publicURL, Limits: c.limits}),
				Payments:             testprovider.New(), // sandbox only, no money moves: see README, Invoices and payments
				Metrics:              metrics,
				TracerProvider:       tp,
				Mailboxes:            mail,
				Events:               events,
				Sockets:              sockets,
			},
			BodyLimit:      mailimport.BodyLimit,
			GraphiQL:       cfg.GraphiQL,
			TrustedProxies: cfg.TrustedProxies,
			Ready:          ready(&draining, db.Ping, queue.Ready, func(context.Context) error { return calls.Ready() }),
			Webhooks:       hooks,
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	admin, err := serveAdmin(cfg.AdminAddr, metrics, log)
	if err != nil {
		_ = ln.Close()
		return err
	}
	defer admin.close()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("kith listening", "addr", ln.Addr().String(), "graphiql", cfg.GraphiQL)

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Drain in order: /readyz answers 503 (for KITH_DRAIN_DELAY still
	// serving, WebSockets and subscriptions too), then within
	// KITH_SHUTDOWN_TIMEOUT the HTTP requests finish, the WebSockets close
	// with 1012 (service restart), and the queue stops taking jobs and
	// waits for those running; only at the deadline are sends still going
	// cancelled. The call events hub stops last.
	draining.Store(true)
	mail.Stop() // imports waiting with IDLE return now, not after up to 50 s
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout, "drain_delay", cfg.DrainDelay)
	if cfg.DrainDelay > 0 { // still serving, so a load balancer sees the 503 and stops sending
		select {
		case <-time.After(cfg.DrainDelay):
		case err := <-errc:
			return err
		}
	}
	// The requests and the queue drain side by side, each with the whole
	// timeout: a job a request still writes is in the database, for
	// whichever process runs next.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	httpDone := make(chan error, 1)
	// Shutdown neither closes nor waits for the WebSockets (hijacked):
	// they close with 1012 as it starts, and it waits for them.
	socketsDone := make(chan error, 1)
	srv.RegisterOnShutdown(func() { socketsDone <- sockets.Close(shutdownCtx) })
	go func() { httpDone <- srv.Shutdown(shutdownCtx) }()
	var errs []error
	if err := queue.Stop(shutdownCtx); err != nil {
		errs = append(errs, fmt.Errorf("stopping the notifier: %w", err))
	}
	queueStopped = true
	if err := <-httpDone; err != nil {
		errs = append(errs, fmt.Errorf("shutting down: %w", err))
	}
	if err := <-socketsDone; err != nil {
		errs = append(errs, fmt.Errorf("closing the WebSockets: %w", err))
	}
	stopHub() // no socket is left to hear it
	// Last, so that metrics are read while draining, and with time of its
	// own: a scrape under way does not turn a clean drain into a failure.
	adminCtx, cancelAdmin := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancelAdmin()
	if err := admin.stop(adminCtx); err != nil {
		errs = append(errs, fmt.Errorf("shutting down the admin listener: %w", err))
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// errDraining is /readyz's answer while serve shuts down.
var errDraining = errors.New("shutting down")

// ready is serve's readiness check: not draining, and every check passes.
func ready(draining *atomic.Bool, checks ...func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		if draining.Load() {
			return errDraining
		}
		for _, check := range checks {
			if err := check(ctx); err != nil {
				return err
			}
		}
		return nil
	}
}

// migrate applies the migrations of kith and River's job tables, or with
// --status lists them and whether each is applied, changing nothing.
func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var status *bool
	extra := func(fs *flag.FlagSet) {
		status = fs.Bool("status", false, "list the migrations and whether each is applied, changing nothing")
	}
	c, err := open(ctx, "migrate", args, getenv, stderr, extra, nil)
	if err != nil {
		return err
	}
	defer c.close()
	if !*status {
		if err := c.db.Migrate(ctx); err != nil {
			return err
		}
		c.log.Info("database ready", "dialect", c.db.Dialect, "url", redactedURL(c.cfg.DatabaseURL))
		return nil
	}
	ms, err := c.db.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	pending := 0
	for _, m := range ms {
		state := "pending"
		if m.Applied {
			state = "applied"
			if !m.AppliedAt.IsZero() {
				state += " " + m.AppliedAt.UTC().Format(time.RFC3339)
			}
		} else {
			pending++
		}
		fmt.Fprintf(stdout, "%-5s %-14d %-60s %s\n", m.Line, m.Version, m.Name, state)
	}
	fmt.Fprintf(stdout, "%d of %d migrations pending\n", pending, len(ms))
	return nil
}
