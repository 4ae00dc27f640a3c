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
	"time"

	"go.opentelemetry.io/otel"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/demo"
	"github.com/kith-health/kith/graph"
	"github.com/kith-health/kith/notifier"
	"github.com/kith-health/kith/observe"
	"github.com/kith-health/kith/payment/testprovider"
	"github.com/kith-health/kith/portal"
	"github.com/kith-health/kith/ratelimit"
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
	if err := c.db.Migrate(ctx); err != nil {
		_ = c.db.Close()
		return nil, err
	}
	c.log.Info("database ready", "dialect", c.db.Dialect, "url", redactedURL(c.cfg.DatabaseURL))
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

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var seedDemo *bool
	c, err := start(ctx, "serve", args, getenv, stderr, func(fs *flag.FlagSet) {
		seedDemo = fs.Bool("demo", false, "seed a demo practice once and print a token for its owner")
	}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	defer c.limits.Close()
	defer kith.TuneGC()()
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
	queue, err := notifier.NewQueue(ctx, db, notifier.Config{
		Senders: channels, Rates: sendRates(cfg), Links: notifier.Links{PortalURL: publicURL}, Logger: log,
		Metrics: metrics, TracerProvider: tp,
	})
	if err != nil {
		_ = ln.Close()
		return err
	}
	metrics.CollectQueueDepth(queue.Depth)
	hooks, err := webhooks(cfg, publicURL, queue, log)
	if err != nil {
		_ = ln.Close()
		return err
	}
	if err := queue.Start(ctx); err != nil {
		_ = ln.Close()
		return fmt.Errorf("starting the notifier: %w", err)
	}
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

	srv := &http.Server{
		Handler: graph.NewHandler(db.Client, authn, graph.HandlerConfig{
			Introspection:        cfg.Introspection,
			GraphiQL:             cfg.GraphiQL,
			MaxPageSize:          cfg.MaxPageSize,
			MaxComplexity:        cfg.MaxComplexity,
			MaxIntrospectionCost: cfg.MaxIntrospectionCost,
			MaxBodyBytes:         int64(cfg.MaxBodyBytes),
			MaxDepth:             cfg.MaxDepth,
			MaxFields:            cfg.MaxFields,
			TrustedProxies:       cfg.TrustedProxies,
			Logger:               log,
			Ready:                db.Ping,
			PublicURL:            publicURL,
			Webhooks:             hooks,
			Limits:               c.limits,
			Portal:               portal.New(db.Client, queue, portal.Config{PublicURL: publicURL, Limits: c.limits}),
			Payments:             testprovider.New(), // sandbox only, no money moves: see README, Invoices and payments
			Metrics:              metrics,
			TracerProvider:       tp,
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
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := admin.stop(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down the admin listener: %w", err)
	}
	if err := queue.Stop(shutdownCtx); err != nil {
		return fmt.Errorf("stopping the notifier: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func migrate(ctx context.Context, args []string, getenv func(string) string, _, stderr io.Writer) error {
	c, err := start(ctx, "migrate", args, getenv, stderr, nil, nil)
	if err != nil {
		return err
	}
	return c.db.Close()
}
