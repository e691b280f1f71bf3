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
	"github.com/chimevoice/chimevoice/e911"
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

	// XactLock is a statement with one string parameter that takes a lock
	// on that name until the transaction ends. It serializes transactions
	// that check an aggregate and then change it (an account's quota), which
	// row locks cannot cover; "" where writers are serialized anyway.
	XactLock string

	// InList returns a predicate "column is one of the values of a single
	// list parameter", and ListArg converts the values to that parameter.
	// One parameter keeps query texts fixed so statements stay prepared.
	InList  func(column string) string
	ListArg func(values []string) any

	// GroupCommit serializes writes through one committer that commits the
	// writes of concurrent requests in one transaction (SQLite has a single
	// writer anyway; this turns its lock queue into batched commits).
	GroupCommit bool

	// OrFail follows UPDATE in statements that change many rows and that
	// no constraint can fail: " OR FAIL" on SQLite, where a multi-row
	// statement that may abort first copies every page it changes into a
	// statement journal, to undo itself; with OR FAIL it keeps none (a
	// failed request's statements are undone by its transaction or
	// savepoint anyway). "" elsewhere.
	OrFail string

	// Prepare caches prepared statements in the store (for drivers that do
	// not cache them themselves).
	Prepare bool

	// Sync, with GroupCommit, makes every commit so far durable. When it is
	// set the writer commits without waiting for the disk, and the store
	// calls Sync (from another goroutine, while the next group runs) before
	// it acknowledges the group: one fsync covers all groups committed
	// since the last, and the disk wait no longer stalls the writer.
	Sync func() error

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

	// TxTimeout bounds one attempt of a write transaction (default
	// DefaultTxTimeout), so that a database that stops answering turns into
	// an error instead of a request or worker waiting on it forever.
	TxTimeout time.Duration
}

