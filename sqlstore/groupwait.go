package sqlstore

// Groups as large as a sync allows. With the pipelined WAL sync (Dialect.Sync),
// a group committed while a sync is under way waits for the next sync
// anyway, whenever during this one it was committed: committing the writes
// that arrive meanwhile as they come (a group of one or two each, since
// answers leave in bursts after each sync and their clients' next requests
// trickle in) only makes more commits, each with its BEGIN, COMMIT, locks of
// the WAL index and WAL frames for the pages they share. So while a sync is
// under way, the committer waits for it to end and then commits everything
// that arrived meanwhile as one group, which the next sync covers: the same
// sync as before, for fewer commits. With no sync under way (a light load)
// a write is committed at once, as before.

// awaitSync waits, with the pipelined sync, until no sync is under way.
func (s *Store) awaitSync() {
	if s.syncEnd == nil {
		return
	}
	select {
	case <-s.syncEnd: // a stale token: the sync it marks is over
	default:
	}
	if !s.syncing.Load() {
		return
	}
	select {
	case <-s.syncEnd:
	case <-s.stop:
	}
}

// syncDone marks the end of a sync (for awaitSync).
func (s *Store) syncDone() {
	s.syncing.Store(false)
	select {
	case s.syncEnd <- struct{}{}:
	default:
	}
}
