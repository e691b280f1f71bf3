// Package sqlstore implements chimevoice's services on a SQL database. It is
// the one SQL code path for SQLite and PostgreSQL: queries are written once
// with '?' placeholders and rewritten per dialect, and the few differences
// (row locks, list parameters, error classification, group commit) live in
// a small Dialect value that the sqlite and postgres packages provide.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/pool"
)

// Dialect describes what differs between databases.
type Dialect struct {
	Name string

	// Placeholder rewrites the n-th (1-based) '?' placeholder; nil keeps '?'.
	Placeholder func(n int) string

	// ForUpdate is appended to SELECTs that read rows the transaction will
	// change ("" where the database serializes writers anyway).
	ForUpdate string

	// InList returns a predicate "column is one of the values of a single
	// list parameter", and ListArg converts the values to that parameter.
	// One parameter keeps query texts fixed so statements stay prepared.
	InList  func(column string) string
	ListArg func(values []string) any

	// GroupCommit serializes writes through one committer that commits the
	// writes of concurrent requests in one transaction (SQLite has a single
	// writer anyway; this turns its lock queue into batched commits).
	GroupCommit bool

	// Prepare caches prepared statements in the store (for drivers that do
	// not cache them themselves).
	Prepare bool

	// Classify maps a driver error (possibly wrapped) to a class, by driver
	// code, never by message.
	Classify func(err error) ErrorClass

	// Lock and Unlock bracket migrations so that replicas starting together
	// apply them once (nil where the database locks itself).
	Lock   func(ctx context.Context, conn *sql.Conn) error
	Unlock func(ctx context.Context, conn *sql.Conn) error
}

// ErrorClass is the class of a driver error.
type ErrorClass int

// Error classes.
const (
	ErrOther       ErrorClass = iota
	ErrUnique                 // unique or primary key violation
	ErrRetry                  // serialization failure or deadlock: retry the transaction
	ErrUnavailable            // the database cannot be reached
)

// Config configures a Store.
type Config struct {
	Retention       time.Duration    // how long numbers stay in the Deletion queue
	OrderLatency    time.Duration    // how long an order stays Processing
	MaxPhoneNumbers int              // per account; 0 = unlimited
	Clock           chimevoice.Clock // the base clock; the service clock adds the stored offset
	Pool            *pool.Pool
	Logger          *slog.Logger
}

// Store implements chimevoice's services on a SQL database.
type Store struct {
	d   *Dialect
	rdb *sql.DB // reads
	wdb *sql.DB // writes
	cfg Config
	log *slog.Logger

	offset atomic.Int64 // service clock offset, ms
	stats  counters     // what this process's background work did (stats.go)

	// With group commit, one connection of wdb belongs to the committer for
	// the life of the store, with its statements prepared once.
	wconn  *sql.Conn
	wstmts *stmtCache
	rstmts *stmtCache

	jobs    chan *writeJob
	stop    chan struct{}
	stopped chan struct{}
	wake    chan struct{}
	closed  atomic.Bool
}

// New opens a store on rdb and wdb (which may be the same), applies the
// migrations and starts the group committer where the dialect uses one.
func New(ctx context.Context, d *Dialect, rdb, wdb *sql.DB, cfg Config) (*Store, error) {
	if cfg.Retention <= 0 {
		cfg.Retention = chimevoice.DefaultRetention
	}
	if cfg.Clock == nil {
		cfg.Clock = chimevoice.ClockFunc(time.Now)
	}
	if cfg.Pool == nil {
		cfg.Pool = pool.New()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Store{
		d: d, rdb: rdb, wdb: wdb, cfg: cfg, log: cfg.Logger,
		jobs:    make(chan *writeJob, 1024),
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
		wake:    make(chan struct{}, 1),
	}
	s.rstmts = newStmtCache(s, rdb.PrepareContext)
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	if err := s.loadOffset(ctx); err != nil {
		return nil, err
	}
	if !d.GroupCommit {
		close(s.stopped)
		return s, nil
	}
	conn, err := wdb.Conn(ctx)
	if err != nil {
		return nil, s.wrap(err, "open writer connection")
	}
	s.wconn = conn
	s.wstmts = newStmtCache(s, conn.PrepareContext)
	go s.committer()
	return s, nil
}

// Close stops the committer and closes the databases.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	close(s.stop)
	<-s.stopped
	var err error
	if s.wconn != nil {
		s.wstmts.close()
		err = s.wconn.Close()
	}
	s.rstmts.close()
	err = errors.Join(err, s.wdb.Close())
	if s.rdb != s.wdb {
		err = errors.Join(err, s.rdb.Close())
	}
	return err
}

