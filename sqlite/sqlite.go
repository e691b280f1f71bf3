// Package sqlite opens chimevoice's store on an embedded SQLite database
// (modernc.org/sqlite, pure Go): WAL mode; one writer connection fed by the
// group committer, whose commits are made durable by an fsync of the WAL
// before they are acknowledged; a pool of read connections; and a
// checkpointer that copies the WAL into the database off the write path.
package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/chimevoice/chimevoice/sqlstore"
)

// Memory is the path that selects a throwaway in-memory store.
const Memory = ":memory:"

// dialect is SQLite's part of the one SQL code path.
var dialect = sqlstore.Dialect{
	Name:    "sqlite",
	InList:  func(col string) string { return col + " IN (SELECT value FROM json_each(?))" },
	ListArg: jsonList,
	// SQLite has one writer; batching concurrent requests' writes into one
	// commit is what lets throughput pass the one-fsync-per-request ceiling.
	GroupCommit: true,
	Prepare:     true,
	Classify:    classify,
	OrFail:      " OR FAIL",
}

func jsonList(values []string) any {
	b, _ := json.Marshal(values) // []string always marshals
	return string(b)
}

func classify(err error) sqlstore.ErrorClass {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return sqlstore.ErrOther
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_CONSTRAINT:
		if se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
			return sqlstore.ErrUnique
		}
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return sqlstore.ErrRetry
	case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL:
		return sqlstore.ErrUnavailable
	}
	return sqlstore.ErrOther
}

// Open opens (creating if needed) the SQLite store at path. The path
// ":memory:" gives a throwaway store: a temporary file removed on Close, so
// that it keeps the same reader/writer layout as a real one.
func Open(ctx context.Context, path string, cfg sqlstore.Config) (*Store, error) {
	var tmpDir string
	wal := &walSync{}
	if path == Memory {
		dir, err := os.MkdirTemp("", "chimevoice-")
		if err != nil {
			return nil, fmt.Errorf("create throwaway store: %w", err)
		}
		tmpDir, path, wal = dir, filepath.Join(dir, "chimevoice.db"), nil
		// A copy of a migrated empty database instead of running the
		// migrations: every throwaway store (a test's) starts this way.
		if err := os.WriteFile(path, emptyImage, 0o600); err != nil {
			os.RemoveAll(tmpDir)
			return nil, fmt.Errorf("create throwaway store: %w", err)
		}
	} else {
		wal.path = path + "-wal"
	}
	st, err := open(ctx, path, wal, cfg)
	if err != nil {
		if tmpDir != "" {
			os.RemoveAll(tmpDir)
		}
		return nil, err
	}
	cdb, err := sql.Open("sqlite", dsn("file:"+path, []string{"busy_timeout(10000)"}))
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("open sqlite %s for checkpoints: %w", path, err)
	}
	cdb.SetMaxOpenConns(1)
	s := &Store{Store: st, tmpDir: tmpDir, cdb: cdb, wal: wal, stop: make(chan struct{}), done: make(chan struct{})}
	go s.checkpointer(cfg.Logger)
	return s, nil
}

// Store is the SQLite-backed store.
type Store struct {
	*sqlstore.Store
	tmpDir string
	cdb    *sql.DB // the checkpointer's connection
	wal    *walSync
	stop   chan struct{}
	done   chan struct{}
}

// checkpointInterval is how often WAL frames are copied into the database.
const checkpointInterval = 200 * time.Millisecond

// walRestartFrames is the WAL size (in pages) past which the checkpointer
// makes the WAL start over. A PASSIVE checkpoint copies frames but never
// waits, so under a steady stream of readers the WAL would only grow.
const walRestartFrames = 16384 // 64 MiB of 4 KiB pages

