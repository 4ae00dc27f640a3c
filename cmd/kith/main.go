// Command kith serves kith's GraphQL API and administers its database.
//
//	kith serve [--demo]        start the server (SQLite in ./kith-data by default)
//	kith migrate [--status]    apply database migrations and exit (or list them)
//	kith org create ...        create an organisation and its owner
//	kith token --org --email   mint a bearer token for a staff member
//
// Every setting is a KITH_* environment variable and a flag of every
// command (`kith serve --help` lists them); see README, Configuration.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		// One line per mistake (config reports them all at once), each "kith: …".
		fmt.Fprintln(os.Stderr, "kith:", strings.ReplaceAll(err.Error(), "\n", "\nkith: "))
		os.Exit(1)
	}
}

// errUsage asks for the usage text to be printed.
var errUsage = errors.New("usage: kith serve [--demo] | kith migrate [--status] | kith org create --name N --slug S --owner-email E --owner-name N | kith token --org SLUG --email E")

// run dispatches the subcommand in args.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errUsage
	}
	if err := dispatch(ctx, args, getenv, stdout, stderr); !errors.Is(err, flag.ErrHelp) {
		return err
	}
	return nil // --help printed what was asked
}

// dispatch runs the subcommand args name.
func dispatch(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stdout, stderr)
	case "migrate":
		return migrate(ctx, args[1:], getenv, stdout, stderr)
	case "org":
		if len(args) < 2 || args[1] != "create" {
			return errUsage
		}
		return createOrg(ctx, args[2:], getenv, stdout, stderr)
	case "token":
		return mintToken(ctx, args[1:], getenv, stdout, stderr)
	default:
		return errUsage
	}
}
