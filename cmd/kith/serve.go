package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/kith-health/kith/auth"
	"github.com/kith-health/kith/database"
	"github.com/kith-health/kith/demo"
	"github.com/kith-health/kith/graph"
)

// open connects to the configured database and migrates it.
func open(ctx context.Context, cfg *config, log *slog.Logger) (*database.DB, error) {
	db, err := database.Open(ctx, cfg.DatabaseURL, database.Options{})
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	log.Info("database ready", "dialect", db.Dialect, "url", redactedURL(cfg.DatabaseURL))
	return db, nil
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.flags(fs, getenv)
	seedDemo := fs.Bool("demo", false, "seed a demo practice once and print a token for its owner")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	db, err := open(ctx, &cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	authn := auth.New(db.Client, auth.Config{TokenTTL: cfg.TokenTTL})

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", cfg.Addr, err)
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
			Introspection: cfg.Introspection,
			GraphiQL:      cfg.GraphiQL,
			MaxPageSize:   cfg.MaxPageSize,
			MaxComplexity: cfg.MaxComplexity,
			Logger:        log,
			Ready:         db.Ping,
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
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
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func migrate(ctx context.Context, args []string, getenv func(string) string, _, stderr io.Writer) error {
	var cfg config
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.flags(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	db, err := open(ctx, &cfg, log)
	if err != nil {
		return err
	}
	return db.Close()
}
