package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/chimevoice/chimevoice"
)

// Now implements chimevoice.AdminService.
func (s *Store) Now(ctx context.Context) (time.Time, error) { return s.currentNow(ctx) }

// Ping implements chimevoice.AdminService.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.wrap(reader{s}.queryRow(ctx, `SELECT 1`).Scan(&one), "ping")
}

// AdvanceClock implements chimevoice.AdminService.
func (s *Store) AdvanceClock(ctx context.Context, d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, chimevoice.FieldErrorf("Advance", "the service clock never moves backwards (got %s).", d)
	}
	return s.moveClock(ctx, func(now time.Time) (time.Time, error) { return now.Add(d), nil })
}

// SetClock implements chimevoice.AdminService.
func (s *Store) SetClock(ctx context.Context, t time.Time) (time.Time, error) {
	return s.moveClock(ctx, func(now time.Time) (time.Time, error) {
		if t.Before(now) {
			return time.Time{}, chimevoice.FieldErrorf("Set", "%s is before the service clock (%s); the clock never moves backwards.", t.UTC().Format(time.RFC3339Nano), now.Format(time.RFC3339Nano))
		}
		return t, nil
	})
}

// MaxClockAhead is how far the service clock may run ahead of the real
// clock: offsets are durations, which end at 292 years, and deadlines are
// computed by adding retention and latency to the service time.
const MaxClockAhead = 250 * 365 * 24 * time.Hour

// moveClock stores a new clock offset and then runs the work that became due.
// The offset row is read with a row lock, so that concurrent moves on
// several replicas apply one after the other (two Advance calls of an hour
// move the clock two hours, as they do on one process).
func (s *Store) moveClock(ctx context.Context, target func(now time.Time) (time.Time, error)) (time.Time, error) {
	var off int64
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		cur, err := s.readOffset(ctx, tx, s.d.ForUpdate)
		if err != nil {
			return err
		}
		// Whole milliseconds, as the offset is: a Set lands on the very
		// millisecond asked for, not one before it.
		base := s.cfg.Clock.Now().Truncate(time.Millisecond)
		t, err := target(serviceTimeAt(base, cur))
		if err != nil {
			return err
		}
		if t.Sub(base) > MaxClockAhead {
			return chimevoice.Errorf(chimevoice.CodeBadRequest, "The service clock cannot move to %s: it can be at most %d years ahead of the real clock (until %s).",
				t.UTC().Format(time.RFC3339), MaxClockAhead/(365*24*time.Hour), base.Add(MaxClockAhead).UTC().Format(time.RFC3339))
		}
		off = max(t.Truncate(time.Millisecond).Sub(base).Milliseconds(), cur)
		_, err = tx.exec(ctx, `INSERT INTO meta (key, value) VALUES ('clock_offset_ms', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, strconv.FormatInt(off, 10))
		return err
	})
	if err != nil {
		return time.Time{}, err
	}
	s.raiseOffset(off)
	if err := s.RunDue(ctx); err != nil {
		return time.Time{}, err
	}
	return s.currentNow(ctx)
}

// DueCounts is what one pass of due work did.
type DueCounts struct {
	Orders         int
	CallingNames   int
	ProxySessions  int // closed at their expiry
	AnalyticsTasks int // voice analytics tasks moved along (voiceanalytics.go)
	Purged         int
}

// RunDue completes due orders and calling-name updates and purges numbers
// whose time in the Deletion queue is over, until nothing is due.
func (s *Store) RunDue(ctx context.Context) error {
	_, err := s.runDue(ctx)
	return err
}

func (s *Store) runDue(ctx context.Context) (DueCounts, error) {
	var c DueCounts
	var err error
	if c.Orders, err = s.completeOrders(ctx); err != nil {
		return c, err
	}
	if c.CallingNames, err = s.completeCallingNames(ctx); err != nil {
		return c, err
	}
	if c.ProxySessions, err = s.closeProxySessions(ctx); err != nil {
		return c, err
	}
	if c.AnalyticsTasks, err = s.advanceAnalytics(ctx); err != nil {
		return c, err
	}
	c.Purged, err = s.Purge(ctx)
	s.stats.purged.Add(int64(c.Purged)) // batches before a failure are committed
	if err != nil {
		return c, err
	}
	return c, nil
}

func (s *Store) completeCallingNames(ctx context.Context) (int, error) {
	var n int64
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE phone_numbers SET calling_name_status = 'UpdateSucceeded', calling_name_requested_at = NULL WHERE calling_name_status = 'UpdateInProgress' AND COALESCE(calling_name_requested_at, updated_at) <= ?`, ms(tx.now.Add(-s.cfg.OrderLatency)))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return s.wrap(err, "rows affected")
	})
	return int(n), err
}

