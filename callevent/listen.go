package callevent

import (
	"context"
	"errors"
	"time"

	"entgo.io/ent/dialect"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Backoff bounds between two attempts to listen again.
const (
	minBackoff = 100 * time.Millisecond
	maxBackoff = 30 * time.Second
)

// Run serves the Hub until ctx ends, then closes every subscriber. On
// PostgreSQL it holds one connection of db.Listener (taken out of the pool
// for good), LISTENs on the schema's channel and hands each notification
// to this process's subscribers of its organisation; when the connection
// drops it logs a warning, tries again with a growing backoff, and once
// listening again sends every subscriber a Missed event. On SQLite it only
// waits for ctx. It returns nil when ctx ends.
func (h *Hub) Run(ctx context.Context) error {
	defer h.stop()
	if h.db.Dialect != dialect.Postgres || h.db.Listener == nil {
		h.setListening(true)
		<-ctx.Done()
		return nil
	}
	backoff := minBackoff
	for heard := false; ; {
		listened, err := h.listen(ctx, heard)
		h.setListening(false)
		if ctx.Err() != nil {
			return nil
		}
		if listened {
			heard, backoff = true, minBackoff
		}
		h.log.Warn("call events: the listening connection to PostgreSQL failed; listening again",
			"cause", cause(err), "retry_in", backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// listen LISTENs on one connection until it fails or ctx ends; listened
// says whether it got as far as listening. After an earlier connection
// (again), subscribers are told they may have missed events.
func (h *Hub) listen(ctx context.Context, again bool) (listened bool, err error) {
	ch, err := h.channels.get(ctx)
	if err != nil {
		return false, err
	}
	pooled, err := h.db.Listener.Acquire(ctx)
	if err != nil {
		return false, err
	}
	conn := pooled.Hijack() // a listening connection goes back to no pool
	defer func() {
		closing, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = conn.Close(closing)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
		return false, err
	}
	h.setListening(true)
	if again {
		h.missed()
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true, err
		}
		if e, ok := decode(n.Payload); ok && n.Channel == ch {
			h.deliver(e)
		}
	}
}

// cause names what went wrong with the listening connection, for the log:
// PostgreSQL's error code, or the kind of failure; never the error's text,
// which may carry the connection's settings.
func cause(err error) string {
	var pg *pgconn.PgError
	var conn *pgconn.ConnectError
	switch {
	case err == nil:
		return "none"
	case errors.As(err, &pg):
		return "postgres " + pg.Code
	case errors.As(err, &conn):
		return "connect"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	default:
		return "connection"
	}
}

// setListening records whether the Hub hears every committed event now.
func (h *Hub) setListening(on bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	select {
	case <-h.listening: // on
		if !on {
			h.listening = make(chan struct{})
		}
	default:
		if on {
			close(h.listening)
		}
	}
}

// ErrNotListening is Ready's error while the Hub does not hear every
// committed event: on PostgreSQL, while its LISTEN connection is down.
var ErrNotListening = errors.New("call events: not listening to PostgreSQL")

// Ready reports, without waiting, whether the Hub hears every committed
// event: nil on SQLite, and on PostgreSQL while Run LISTENs; else
// ErrNotListening. For readiness checks.
func (h *Hub) Ready() error {
	h.mu.Lock()
	l := h.listening
	h.mu.Unlock()
	select {
	case <-l:
		return nil
	default:
		return ErrNotListening
	}
}

// Listening returns once the Hub hears every committed event (on
// PostgreSQL, while Run LISTENs; on SQLite, always), or with ctx's error:
// for tests that must not commit before it listens (Ready does not wait).
func (h *Hub) Listening(ctx context.Context) error {
	h.mu.Lock()
	l := h.listening
	h.mu.Unlock()
	select {
	case <-l:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
