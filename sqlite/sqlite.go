// Package sqlite opens chimevoice's store on an embedded SQLite database
// (modernc.org/sqlite, pure Go): WAL, full fsync on commit, one writer
// connection fed by the group committer and a pool of read connections.
package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"

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
	sync := "FULL" // a commit is on disk before it is acknowledged, even on power loss
	var tmpDir string
	if path == Memory {
		dir, err := os.MkdirTemp("", "chimevoice-")
		if err != nil {
			return nil, fmt.Errorf("create throwaway store: %w", err)
		}
		tmpDir, path, sync = dir, filepath.Join(dir, "chimevoice.db"), "OFF"
	}
	st, err := open(ctx, path, sync, cfg)
	if err != nil {
		if tmpDir != "" {
			os.RemoveAll(tmpDir)
		}
		return nil, err
	}
	return &Store{Store: st, tmpDir: tmpDir}, nil
}

// Store is the SQLite-backed store.
type Store struct {
	*sqlstore.Store
	tmpDir string
}

// Close closes the store and removes a throwaway store's files.
func (s *Store) Close() error {
	err := s.Store.Close()
	if s.tmpDir != "" {
		err = errors.Join(err, os.RemoveAll(s.tmpDir))
	}
	return err
}

func open(ctx context.Context, path, sync string, cfg sqlstore.Config) (*sqlstore.Store, error) {
	common := []string{"foreign_keys(1)", "busy_timeout(10000)"}
	wdb, err := sql.Open("sqlite", dsn("file:"+path, append(common,
		"journal_mode(WAL)",
		"synchronous("+sync+")",
		"cache_size(-65536)", // 64 MiB
		"wal_autocheckpoint(10000)",
	)))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	// The group committer owns the one writer connection.
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	if err := wdb.PingContext(ctx); err != nil {
		wdb.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	rdb, err := sql.Open("sqlite", dsn("file:"+path, append(common, "query_only(1)", "cache_size(-16384)")))
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("open sqlite %s for reading: %w", path, err)
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	rdb.SetMaxOpenConns(n)
	rdb.SetMaxIdleConns(n)
	d := dialect
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
