// Package postgres opens chimevoice's store on PostgreSQL through pgx's
// database/sql driver, so that the store keeps one SQL code path
// (sqlstore) for SQLite and PostgreSQL; this package holds only what
// differs: placeholders, row locks, list parameters, error codes,
// connection settings and the migration lock.
package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/chimevoice/chimevoice/sqlstore"
)

// Defaults applied when the URL does not set them.
const (
	// DefaultConnectTimeout bounds opening a connection, so that requests
	// fail fast (503) while the database is unreachable instead of waiting
	// for the operating system's TCP timeout.
	DefaultConnectTimeout = 5 * time.Second
	// DefaultMaxConns is the connection pool size of one replica; N
	// replicas use up to N times this many of the server's max_connections.
	DefaultMaxConns = 16
)

// migrationLockKey names the session-level advisory lock held while
// migrations run, so that replicas starting together apply each once.
const migrationLockKey int64 = 0x63686d76 // "chmv"

// dialect is PostgreSQL's part of the one SQL code path.
var dialect = sqlstore.Dialect{
	Name:        "postgres",
	Placeholder: func(n int) string { return "$" + strconv.Itoa(n) },
	// READ COMMITTED with explicit row locks: each request locks the rows
	// it decides on, so concurrent requests on other replicas wait for
	// them rather than failing with serialization errors.
	ForUpdate: " FOR UPDATE",
	XactLock:  "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
	// pgx sends a []string as one text[] parameter.
	InList:  func(col string) string { return col + " = ANY(?)" },
	ListArg: func(values []string) any { return values },
	// Several replicas write at once; PostgreSQL batches their commits itself.
	GroupCommit: false,
	// pgx caches prepared statements per connection by query text.
	Prepare:  false,
	Classify: classify,
	Lock: func(ctx context.Context, conn *sql.Conn) error {
		_, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockKey)
		return err
	},
	Unlock: func(ctx context.Context, conn *sql.Conn) error {
		_, err := conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", migrationLockKey)
		return err
	},
}

// classify maps a pgx error to a class by SQLSTATE, and by error type for
// failures below the protocol (no connection, connection lost).
func classify(err error) sqlstore.ErrorClass {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505": // unique_violation
			return sqlstore.ErrUnique
		case pe.Code == "40001", pe.Code == "40P01": // serialization_failure, deadlock_detected
			return sqlstore.ErrRetry
		case strings.HasPrefix(pe.Code, "08"), // connection_exception
			pe.Code == "57P01", // admin_shutdown
			pe.Code == "57P02", // crash_shutdown
			pe.Code == "57P03", // cannot_connect_now (starting up or shutting down)
			pe.Code == "53300": // too_many_connections
			return sqlstore.ErrUnavailable
		}
		return sqlstore.ErrOther
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce),
		errors.As(err, &ne),
		errors.Is(err, driver.ErrBadConn),
		errors.Is(err, sql.ErrConnDone),
		errors.Is(err, pgconn.ErrConnClosed),
		errors.Is(err, io.EOF),
		errors.Is(err, io.ErrUnexpectedEOF),
		pgconn.SafeToRetry(err), // failed before anything reached the server
		pgconn.Timeout(err):
		return sqlstore.ErrUnavailable
	}
	return sqlstore.ErrOther
}

// Open connects to the PostgreSQL database at url (postgres://...),
// applies the migrations under an advisory lock and returns the store.
//
// Besides libpq's parameters the URL may hold pool_max_conns (the pool
// size of this replica, default DefaultMaxConns); connect_timeout defaults
// to DefaultConnectTimeout.
func Open(ctx context.Context, url string, cfg sqlstore.Config) (*sqlstore.Store, error) {
	db, err := OpenDB(ctx, url)
	if err != nil {
		return nil, err
	}
	d := dialect
	st, err := sqlstore.New(ctx, &d, db, db, cfg)
	if err != nil {
		db.Close()
		return nil, err
	}
	return st, nil
}

// OpenDB opens a connection pool on url with chimevoice's settings and
// checks that the database answers.
func OpenDB(ctx context.Context, rawURL string) (*sql.DB, error) {
	connURL, maxConns, err := splitURL(rawURL)
	if err != nil {
		return nil, err
	}
	cc, err := pgx.ParseConfig(connURL)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse database URL: %w", err)
	}
	db := stdlib.OpenDB(*cc)
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	// Recycle connections now and then, so that after a failover or a
	// load balancer change they move to the new server.
	db.SetConnMaxLifetime(30 * time.Minute)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: connect to %s: %w", Redact(rawURL), err)
	}
	return db, nil
}

// splitURL takes chimevoice's own parameters out of the URL and fills in
// defaults for the connection parameters chimevoice relies on.
func splitURL(raw string) (string, int, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", 0, fmt.Errorf("postgres: the database URL must be postgres://user@host:port/dbname?params, got %q", Redact(raw))
	}
	q := u.Query()
	maxConns := DefaultMaxConns
	if v := q.Get("pool_max_conns"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return "", 0, fmt.Errorf("postgres: pool_max_conns must be a positive integer, got %q", v)
		}
		maxConns = n
		q.Del("pool_max_conns")
	}
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", strconv.Itoa(int(DefaultConnectTimeout/time.Second)))
	}
	if q.Get("application_name") == "" {
		q.Set("application_name", "chimevoice")
	}
	u.RawQuery = q.Encode()
	return u.String(), maxConns, nil
}

// Redact returns the URL without its password, for logs and errors.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "postgres://(unparsable URL)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
