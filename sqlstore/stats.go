package sqlstore

import (
	"context"
	"database/sql"
	"sync/atomic"
	"time"

	"github.com/chimevoice/chimevoice"
)

// counters count what this process's background work committed. They are
// per process, as Prometheus counters are: with several replicas, each
// reports its own share and the sum is the whole.
type counters struct {
	purged atomic.Int64
	orders [len(completedOrderStatuses)]atomic.Int64
}

// completedOrderStatuses are the outcomes of a completed order, in the
// order Stats reports them.
var completedOrderStatuses = [...]chimevoice.OrderStatus{chimevoice.OrderSuccessful, chimevoice.OrderPartial, chimevoice.OrderFailed}

func (c *counters) orderCompleted(st chimevoice.OrderStatus) {
	for i, s := range completedOrderStatuses {
		if s == st {
			c.orders[i].Add(1)
			return
		}
	}
}

// Stats is what the store reports to monitoring.
type Stats struct {
	// Now is the service clock when the figures were read.
	Now time.Time
	// Numbers counts the numbers of every account by status; every status
	// chimevoice produces is present, with 0 when no number has it.
	Numbers map[chimevoice.Status]int64
	// OldestQueued is the DeletionTimestamp of the number longest in the
	// Deletion queue; zero when the queue is empty.
	OldestQueued time.Time
	// Purged counts the numbers this process purged since it started.
	Purged int64
	// OrdersCompleted counts the orders this process completed since it
	// started, by outcome (Successful, Partial, Failed; all present).
	OrdersCompleted map[chimevoice.OrderStatus]int64
	// Read and Write are the connection pool statistics of the read and
	// write database handles (the same handle where the backend has one).
	Read, Write sql.DBStats
}

// producedStatuses are the statuses numbers have in chimevoice.
var producedStatuses = []chimevoice.Status{
	chimevoice.StatusAcquireInProgress, chimevoice.StatusUnassigned,
	chimevoice.StatusAssigned, chimevoice.StatusDeleteInProgress,
}

// Stats reads the figures monitoring scrapes: one read statement of
// counts over indexes, and no write.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	st := Stats{
		Numbers:         make(map[chimevoice.Status]int64, len(producedStatuses)),
		OrdersCompleted: make(map[chimevoice.OrderStatus]int64, len(completedOrderStatuses)),
		Purged:          s.stats.purged.Load(),
		Read:            s.rdb.Stats(),
		Write:           s.wdb.Stats(),
	}
	for _, status := range producedStatuses {
		st.Numbers[status] = 0
	}
	for i, status := range completedOrderStatuses {
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