// Config returns the store's configuration.
func (s *Store) Config() Config { return s.cfg }

// rebind rewrites '?' placeholders for the dialect.
func (s *Store) rebind(q string) string {
	if s.d.Placeholder == nil {
		return q
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteString(s.d.Placeholder(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// stmtCache keeps statements prepared once per query text. Where the
// driver caches prepared statements itself (pgx), the store does not use it.
type stmtCache struct {
	s       *Store
	prepare func(ctx context.Context, q string) (*sql.Stmt, error)
	mu      sync.Mutex
	m       map[string]*sql.Stmt
}

func newStmtCache(s *Store, prepare func(ctx context.Context, q string) (*sql.Stmt, error)) *stmtCache {
	return &stmtCache{s: s, prepare: prepare, m: map[string]*sql.Stmt{}}
}

func (c *stmtCache) get(ctx context.Context, q string) (*sql.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		return nil, errors.New("store is closed")
	}
	if st, ok := c.m[q]; ok {
		return st, nil
	}
	st, err := c.prepare(ctx, c.s.rebind(q))
	if err != nil {
		return nil, c.s.wrap(err, "prepare")
	}
	c.m[q] = st
	return st, nil
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
}

// querier is what both reads and transactions offer.
type querier interface {
	query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	queryRow(ctx context.Context, q string, args ...any) *sql.Row
	exec(ctx context.Context, q string, args ...any) (sql.Result, error)
}

// reader runs statements on the read pool.
type reader struct{ s *Store }

func (r reader) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if !r.s.d.Prepare {
		rows, err := r.s.rdb.QueryContext(ctx, r.s.rebind(q), args...)
		return rows, r.s.wrap(err, "query")
	}
	st, err := r.s.rstmts.get(ctx, q)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, args...)
	return rows, r.s.wrap(err, "query")
}

func (r reader) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if r.s.d.Prepare {
		if st, err := r.s.rstmts.get(ctx, q); err == nil {
			return st.QueryRowContext(ctx, args...)
		}
	}
	// sql.Row cannot carry a prepare error; running unprepared reports it on Scan.
	return r.s.rdb.QueryRowContext(ctx, r.s.rebind(q), args...)
}

func (r reader) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return nil, errors.New("exec on the read pool")
}

// Tx is a write transaction: a *sql.Tx, or with group commit a savepoint
// inside the committer's transaction on its own connection.
type Tx struct {
	s   *Store
	tx  *sql.Tx // nil with group commit
	now time.Time
}

func (t *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if t.tx != nil {
		rows, err := t.tx.QueryContext(ctx, t.s.rebind(q), args...)
		return rows, t.s.wrap(err, "query")
	}
	st, err := t.s.wstmts.get(ctx, q)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, args...)
	return rows, t.s.wrap(err, "query")
}

func (t *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if t.tx != nil {
		return t.tx.QueryRowContext(ctx, t.s.rebind(q), args...)
	}
	if st, err := t.s.wstmts.get(ctx, q); err == nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.s.wconn.QueryRowContext(ctx, t.s.rebind(q), args...)
}

func (t *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if t.tx != nil {
		res, err := t.tx.ExecContext(ctx, t.s.rebind(q), args...)
		return res, t.s.wrap(err, "exec")
	}
	st, err := t.s.wstmts.get(ctx, q)
	if err != nil {
		return nil, err
	}
	res, err := st.ExecContext(ctx, args...)
	return res, t.s.wrap(err, "exec")
}

// wrap turns a driver error into a store error: connection loss becomes
// ServiceUnavailable so callers see 503, anything else keeps its detail for
// the log and is reported as ServiceFailure.
func (s *Store) wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	var ce *chimevoice.Error
	if errors.As(err, &ce) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if s.d.Classify != nil && s.d.Classify(err) == ErrUnavailable {
		return &unavailableError{err: fmt.Errorf("%s: %w", what, err)}
	}
	return fmt.Errorf("%s: %w", what, err)
}

type unavailableError struct{ err error }

func (e *unavailableError) Error() string { return e.err.Error() }
func (e *unavailableError) Unwrap() error { return e.err }

// As lets errors.As find a ServiceUnavailable *chimevoice.Error.
func (e *unavailableError) As(target any) bool {
	if p, ok := target.(**chimevoice.Error); ok {
		*p = chimevoice.Errorf(chimevoice.CodeServiceUnavailable, "The service is currently unavailable: the database cannot be reached.")
		return true
	}
	return false
}

type txFunc func(ctx context.Context, tx *Tx) error

type writeJob struct {
	ctx  context.Context
	fn   txFunc
	done chan error
}

