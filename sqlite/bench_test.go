package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/sqlite"
	"github.com/chimevoice/chimevoice/sqlstore"
)

var bctx = context.Background()

const account = "000000000000"

var caller = chimevoice.Caller{AccountID: account, Region: "us-east-1"}

// number is the i-th number of the seeded inventory: valid, distinct, sorted by i.
func number(i int) string { return fmt.Sprintf("+1206%07d", 2000000+i) }

// seeded opens a store on a file holding n Unassigned numbers (and queued
// ones numbered from n, deleted at deletedAt, when queued > 0), written
// with bulk INSERTs on the side so that a million rows take seconds.
func seeded(b *testing.B, n, queued int, deletedAt time.Time, cfg sqlstore.Config) *sqlite.Store {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.db")
	st, err := sqlite.Open(bctx, path, cfg) // creates the schema
	if err != nil {
		b.Fatal(err)
	}
	st.Close()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)")
	if err != nil {
		b.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	const rows = 500
	// Rows go in scattered order, as orders of searched numbers insert them.
	scatter := func(i, from, to int) int { return from + (i-from)*7919%(to-from) }
	insert := func(from, to int, status string, deleted any) {
		for i := from; i < to; i += rows {
			var sb strings.Builder
			sb.WriteString(`INSERT INTO phone_numbers (e164, account_id, country, number_type, product_type, status, created_at, updated_at, deleted_at) VALUES `)
			args := []any{}
			for j := i; j < min(to, i+rows); j++ {
				if j > i {
					sb.WriteByte(',')
				}
				sb.WriteString(`(?, ?, 'US', 'Local', 'VoiceConnector', ?, 0, 0, ?)`)
				args = append(args, number(scatter(j, from, to)), account, status, deleted)
			}
			if _, err := tx.Exec(sb.String(), args...); err != nil {
				b.Fatal(err)
			}
		}
	}
	insert(0, n, "Unassigned", nil)
	insert(n, n+queued, "DeleteInProgress", deletedAt.UnixMilli())
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	st, err = sqlite.Open(bctx, path, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// BenchmarkBatchDelete deletes batches of 1, 100 and 1000 numbers, one
// request at a time, each durable before the next starts.
func BenchmarkBatchDelete(b *testing.B) {
	for _, k := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("batch=%d", k), func(b *testing.B) {
			st := seeded(b, b.N*k, 0, time.Time{}, sqlstore.Config{})
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ids := make([]chimevoice.BatchID, k)
				for j := range ids {
					e := number(i*k + j)
					ids[j] = chimevoice.BatchID{Raw: e, E164: e}
				}
				if errs, err := st.BatchDeletePhoneNumbers(bctx, caller, ids); err != nil || len(errs) > 0 {
					b.Fatal(err, errs)
				}
			}
			b.ReportMetric(float64(b.N*k)/b.Elapsed().Seconds(), "numbers/s")
		})
	}
}

// BenchmarkBatchDeleteParallel is 32 callers deleting one number each at
// once: the group commit's case.
func BenchmarkBatchDeleteParallel(b *testing.B) {
	st := seeded(b, b.N+64, 0, time.Time{}, sqlstore.Config{})
	var next atomic.Int64
	b.SetParallelism(16) // 32 goroutines on 2 CPUs
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			e := number(int(next.Add(1) - 1))
			if errs, err := st.BatchDeletePhoneNumbers(bctx, caller, []chimevoice.BatchID{{Raw: e, E164: e}}); err != nil || len(errs) > 0 {
				b.Fatal(err, errs)
			}
		}
	})
}

// BenchmarkListPage reads a page of 100 from the middle of inventories of
// 10,000 and 1,000,000 numbers: keyset paging keeps it flat.
func BenchmarkListPage(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("numbers=%d", n), func(b *testing.B) {
			st := seeded(b, n, 0, time.Time{}, sqlstore.Config{})
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				after := number((i * 7919) % (n - 100))
				page, _, err := st.ListPhoneNumbers(bctx, caller, chimevoice.PhoneNumberFilter{Limit: 100, After: after})
				if err != nil || len(page) != 100 {
					b.Fatal(err, len(page))
				}
			}
		})
	}
}

// BenchmarkListQueuePage reads a page of 100 from the middle of a Deletion
// queue of 10,000 numbers beside 100,000 that are not queued: the queue is
// walked along its own index, in purge order, whatever the inventory's size.
func BenchmarkListQueuePage(b *testing.B) {
	const n, queued = 100_000, 10_000
	deletedAt := time.Now().Truncate(time.Millisecond)
	st := seeded(b, n, queued, deletedAt, sqlstore.Config{})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		last := &chimevoice.PhoneNumber{E164: number(n + (i*7919)%(queued-100)), DeletedAt: deletedAt}
		page, _, err := st.ListPhoneNumbers(bctx, caller, chimevoice.PhoneNumberFilter{Status: chimevoice.StatusDeleteInProgress, Limit: 100, After: chimevoice.QueueCursor(last)})
		if err != nil || len(page) != 100 {
			b.Fatal(err, len(page))
		}
	}
}

// BenchmarkPurge purges a queue of 100,000 expired numbers.
func BenchmarkPurge(b *testing.B) {
	const queued = 100_000
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st := seeded(b, 0, queued, time.Now().Add(-8*24*time.Hour), sqlstore.Config{})
		b.StartTimer()
		n, err := st.Purge(bctx)
		if err != nil || n != queued {
			b.Fatal(err, n)
		}
	}
	b.ReportMetric(float64(b.N*queued)/b.Elapsed().Seconds(), "numbers/s")
}