// purgeBatch is how many numbers one purge transaction removes. The
// larger the batch, the fewer times each page is rewritten: a table page
// holds about 25 numbers, and every transaction that deletes one of them
// writes the whole page again (to the WAL, then to the database file when
// the checkpoint copies it). On the benchmark's queue (900,000 of 1,000,000
// numbers, BENCHMARKS.md "Purge of a million") batches of 10,000 write 0.27
// pages per number purged against 0.93 for batches of 1000, and the purge
// takes half the CPU. A transaction still holds SQLite's one writer
// (PostgreSQL's row locks) while it runs, 0.1 to 0.3 s for 10,000 numbers
// on 2 busy cores, and requests that arrive meanwhile wait for it; the
// pause after each batch (Purge) lets them through.
const purgeBatch = 10000

// Purge permanently removes every number whose time in the Deletion queue
// is over, in transactions of purgeBatch numbers, and records each removal
// in purge_log.
// Each batch is chosen and locked first, so when several replicas purge at
// once each number is removed, and logged, exactly once; a restore that got
// the row first wins, since the lock re-checks the condition on the row it
// waited for. The lock waits rather than skipping locked rows (SKIP
// LOCKED): a clock move must not answer while another replica is still
// purging what became due, or a client reading right after would still see
// the number.
func (s *Store) Purge(ctx context.Context) (int, error) {
	total := 0
	for {
		var n int
		start := time.Now()
		err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
			var err error
			n, err = s.purgeBatch(ctx, tx)
			return err
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < purgeBatch {
			return total, nil
		}
		// A long queue is purged at two thirds of the pace the machine
		// allows, so that requests keep their latency meanwhile.
		pause := time.NewTimer(time.Since(start) / 2)
		select {
		case <-pause.C:
		case <-ctx.Done():
			pause.Stop()
			return total, ctx.Err()
		}
	}
}

func (s *Store) purgeBatch(ctx context.Context, tx *Tx) (int, error) {
	cutoff := ms(tx.now.Add(-s.cfg.Retention))
	rows, err := tx.query(ctx, `SELECT e164 FROM phone_numbers WHERE deleted_at IS NOT NULL AND deleted_at <= ? ORDER BY deleted_at, e164 LIMIT ?`+s.lockClause(tx), cutoff, purgeBatch)
	if err != nil {
		return 0, err
	}
	var due []string
	for rows.Next() {
		var e164 string
		if err := rows.Scan(&e164); err != nil {
			rows.Close()
			return 0, s.wrap(err, "scan purge batch")
		}
		due = append(due, e164)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, s.wrap(err, "read purge batch")
	}
	if len(due) == 0 {
		return 0, nil
	}
	list := s.d.ListArg(due)
	if _, err := tx.exec(ctx, `INSERT INTO purge_log (e164, account_id, deleted_at, purged_at) SELECT e164, account_id, deleted_at, ? FROM phone_numbers WHERE `+s.d.InList("e164"), ms(tx.now), list); err != nil {
		return 0, err
	}
	res, err := tx.exec(ctx, `DELETE FROM phone_numbers WHERE `+s.d.InList("e164"), list)
	if err != nil {
		return 0, err
	}
	if n, err := res.RowsAffected(); err == nil && n != int64(len(due)) {
		// The rows are locked by this transaction; a mismatch means the
		// dialect's lock does not hold them.
		return 0, fmt.Errorf("purge: deleted %d of %d locked numbers", n, len(due))
	}
	return len(due), nil
}

// PurgeRecord is one number removed from the Deletion queue for good.
type PurgeRecord struct {
	E164      string
	AccountID string
	DeletedAt time.Time
	PurgedAt  time.Time
}

// PurgeLog returns every purge recorded, oldest first.
func (s *Store) PurgeLog(ctx context.Context) ([]PurgeRecord, error) {
	rows, err := reader{s}.query(ctx, `SELECT e164, account_id, deleted_at, purged_at FROM purge_log ORDER BY purged_at, e164`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PurgeRecord
	for rows.Next() {
		var r PurgeRecord
		var deleted, purged int64
		if err := rows.Scan(&r.E164, &r.AccountID, &deleted, &purged); err != nil {
			return nil, s.wrap(err, "scan purge log")
		}
		r.DeletedAt, r.PurgedAt = fromMS(deleted), fromMS(purged)
		out = append(out, r)
	}
	return out, s.wrap(rows.Err(), "read purge log")
}

// Wake asks the background worker to look for due work now.
func (s *Store) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// RunWorker runs due work every interval (with jitter, so replicas spread
// out) and whenever Wake is called, until ctx ends. Safe on every replica.
func (s *Store) RunWorker(ctx context.Context, interval time.Duration) {
	for {
		jitter := time.Duration(rand.Int64N(int64(interval)/5 + 1))
		t := time.NewTimer(interval - interval/10 + jitter)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.wake:
		case <-t.C:
		}
		t.Stop()
		c, err := s.runDue(ctx)
		if err != nil && !errors.Is(err, context.Canceled) {
			s.log.Warn("background work failed", "err", err)
		}
		if c.Orders+c.CallingNames+c.Purged > 0 {
			s.log.Debug("background work", "orders", c.Orders, "calling_names", c.CallingNames, "purged", c.Purged)
		}
	}
}