// maxRetries bounds retries of serialization failures.
const maxRetries = 10

// write runs fn in a write transaction and returns once it is committed
// (or failed). fn may run more than once (on serialization failures) and
// must not keep state across runs except through its results.
func (s *Store) write(ctx context.Context, fn txFunc) error {
	if s.d.GroupCommit {
		if s.closed.Load() {
			return errors.New("store is closed")
		}
		j := &writeJob{ctx: ctx, fn: fn, done: make(chan error, 1)}
		select {
		case s.jobs <- j:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.stop:
			return errors.New("store is closed")
		}
		select {
		case err := <-j.done:
			return err
		case <-ctx.Done():
			// The job may still commit; the caller is gone, so nothing is acknowledged.
			return ctx.Err()
		}
	}
	var err error
	for attempt := 0; attempt < maxRetries; attempt++ {
		err = s.writeOnce(ctx, fn)
		if err == nil || s.d.Classify == nil || s.d.Classify(err) != ErrRetry {
			return err
		}
		select {
		case <-time.After(time.Duration(attempt+1) * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return err
}

func (s *Store) writeOnce(ctx context.Context, fn txFunc) error {
	sqlTx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap(err, "begin")
	}
	tx := &Tx{s: s, tx: sqlTx, now: s.now()}
	if err := fn(ctx, tx); err != nil {
		sqlTx.Rollback()
		return err
	}
	return s.wrap(sqlTx.Commit(), "commit")
}

// maxGroup bounds how many requests one group commit holds.
const maxGroup = 256

// committer is the single SQLite writer: it takes every queued write,
// runs each inside its own savepoint (so one request's failure undoes only
// its own changes) and commits them together.
func (s *Store) committer() {
	defer close(s.stopped)
	batch := make([]*writeJob, 0, maxGroup)
	for {
		batch = batch[:0]
		select {
		case j := <-s.jobs:
			batch = append(batch, j)
		case <-s.stop:
			// Fail what is still queued: nothing of it was done.
			for {
				select {
				case j := <-s.jobs:
					j.done <- errors.New("store is closed")
				default:
					return
				}
			}
		}
	drain:
		for len(batch) < maxGroup {
			select {
			case j := <-s.jobs:
				batch = append(batch, j)
			default:
				break drain
			}
		}
		s.runGroup(batch)
	}
}

func (s *Store) runGroup(batch []*writeJob) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	errs := make([]error, len(batch))
	// failRest gives every job not yet failed the error err.
	failRest := func(err error) {
		for k := range errs {
			if errs[k] == nil {
				errs[k] = err
			}
		}
	}
	defer func() {
		for i, j := range batch {
			j.done <- errs[i]
		}
	}()
	conn := s.wconn
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		failRest(s.wrap(err, "begin"))
		return
	}
	tx := &Tx{s: s, now: s.now()}
	ok := 0
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			errs[i] = err // not started: the caller is gone
			continue
		}
		if _, err := conn.ExecContext(ctx, "SAVEPOINT w"); err != nil {
			errs[i] = s.wrap(err, "savepoint")
			continue
		}
		if err := j.fn(ctx, tx); err != nil {
			errs[i] = err
			if _, err := conn.ExecContext(ctx, "ROLLBACK TO SAVEPOINT w"); err != nil {
				// The transaction is in an unknown state: give all of it up.
				conn.ExecContext(ctx, "ROLLBACK")
				failRest(s.wrap(err, "rollback to savepoint"))
				return
			}
		} else {
			ok++
		}
		if _, err := conn.ExecContext(ctx, "RELEASE SAVEPOINT w"); err != nil {
			conn.ExecContext(ctx, "ROLLBACK")
			failRest(s.wrap(err, "release savepoint"))
			return
		}
	}
	if ok == 0 {
		if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
			s.log.Warn("rollback failed", "err", err)
		}
		return
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		conn.ExecContext(ctx, "ROLLBACK")
		failRest(s.wrap(err, "commit"))
	}
}

// now returns the service clock, truncated to milliseconds as every stored time is.
func (s *Store) now() time.Time {
	return s.cfg.Clock.Now().Add(time.Duration(s.offset.Load()) * time.Millisecond).Truncate(time.Millisecond).UTC()
}

func (s *Store) loadOffset(ctx context.Context) error {
	var v string
	err := reader{s}.queryRow(ctx, "SELECT value FROM meta WHERE key = 'clock_offset_ms'").Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return s.wrap(err, "load clock offset")
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return fmt.Errorf("load clock offset: bad value %q: %w", v, err)
	}
	s.offset.Store(n)
	return nil
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func nullMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMS(v.Int64)
}
