package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a version number", e.Name())
		}
		data, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(data)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// SchemaVersion is the newest migration version this build knows.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// migrate applies the migrations not yet applied, each in its own
// transaction, under the dialect's lock so that replicas starting together
// apply each once.
func (s *Store) migrate(ctx context.Context) error {
	all, err := migrations()
	if err != nil {
		return err
	}
	if s.upToDate(ctx, all) {
		return nil
	}
	conn, err := s.wdb.Conn(ctx)
	if err != nil {
		return s.wrap(err, "migrate: connect")
	}
	defer conn.Close()
	if s.d.Lock != nil {
		if err := s.d.Lock(ctx, conn); err != nil {
			return s.wrap(err, "migrate: lock")
		}
		defer s.d.Unlock(context.WithoutCancel(ctx), conn)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		return s.wrap(err, "migrate: create schema_migrations")
	}
	applied := map[int]bool{}
	rows, err := conn.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return s.wrap(err, "migrate: read versions")
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return s.wrap(err, "migrate: read versions")
		}
		applied[v] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return s.wrap(err, "migrate: read versions")
	}
	newest := 0
	for v := range applied {
		newest = max(newest, v)
	}
	if len(all) > 0 && newest > all[len(all)-1].version {
		return fmt.Errorf("migrate: the database has schema version %d, newer than this build knows (%d)", newest, all[len(all)-1].version)
	}
	for _, m := range all {
		if applied[m.version] {
			continue
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return s.wrap(err, "migrate: begin")
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			tx.Rollback()
			return s.wrap(err, "migrate: apply "+m.name)
		}
		if _, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO schema_migrations (version, name) VALUES (?, ?)`), m.version, m.name); err != nil {
			tx.Rollback()
			return s.wrap(err, "migrate: record "+m.name)
		}
		if err := tx.Commit(); err != nil {
			return s.wrap(err, "migrate: commit "+m.name)
		}
		s.log.Info("applied migration", "version", m.version, "name", m.name)
	}
	return nil
}

// upToDate checks with one query, without the lock, whether the database
// has exactly the migrations this build knows: what every start but the
// first after an upgrade finds. Anything else (no schema_migrations table
// yet, a migration missing, a version this build does not know) is left to
// migrate's full path.
func (s *Store) upToDate(ctx context.Context, all []migration) bool {
	if len(all) == 0 {
		return false
	}
	known := make([]string, len(all))
	for i, m := range all {
		known[i] = strconv.Itoa(m.version)
	}
	var total, matched int
	err := s.wdb.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(CASE WHEN version IN (`+strings.Join(known, ", ")+`) THEN 1 END) FROM schema_migrations`).Scan(&total, &matched)
	return err == nil && total == len(all) && matched == len(all)
}