// DefaultTxTimeout is the default Config.TxTimeout.
const DefaultTxTimeout = 10 * time.Second

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
	synced  chan []*writeJob // committed groups waiting for Sync
	broken  atomic.Bool      // a Sync failed: nothing more can be promised durable
	syncing atomic.Bool      // a Sync is under way (see awaitSync)
	syncEnd chan struct{}    // a token after each Sync
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
	if cfg.TxTimeout <= 0 {
		cfg.TxTimeout = DefaultTxTimeout
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
	// The stored offset as it is, even below zero (a snapshot whose Now
	// is in the past): later reads only raise it.
	off, err := s.readOffset(ctx, reader{s}, "")
	if err != nil {
		return nil, err
	}
	s.offset.Store(off)
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
	if d.Sync != nil {
		s.synced = make(chan []*writeJob, 64)
		s.syncEnd = make(chan struct{}, 1)
	}
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

// inList returns a predicate "column is one of values" and its one
// argument. A single value is a plain equality, which every database plans
// as a primary-key probe without the cost of unpacking a list.
func (s *Store) inList(column string, values []string) (string, any) {
	if len(values) == 1 {
		return column + " = ?", values[0]
	}
	return s.d.InList(column), s.d.ListArg(values)
}

// rowsPerInsert is how many rows one multi-row INSERT carries: few enough
// to stay far below every database's parameter limit, many enough that a
// thousand rows are ten statements, not a thousand.
const rowsPerInsert = 100

// insertRows inserts rows with multi-row INSERTs: head is "INSERT INTO t
// (cols) VALUES ", row the placeholder tuple of one row, tail what follows
// the values (an ON CONFLICT clause, or "").
func (s *Store) insertRows(ctx context.Context, tx *Tx, head, row, tail string, rows [][]any) error {
	return s.insertRowsBy(ctx, tx, rowsPerInsert, head, row, tail, rows)
}

// insertRowsBy is insertRows with per rows per INSERT (bulk imports take
// more: fewer, larger statements halve the time of a million rows).
func (s *Store) insertRowsBy(ctx context.Context, tx *Tx, per int, head, row, tail string, rows [][]any) error {
	return s.insertRowsShared(ctx, tx, per, head, nil, row, tail, rows)
}

// insertRowsShared is insertRowsBy where head also has placeholders, bound
// to shared in every statement, before the rows' own.
func (s *Store) insertRowsShared(ctx context.Context, tx *Tx, per int, head string, shared []any, row, tail string, rows [][]any) error {
	for len(rows) > 0 {
		n := min(len(rows), per)
		var q strings.Builder
		q.WriteString(head)
		args := append(make([]any, 0, len(shared)+n*len(rows[0])), shared...)
		for i, r := range rows[:n] {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString(row)
			args = append(args, r...)
		}
		q.WriteString(tail)
		if _, err := tx.exec(ctx, q.String(), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
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
	s      *Store
	tx     *sql.Tx // nil with group commit
	now    time.Time
	writes int // statements that may have changed rows (see runGroup)
}

func (t *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if !strings.HasPrefix(q, "SELECT") {
		t.writes++ // UPDATE ... RETURNING
	}
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
	t.writes++
	if t.tx != nil {
		res, err := t.tx.ExecContext(ctx, t.s.rebind(q), args...)
		return res, t.s.wrap(err, "exec")
	}
	return t.s.execWriter(ctx, "exec", q, args...)
}

// execWriter runs q through the group committer's prepared statements;
// what names it in an error.
func (s *Store) execWriter(ctx context.Context, what, q string, args ...any) (sql.Result, error) {
	st, err := s.wstmts.get(ctx, q)
	if err != nil {
		return nil, err
	}
	res, err := st.ExecContext(ctx, args...)
	return res, s.wrap(err, what)
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
	err  error // the outcome, until it is delivered
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
		// Once queued, the job is waited for even if ctx ends: fn writes
		// the caller's results, which must not be read while it may still
		// run. The wait is short: the committer does not start jobs whose
		// context has ended, and bounds the group it is running.
		return <-j.done
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
	ctx, cancel := context.WithTimeout(ctx, s.cfg.TxTimeout)
	defer cancel()
	sqlTx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap(err, "begin")
	}
	tx := &Tx{s: s, tx: sqlTx}
	// Other replicas may have moved the clock: take it from the database.
	off, err := s.syncOffset(ctx, tx)
	if err != nil {
		sqlTx.Rollback()
		return err
	}
	tx.now = s.serviceTime(off)
	if err := fn(ctx, tx); err != nil {
		sqlTx.Rollback()
		return err
	}
	return s.wrap(sqlTx.Commit(), "commit")
}

// maxGroup bounds how many requests one group commit holds.
const maxGroup = 256

// committer is the single SQLite writer: it takes every queued write and
// commits them together in one transaction, so that one fsync covers many
// requests.
func (s *Store) committer() {
	defer close(s.stopped)
	if s.synced != nil {
		syncDone := make(chan struct{})
		go s.syncer(syncDone)
		defer func() { close(s.synced); <-syncDone }()
	}
	for {
		batch := make([]*writeJob, 0, 32)
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
		s.awaitSync() // groupwait.go
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

// runGroup commits a group of writes. Each request's changes must stay all
// or nothing, so a request that fails after it changed rows cannot simply
// be left out of the commit. The common case pays nothing for that: the
// group runs straight through, and only when a request fails after writing
// is the transaction rolled back and the group run again with a savepoint
// around each request (write functions may run more than once).
//
// The group runs without a deadline: given a context that can end, the
// SQLite driver starts a goroutine for every statement to interrupt it,
// a goroutine start and two switches per statement on the writer's path.
// What bounds a group instead is SQLite's busy_timeout (the only wait a
// statement of the sole writer can meet) and maxGroup with the request
// size limits (how much it may write).
func (s *Store) runGroup(batch []*writeJob) {
	ctx := context.Background()
	if s.broken.Load() {
		for _, j := range batch {
			j.done <- errUnsynced
		}
		return
	}
	errs, err := s.tryGroup(ctx, batch, false)
	if errors.Is(err, errDirtyFailure) {
		errs, err = s.tryGroup(ctx, batch, true)
	}
	committed := false
	for i, j := range batch {
		if errs[i] == nil {
			errs[i] = err
		}
		committed = committed || errs[i] == nil
		j.err = errs[i]
	}
	if committed && s.synced != nil {
		s.synced <- batch // acknowledged once on disk
		return
	}
	for _, j := range batch {
		j.done <- j.err
	}
}

// errUnsynced is what writes get once the disk has refused an fsync.
var errUnsynced = &unavailableError{err: errors.New("the database could not make a commit durable (fsync failed); restart the server")}

// syncer makes committed groups durable and then acknowledges them; one
// Sync covers every group committed since the previous one.
func (s *Store) syncer(done chan struct{}) {
	defer close(done)
	for batch := range s.synced {
		groups := [][]*writeJob{batch}
	more:
		for {
			select {
			case b, ok := <-s.synced:
				if !ok {
					break more
				}
				groups = append(groups, b)
			default:
				break more
			}
		}
		s.syncing.Store(true)
		err := s.d.Sync()
		s.syncDone()
		if err != nil {
			// After a failed fsync the kernel may have dropped the pages:
			// nothing written since can be promised, now or later.
			s.broken.Store(true)
			s.log.Error("fsync failed; refusing further writes", "err", err)
		}
		for _, g := range groups {
			for _, j := range g {
				if j.err == nil && err != nil {
					j.err = errUnsynced
				}
				j.done <- j.err
			}
		}
	}
}

// errDirtyFailure says a request failed after changing rows, with no
// savepoint to undo just its part.
var errDirtyFailure = errors.New("a write failed after changing rows")

// tryGroup runs the group in one transaction and commits it. It returns
// each request's own error, and an error for the group as a whole (which
// every request without its own error shares).
func (s *Store) tryGroup(ctx context.Context, batch []*writeJob, savepoints bool) ([]error, error) {
	errs := make([]error, len(batch))
	// BEGIN, COMMIT and the savepoints are prepared once, like every
	// statement of the writer, instead of parsed again for every group.
	exec := func(q string) error {
		_, err := s.execWriter(ctx, q, q)
		return err
	}
	rollback := func(cause error) error {
		if err := exec("ROLLBACK"); err != nil {
			s.log.Warn("rollback failed", "err", err)
		}
		return cause
	}
	if err := exec("BEGIN IMMEDIATE"); err != nil {
		return errs, err
	}
	tx := &Tx{s: s, now: s.now()}
	ok := 0
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			errs[i] = err // not started: the caller is gone
			continue
		}
		if savepoints {
			if err := exec("SAVEPOINT w"); err != nil {
				return errs, rollback(err)
			}
		}
		before := tx.writes
		err := j.fn(ctx, tx)
		switch {
		case err == nil:
			ok++
		case !savepoints && tx.writes > before:
			return errs, rollback(errDirtyFailure)
		default:
			errs[i] = err
			if savepoints {
				if err := exec("ROLLBACK TO SAVEPOINT w"); err != nil {
					return errs, rollback(err)
				}
			}
		}
		if savepoints {
			if err := exec("RELEASE SAVEPOINT w"); err != nil {
				return errs, rollback(err)
			}
		}
	}
	if ok == 0 {
		return errs, rollback(nil)
	}
	if err := exec("COMMIT"); err != nil {
		return errs, rollback(err)
	}
	return errs, nil
}

// The service clock is the base clock plus an offset kept in
// meta('clock_offset_ms'). Every replica must agree on it, so where it
// matters it is read from the database rather than from this process:
//
//   - with group commit (SQLite) this process is the database's only
//     writer, so the cached s.offset is the stored value and costs nothing;
//   - without it (PostgreSQL, possibly several replicas) each write
//     transaction reads the offset when it starts (writeOnce), Now reads it
//     too, and clock moves lock the row (moveClock), so a move made on one
//     replica is seen by the next transaction on every replica. Reading the
//     offset once per transaction costs one round trip; caching it with a
//     TTL or LISTEN/NOTIFY would save that but let replicas disagree for a
//     while, which tests that move the clock through one replica and read
//     through another would see.
//
// Replicas still add their own base clock: wall clocks on different hosts
// differ by their NTP skew (milliseconds), which the service clock inherits.

// sharedClock reports whether other processes may move the clock.
func (s *Store) sharedClock() bool { return !s.d.GroupCommit }

// now returns the service clock from the cached offset.
func (s *Store) now() time.Time { return s.serviceTime(s.offset.Load()) }

// serviceTime is the base clock plus off (ms).
func (s *Store) serviceTime(off int64) time.Time { return serviceTimeAt(s.cfg.Clock.Now(), off) }

// serviceTimeAt is base plus off (ms), truncated to milliseconds as every
// stored time is.
func serviceTimeAt(base time.Time, off int64) time.Time {
	return base.Add(time.Duration(off) * time.Millisecond).Truncate(time.Millisecond).UTC()
}

// currentNow returns the service clock, reading the offset from the
// database when other processes may move it.
func (s *Store) currentNow(ctx context.Context) (time.Time, error) {
	if !s.sharedClock() {
		return s.now(), nil
	}
	off, err := s.syncOffset(ctx, reader{s})
	if err != nil {
		return time.Time{}, err
	}
	return s.serviceTime(off), nil
}

// syncOffset reads the stored clock offset through q, refreshes the cache
// with it (the offset only grows) and returns it.
func (s *Store) syncOffset(ctx context.Context, q querier) (int64, error) {
	off, err := s.readOffset(ctx, q, "")
	if err != nil {
		return 0, err
	}
	s.raiseOffset(off)
	return off, nil
}

// raiseOffset sets the cached offset to off unless it is already larger:
// concurrent readers may finish out of order, and the clock never goes back.
func (s *Store) raiseOffset(off int64) {
	for {
		cur := s.offset.Load()
		if off <= cur || s.offset.CompareAndSwap(cur, off) {
			return
		}
	}
}

// readOffset reads the stored clock offset (0 if none), with lock appended
// to the query.
func (s *Store) readOffset(ctx context.Context, q querier, lock string) (int64, error) {
	var v string
	err := q.queryRow(ctx, "SELECT value FROM meta WHERE key = 'clock_offset_ms'"+lock).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, s.wrap(err, "read clock offset")
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("read clock offset: bad value %q: %w", v, err)
	}
	return n, nil
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func nullMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMS(v.Int64)
}

// Services returns the store as every service chimevoice serves.
func (s *Store) Services() chimevoice.Services {
	return chimevoice.Services{
		Numbers: s, Orders: s, Admin: s, VoiceConnectors: s, SipMedia: s,
		Tags: s, Accounts: s, Settings: s, State: s, Stats: s, ConsoleSessions: s,
		GlobalSettings: s, VoiceProfileDomains: s, Proxy: s, E911: e911.Validator{}, UserSettings: s,
		VoiceAnalytics: s,
	}
}
