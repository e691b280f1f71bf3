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

// Stats reads the figures monitoring scrapes. It costs one GROUP BY over
// the numbers' status index (the Deletion queue's oldest entry comes with
// it, as the MIN of deleted_at in its group) and no write.
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
	rows, err := reader{s}.query(ctx, `SELECT status, COUNT(*), MIN(deleted_at) FROM phone_numbers GROUP BY status`)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var n int64
		var oldest sql.NullInt64
		if err := rows.Scan(&status, &n, &oldest); err != nil {
			return st, s.wrap(err, "scan number counts")
		}
		st.Numbers[chimevoice.Status(status)] = n
		if chimevoice.Status(status) == chimevoice.StatusDeleteInProgress {
			st.OldestQueued = nullMS(oldest)
		}
	}
	return st, s.wrap(rows.Err(), "count numbers")
}
