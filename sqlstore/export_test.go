package sqlstore

import (
	"context"
	"database/sql"
)

// WriteForTest runs fn as one write, for tests of the write path.
func (s *Store) WriteForTest(ctx context.Context, fn func(ctx context.Context, exec func(q string, args ...any) error) error) error {
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		return fn(ctx, func(q string, args ...any) error {
			_, err := tx.exec(ctx, q, args...)
			return err
		})
	})
}

// QueueLen is how many writes wait for the committer.
func (s *Store) QueueLen() int { return len(s.jobs) }

// DB is the read pool.
func (s *Store) DB() *sql.DB { return s.rdb }

// WrapSyncForTest has every WAL sync go through wrap(sync); call it before
// the store's first write.
func (s *Store) WrapSyncForTest(wrap func(sync func() error) error) {
	sync := s.d.Sync
	s.d.Sync = func() error { return wrap(sync) }
}
