package sqlstore

import (
	"context"
	"database/sql"
	"sync/atomic"

	"github.com/chimevoice/chimevoice"
)

// counters count what this process's background work committed. They are
// per process, as Prometheus counters are: with several replicas, each
// reports its own share and the sum is the whole.
type counters struct {
	purged atomic.Int64
	orders [len(chimevoice.CompletedOrderStatuses)]atomic.Int64
}

func (c *counters) orderCompleted(st chimevoice.OrderStatus) {
	for i, s := range chimevoice.CompletedOrderStatuses {
		if s == st {
			c.orders[i].Add(1)
			return
		}
	}
}

// Stats reads the figures monitoring scrapes: one read statement of
// counts over indexes, and no write.
func (s *Store) Stats(ctx context.Context) (chimevoice.Stats, error) {
	st := chimevoice.Stats{
		Numbers:         make(map[chimevoice.Status]int64, len(chimevoice.ProducedStatuses)),
		OrdersCompleted: make(map[chimevoice.OrderStatus]int64, len(chimevoice.CompletedOrderStatuses)),
		Purged:          s.stats.purged.Load(),
		Read:            s.rdb.Stats(),
		Write:           s.wdb.Stats(),
	}
	for _, status := range chimevoice.ProducedStatuses {
		st.Numbers[status] = 0
	}
	for i, status := range chimevoice.CompletedOrderStatuses {
		st.OrdersCompleted[status] = s.stats.orders[i].Load()
	}
	st.Now = s.now()
	// Each count walks an index, most of them partial ones, rather than the
	// numbers themselves: Assigned numbers are those with associations
	// (queued and acquiring numbers have none), Unassigned the rest.
	var total, acquiring, queued, assigned int64
	var oldest sql.NullInt64
	err := reader{s}.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM phone_numbers),
		(SELECT COUNT(*) FROM phone_numbers WHERE status = 'AcquireInProgress'),
		(SELECT COUNT(*) FROM phone_numbers WHERE deleted_at IS NOT NULL),
		(SELECT MIN(deleted_at) FROM phone_numbers WHERE deleted_at IS NOT NULL),
		(SELECT COUNT(DISTINCT e164) FROM phone_number_associations)`).Scan(&total, &acquiring, &queued, &oldest, &assigned)
	if err != nil {
		return st, s.wrap(err, "count numbers")
	}
	st.Numbers[chimevoice.StatusAcquireInProgress] = acquiring
	st.Numbers[chimevoice.StatusDeleteInProgress] = queued
	st.Numbers[chimevoice.StatusAssigned] = assigned
	st.Numbers[chimevoice.StatusUnassigned] = total - acquiring - queued - assigned
	st.OldestQueued = nullMS(oldest)
	return st, nil
}
