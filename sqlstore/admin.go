package sqlstore

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/chimevoice/chimevoice"
)

// Now implements chimevoice.AdminService.
func (s *Store) Now(ctx context.Context) (time.Time, error) { return s.now(), nil }

// Ping implements chimevoice.AdminService.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.wrap(reader{s}.queryRow(ctx, `SELECT 1`).Scan(&one), "ping")
}

// AdvanceClock implements chimevoice.AdminService.
func (s *Store) AdvanceClock(ctx context.Context, d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, chimevoice.Errorf(chimevoice.CodeBadRequest, "Advance: the service clock never moves backwards (got %s).", d)
	}
	return s.moveClock(ctx, func(now time.Time) (time.Time, error) { return now.Add(d), nil })
}

// SetClock implements chimevoice.AdminService.
func (s *Store) SetClock(ctx context.Context, t time.Time) (time.Time, error) {
	return s.moveClock(ctx, func(now time.Time) (time.Time, error) {
		if t.Before(now) {
			return time.Time{}, chimevoice.Errorf(chimevoice.CodeBadRequest, "Set: %s is before the service clock (%s); the clock never moves backwards.", t.UTC().Format(time.RFC3339Nano), now.Format(time.RFC3339Nano))
		}
		return t, nil
	})
}

// moveClock stores a new clock offset and then runs the work that became due.
func (s *Store) moveClock(ctx context.Context, target func(now time.Time) (time.Time, error)) (time.Time, error) {
	var off int64
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		t, err := target(s.now())
		if err != nil {
			return err
		}
		off = max(t.Truncate(time.Millisecond).Sub(s.cfg.Clock.Now()).Milliseconds(), s.offset.Load())
		_, err = tx.exec(ctx, `INSERT INTO meta (key, value) VALUES ('clock_offset_ms', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, strconv.FormatInt(off, 10))
		return err
	})
	if err != nil {
		return time.Time{}, err
	}
	s.offset.Store(off)
	if err := s.RunDue(ctx); err != nil {
		return time.Time{}, err
	}
	return s.now(), nil
}

// DueCounts is what one pass of due work did.
type DueCounts struct {
	Orders       int
	CallingNames int
	Purged       int
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
		res, err := tx.exec(ctx, `UPDATE phone_numbers SET calling_name_status = 'UpdateSucceeded' WHERE calling_name_status = 'UpdateInProgress' AND updated_at <= ?`, ms(tx.now.Add(-s.cfg.OrderLatency)))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return s.wrap(err, "rows affected")
	})
	return int(n), err
}

// purgeBatch is how many numbers one purge transaction removes: small
// transactions keep the writer free for requests.
const purgeBatch = 1000

// Purge permanently removes every number whose time in the Deletion queue
// is over, in small transactions. Each DELETE re-checks the condition, so
// when several replicas purge at once each number is removed (and counted)
// exactly once.
func (s *Store) Purge(ctx context.Context) (int, error) {
	total := 0
	for {
		var n int64
		err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
			cutoff := ms(tx.now.Add(-s.cfg.Retention))
			res, err := tx.exec(ctx, `DELETE FROM phone_numbers WHERE e164 IN (
				SELECT e164 FROM phone_numbers WHERE deleted_at IS NOT NULL AND deleted_at <= ? ORDER BY deleted_at LIMIT ?
			) AND deleted_at IS NOT NULL AND deleted_at <= ?`, cutoff, purgeBatch, cutoff)
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return s.wrap(err, "rows affected")
		})
		if err != nil {
			return total, err
		}
		total += int(n)
		if n < purgeBatch {
			return total, nil
		}
	}
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