// checkpointer copies committed WAL frames into the database file from its
// own connection. The writer's automatic checkpoint is off: run inside a
// commit it would stall every request waiting in that group commit, while
// a PASSIVE checkpoint here never blocks the writer or the readers. When
// the WAL has grown past walRestartFrames, a RESTART checkpoint waits for
// the readers of old frames and has the WAL start over: it holds writers
// back for that moment, once in a while, instead of letting the file grow
// without bound. RESTART, not TRUNCATE: the next frames overwrite the
// WAL's blocks (journal_size_limit keeps it at 64 MiB at most) instead of
// growing a truncated file again, block by block, with the file system's
// metadata in every sync.
func (s *Store) checkpointer(log *slog.Logger) {
	defer close(s.done)
	t := time.NewTicker(checkpointInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		var busy, frames, done int
		if err := s.cdb.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &done); err != nil {
			if log != nil {
				log.Warn("checkpoint failed", "err", err)
			}
			continue
		}
		if frames > walRestartFrames {
			if _, err := s.cdb.Exec("PRAGMA wal_checkpoint(RESTART)"); err != nil && log != nil {
				log.Warn("WAL restart failed", "frames", frames, "err", err)
			}
		}
	}
}

// Close closes the store and removes a throwaway store's files.
func (s *Store) Close() error {
	close(s.stop)
	<-s.done
	// The checkpointer's connection closes last: the last connection to
	// close checkpoints the WAL into the database, and this one syncs.
	err := errors.Join(s.Store.Close(), s.cdb.Close())
	if s.wal != nil {
		err = errors.Join(err, s.wal.close())
	}
	if s.tmpDir != "" {
		err = errors.Join(err, os.RemoveAll(s.tmpDir))
	}
	return err
}

func open(ctx context.Context, path string, wal *walSync, cfg sqlstore.Config) (*sqlstore.Store, error) {
	// soft_heap_limit bounds all of SQLite's memory in the process (caches
	// shrink past it): the store's RSS stays under 100 MB with a million
	// numbers, whatever the load.
	common := []string{"foreign_keys(1)", "busy_timeout(10000)", "soft_heap_limit(50331648)"}
	// The writer never waits for the disk itself: the store calls
	// wal.sync (one fsync of the WAL for every group committed since the
	// last) before it acknowledges anything. A throwaway store never syncs.
	wdb, err := sql.Open("sqlite", dsn("file:"+path, append(common,
		"journal_mode(WAL)",
		"synchronous(OFF)",
		"cache_size(-16384)",    // 16 MiB; the OS page cache holds the rest
		"wal_autocheckpoint(0)", // the checkpointer does it, off the write path
		"journal_size_limit(67108864)",
		// Statement journals (what a multi-row INSERT inside the group's
		// transaction writes to undo itself) stay in memory instead of
		// spilling to a temporary file with a write syscall per page.
		"temp_store(MEMORY)",
	)))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	// The group committer owns the one writer connection.
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	rdb, err := sql.Open("sqlite", dsn("file:"+path, append(common, "query_only(1)", "cache_size(-4096)")))
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("open sqlite %s for reading: %w", path, err)
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	rdb.SetMaxOpenConns(n)
	rdb.SetMaxIdleConns(n)
	// The first reader connection (the store reads at once, and so does
	// the first health check) opens while the writer's does: each costs
	// about a millisecond at start, mostly SQLite reading the schema. Its
	// error, if any, is the one the store's first read reports.
	readerUp := make(chan struct{})
	go func() {
		defer close(readerUp)
		_ = rdb.PingContext(ctx)
	}()
	if err := wdb.PingContext(ctx); err != nil {
		<-readerUp
		wdb.Close()
		rdb.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	<-readerUp
	d := dialect
	if wal != nil {
		d.Sync = wal.sync
	}
	st, err := sqlstore.New(ctx, &d, rdb, wdb, cfg)
	if err != nil {
		wdb.Close()
		rdb.Close()
		return nil, err
	}
	return st, nil
}

func dsn(base string, pragmas []string) string {
	v := url.Values{}
	for _, p := range pragmas {
		v.Add("_pragma", p)
	}
	return base + "?" + v.Encode()
}

// walSync makes commits durable by syncing the WAL file. It keeps one file
// descriptor open for the life of the store: closing a descriptor of a file
// drops the process's POSIX locks on it, so it is closed only after SQLite
// has closed its own.
type walSync struct {
	path string
	mu   sync.Mutex
	f    *os.File
}

func (w *walSync) sync() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		f, err := os.OpenFile(w.path, os.O_RDWR, 0)
		if err != nil {
			return fmt.Errorf("open WAL for sync: %w", err)
		}
		w.f = f
	}
	if err := w.f.Sync(); err != nil {
		return fmt.Errorf("sync WAL: %w", err)
	}
	return nil
}

func (w *walSync) close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}
