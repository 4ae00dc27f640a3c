package database

import (
	"context"
	stdsql "database/sql"
	"errors"
	"strings"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// tracingDriver is an ent driver that gives each statement a span, a
// child of the span in its context (the GraphQL operation, the job), named
// by the statement's verb (SELECT, INSERT, …). A span carries the verb and
// the database system only: never the statement's arguments, nor its
// text. Statements outside a recorded trace make no span.
type tracingDriver struct {
	dialect.Driver
	tracer trace.Tracer
	system string
}

// tracingTx is a transaction of a tracingDriver: its statements, commit
// and rollback are spans too.
type tracingTx struct {
	dialect.Tx
	d *tracingDriver
}

// execQuerier is what ent's ExecContext and QueryContext reach for.
type execQuerier interface {
	ExecContext(context.Context, string, ...any) (stdsql.Result, error)
	QueryContext(context.Context, string, ...any) (*stdsql.Rows, error)
}

var (
	_ dialect.Driver = (*tracingDriver)(nil)
	_ execQuerier    = (*tracingDriver)(nil)
	_ dialect.Tx     = (*tracingTx)(nil)
	_ execQuerier    = (*tracingTx)(nil)
)

// span starts the span of statement query, when ctx is in a recorded
// trace; end ends it with err.
func (d *tracingDriver) span(ctx context.Context, query string) (context.Context, func(error)) {
	if !trace.SpanFromContext(ctx).IsRecording() {
		return ctx, func(error) {}
	}
	verb := statementVerb(query)
	ctx, span := d.tracer.Start(ctx, verb, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		attribute.String("db.system.name", d.system), attribute.String("db.operation.name", verb)))
	return ctx, func(err error) {
		if err != nil {
			span.SetStatus(codes.Error, "the statement failed") // never the driver's text: it may quote values
		}
		span.End()
	}
}

// Exec implements dialect.ExecQuerier.
func (d *tracingDriver) Exec(ctx context.Context, query string, args, v any) error {
	ctx, end := d.span(ctx, query)
	err := d.Driver.Exec(ctx, query, args, v)
	end(err)
	return err
}

// Query implements dialect.ExecQuerier.
func (d *tracingDriver) Query(ctx context.Context, query string, args, v any) error {
	ctx, end := d.span(ctx, query)
	err := d.Driver.Query(ctx, query, args, v)
	end(err)
	return err
}

// ExecContext runs a hand-written statement (ent.Client.ExecContext).
func (d *tracingDriver) ExecContext(ctx context.Context, query string, args ...any) (stdsql.Result, error) {
	ctx, end := d.span(ctx, query)
	r, err := execContext(ctx, d.Driver, query, args)
	end(err)
	return r, err
}

// QueryContext runs a hand-written query (ent.Client.QueryContext).
func (d *tracingDriver) QueryContext(ctx context.Context, query string, args ...any) (*stdsql.Rows, error) {
	ctx, end := d.span(ctx, query)
	rows, err := queryContext(ctx, d.Driver, query, args)
	end(err)
	return rows, err
}

// Tx implements dialect.Driver.
func (d *tracingDriver) Tx(ctx context.Context) (dialect.Tx, error) { return d.BeginTx(ctx, nil) }

// BeginTx starts a transaction whose statements are traced.
func (d *tracingDriver) BeginTx(ctx context.Context, opts *entsql.TxOptions) (dialect.Tx, error) {
	spanCtx, end := d.span(ctx, "BEGIN")
	var (
		tx  dialect.Tx
		err error
	)
	if b, ok := d.Driver.(interface {
		BeginTx(context.Context, *entsql.TxOptions) (dialect.Tx, error)
	}); ok {
		tx, err = b.BeginTx(spanCtx, opts)
	} else {
		tx, err = d.Driver.Tx(spanCtx)
	}
	end(err)
	if err != nil {
		return nil, err
	}
	return &tracingTx{Tx: tx, d: d}, nil
}

// Exec implements dialect.ExecQuerier.
func (t *tracingTx) Exec(ctx context.Context, query string, args, v any) error {
	ctx, end := t.d.span(ctx, query)
	err := t.Tx.Exec(ctx, query, args, v)
	end(err)
	return err
}

// Query implements dialect.ExecQuerier.
func (t *tracingTx) Query(ctx context.Context, query string, args, v any) error {
	ctx, end := t.d.span(ctx, query)
	err := t.Tx.Query(ctx, query, args, v)
	end(err)
	return err
}

// ExecContext runs a hand-written statement in the transaction.
func (t *tracingTx) ExecContext(ctx context.Context, query string, args ...any) (stdsql.Result, error) {
	ctx, end := t.d.span(ctx, query)
	r, err := execContext(ctx, t.Tx, query, args)
	end(err)
	return r, err
}

// QueryContext runs a hand-written query in the transaction.
func (t *tracingTx) QueryContext(ctx context.Context, query string, args ...any) (*stdsql.Rows, error) {
	ctx, end := t.d.span(ctx, query)
	rows, err := queryContext(ctx, t.Tx, query, args)
	end(err)
	return rows, err
}

// errNoExecQuerier is the error of ExecContext or QueryContext on a driver
// that has neither, as ent's own.
var errNoExecQuerier = errors.New("Driver.ExecContext is not supported")

func execContext(ctx context.Context, x any, query string, args []any) (stdsql.Result, error) {
	eq, ok := x.(execQuerier)
	if !ok {
		return nil, errNoExecQuerier
	}
	return eq.ExecContext(ctx, query, args...)
}

func queryContext(ctx context.Context, x any, query string, args []any) (*stdsql.Rows, error) {
	eq, ok := x.(execQuerier)
	if !ok {
		return nil, errNoExecQuerier
	}
	return eq.QueryContext(ctx, query, args...)
}

// statementVerb is the first word of query, upper-cased (SELECT, INSERT,
// UPDATE, DELETE, WITH, SAVEPOINT, …): at most 16 letters, or "SQL".
func statementVerb(query string) string {
	query = strings.TrimLeft(query, " \t\r\n(")
	end := 0
	for end < len(query) && end < 16 {
		c := query[end]
		if (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') {
			break
		}
		end++
	}
	if end == 0 {
		return "SQL"
	}
	return strings.ToUpper(query[:end])
}
